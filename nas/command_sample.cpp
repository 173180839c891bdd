// `bitnas sample`: genotypes drawn uniformly from a search config's space (within its sampling
// rules and, unless --whole-space, its objective's hard OPs budget, as the search's random and
// evolution controllers draw), written as the ranked YAML list that `derive --candidates` and
// `train --genotype-file --rank K` read. The random baseline of an honest comparison at the
// search's budget, and the sample a reward-vs-accuracy correlation is measured on.
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>

#include "evaluators/genotype_record.hpp"
#include "evaluators/memory_budget.hpp"
#include "nas/commands.hpp"
#include "nas/search/search_config.hpp"
#include "search_spaces/architecture_id.hpp"
#include "search_spaces/genotype_printer.hpp"
#include "search_spaces/genotype_space.hpp"
#include "storage/atomic_file.hpp"

namespace bitnas::cli {

namespace {

struct SampleArgs {
  std::string config, output;
  int count = 8;
  std::int64_t seed = 1;
  bool whole_space = false;
};

std::string quoted(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

void run(const SampleArgs& a) {
  const SearchConfig config = load_search_config(a.config);
  GenotypeSpace space(config.space, config.schedule.rules);
  const bool budgeted = !a.whole_space && is_hard_budget(config.objective);
  std::string within = "its sampling rules";
  if (budgeted) {
    const InputSpec input = dataset_input(config.data);
    space.restrict_to(
        [&config, input](const Genotype& g) {
          return within_budget(config.objective, *measured_genotype_record(config.space, g, input).ops);
        },
        budget_description(config.objective));
    within += " and " + budget_description(config.objective);
  }
  Rng rng(static_cast<std::uint64_t>(a.seed));
  std::set<std::string> seen;
  std::ostringstream out;
  out << "# " << a.count << " genotypes drawn uniformly by `bitnas sample` from " << a.config
      << " (seed " << a.seed << "), within " << within << "\ngenotypes:\n";
  constexpr int kMaxDraws = 100000;
  int rank = 0;
  for (int draw = 0; rank < a.count && draw < kMaxDraws; ++draw) {
    const Genotype g = space.random(rng);
    const ArchitectureId id = architecture_id(config.space, g);
    if (!seen.insert(id.hash).second) continue;
    out << "  - rank: " << ++rank << "\n    genotype: " << quoted(id.canonical_genotype)
        << "\n    hash: " << id.hash << "\n";
  }
  if (rank < a.count)
    throw std::runtime_error(a.config + ": the space holds only " + std::to_string(rank) +
                             " distinct genotypes within " + within + ", fewer than --count " +
                             std::to_string(a.count));
  AtomicFileWriter file(a.output);
  const std::string text = out.str();
  file.write(text.data(), text.size());
  file.commit();
  std::cout << "wrote " << rank << " genotypes to " << a.output << "\n";
}

}  // namespace

void register_sample_command(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "sample",
      "Draw genotypes uniformly from a search config's space (within its sampling rules:\n"
      "search.sample_none, search.max_parameter_free_per_cell; and within the objective's OPs\n"
      "budget when it rejects genotypes outside it, as the search's random and evolution\n"
      "controllers draw), distinct by architecture, and write them as a ranked list for\n"
      "`derive --candidates` and `train --genotype-file`.");
  auto a = std::make_shared<SampleArgs>();
  cmd->add_option("config", a->config, "search YAML file")->required()->check(CLI::ExistingFile);
  cmd->add_option("--count,-n", a->count, "genotypes to draw")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  cmd->add_option("--seed", a->seed, "random seed")->check(CLI::NonNegativeNumber)->capture_default_str();
  cmd->add_option("-o,--output", a->output, "YAML file to write")->required();
  cmd->add_flag("--whole-space", a->whole_space,
                "ignore the objective's OPs budget: draw from the whole space (the sampling "
                "rules still apply)");
  cmd->callback([a] { run(*a); });
}

}  // namespace bitnas::cli
