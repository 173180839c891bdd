// `bitnas plot MODEL`: the model's cell genotypes as a Graphviz graph (DOT text, or SVG / PNG /
// PDF rendered by Graphviz's dot).
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <stdexcept>

#include "nas/commands.hpp"
#include "nas/graphviz_render.hpp"
#include "nas/model_argument.hpp"
#include "search_spaces/genotype_canonical.hpp"
#include "search_spaces/genotype_dot.hpp"

namespace bitnas::cli {

namespace {

struct PlotOptions {
  std::string model;
  std::optional<std::string> space_config;
  std::optional<std::string> output;
};

void write_text_file(const std::string& path, const std::string& text) {
  std::ofstream file(path, std::ios::binary);
  file << text;
  file.close();
  if (!file) throw std::runtime_error("cannot write " + path + " (check the directory exists and is writable)");
}

void run_plot(const PlotOptions& o) {
  const ModelSpec spec = resolve_model_argument(o.model, o.space_config, ModelUse::draw);
  const std::string title =
      spec.name + " (hash " + genotype_hash(spec.genotype, spec.space.num_init_nodes) + ")";
  const std::string dot = genotype_to_dot(spec.genotype, spec.space, title);
  if (!o.output) {
    std::cout << dot;
    return;
  }
  const std::string extension = std::filesystem::path(*o.output).extension().string();
  if (extension == ".dot" || extension == ".gv") {
    write_text_file(*o.output, dot);
  } else if (extension == ".svg" || extension == ".png" || extension == ".pdf") {
    render_with_graphviz(dot, extension.substr(1), *o.output);
  } else {
    throw std::invalid_argument("-o " + *o.output + ": unknown extension '" + extension +
                                "'; use .dot or .gv for DOT text, or .svg, .png or .pdf to "
                                "render with Graphviz");
  }
}

}  // namespace

void register_plot_command(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "plot",
      "draw a model's cell genotypes as a Graphviz graph: one cluster per cell with its input "
      "nodes, internal nodes, op-labelled edges and output node; nodes that reach no output "
      "are drawn dashed and grey, marked (unused)");
  auto o = std::make_shared<PlotOptions>();
  cmd->add_option("MODEL", o->model, model_argument_help())->required();
  cmd->add_option("--config", o->space_config, space_config_help());
  cmd->add_option("-o,--output", o->output,
                  "write to FILE instead of printing DOT to stdout: FILE.dot / FILE.gv get the "
                  "DOT text; FILE.svg, FILE.png and FILE.pdf are rendered by Graphviz's 'dot' "
                  "program, which must be on PATH");
  cmd->callback([o] { run_plot(*o); });
}

}  // namespace bitnas::cli
