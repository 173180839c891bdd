// `bitnas derive`: rank the best genotypes of a search with shared weights on the derive split.
#include <nlohmann/json.hpp>

#include <iostream>

#include "nas/commands.hpp"
#include "nas/genotype_file.hpp"
#include "nas/search/search_run.hpp"
#include "nas/search_terminal_progress.hpp"

namespace bitnas::cli {

namespace {

struct DeriveArgs {
  std::string db = "runs/results.db";
  std::int64_t run = 0;
  int top = 5, samples = 10, from_best = 10;
  std::string output, candidates;
  bool quiet = false, json = false;
};

void run(const DeriveArgs& a) {
  DeriveRequest request;
  request.db_path = a.db;
  request.search_run = a.run;
  request.top = a.top;
  request.samples = a.samples;
  request.from_best = a.from_best;
  if (!a.output.empty()) request.output = a.output;
  if (!a.candidates.empty()) request.candidates = read_genotype_list(a.candidates);
  SearchTerminalProgress progress(a.quiet);
  const DeriveOutcome out = run_derive(request, progress);
  if (a.json) {
    nlohmann::json j{{"derive_run", out.derive_run}, {"genotypes", nlohmann::json::array()}};
    for (const auto& d : out.ranked)
      j["genotypes"].push_back({{"rank", d.rank},
                                {"genotype", d.genotype},
                                {"hash", d.hash},
                                {"derive_reward", d.reward},
                                {"derive_top1", d.accuracy},
                                {"ops", d.ops},
                                {"params", d.params}});
    std::cout << j.dump() << "\n";
    return;
  }
  for (const auto& d : out.ranked)
    std::cout << "rank " << d.rank << "  reward " << d.reward << "  " << d.hash << "  "
              << d.genotype << "\n";
  std::cout << "derive run " << out.derive_run << " in " << a.db << "\n";
  if (!a.output.empty())
    std::cout << "wrote " << a.output << "; retrain the best with:\n  bitnas train "
              << out.search_config_source << " --genotype-file " << a.output << "\n";
}

}  // namespace

void register_derive_command(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "derive",
      "Rank the genotypes of a search: the controller's best evaluated ones plus fresh samples\n"
      "from it, each scored with the supernet's shared weights on the whole derive split.\n"
      "Records a derive run and writes YAML that `bitnas train --genotype-file` reads.");
  auto a = std::make_shared<DeriveArgs>();
  cmd->add_option("--db", a->db, "results database holding the search run")->capture_default_str();
  cmd->add_option("--run", a->run, "id of the search run (see `bitnas query --db FILE runs`)")
      ->required()
      ->check(CLI::PositiveNumber);
  cmd->add_option("--top,-k", a->top, "genotypes kept in the ranking")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  cmd->add_option("--samples,-n", a->samples, "fresh samples drawn from the trained controller")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  cmd->add_option("--from-best", a->from_best,
                  "best genotypes the controller evaluated during the search")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  cmd->add_option("--candidates", a->candidates,
                  "score the genotypes of this file (e.g. `bitnas sample` output) instead of the "
                  "controller's; all are ranked")
      ->check(CLI::ExistingFile);
  cmd->add_option("-o,--output", a->output, "write the ranked genotypes as YAML");
  cmd->add_flag("--quiet,-q", a->quiet, "no progress output");
  cmd->add_flag("--json", a->json, "print the ranking as one JSON object");
  cmd->callback([a] { run(*a); });
}

}  // namespace bitnas::cli
