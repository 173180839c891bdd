#pragma once
// A sample aw_nas config that BitNAS reads, with what each of its keys becomes in BitNAS, for
// `bitnas gen-sample-config --aw-nas`. The keys come from the translator itself: a reference
// document is translated with an AwNasKeyRecording on, every key it reads is listed, and what a
// key sets is found by translating the document without it and comparing the results, so the
// sample follows the translator instead of a second list.
#include <yaml-cpp/yaml.h>

#include <string>
#include <vector>

namespace bitnas {

struct AwNasSampleKey {
  std::string path;                  // "trainer_cfg.epochs", or a top-level key
  YAML::Node value;                  // the reference document's value; null: not set there
  std::vector<std::string> targets;  // the BitNAS keys it sets (dotted); empty: none
  bool required = false;             // the translation fails without it
  std::string ignored;               // why BitNAS does not honour it (empty: translated)
};

// kind: "search" (with `controller`, a BitNAS controller type: random, evolution, reinforce or
// differentiable) or "train" (the XNOR-ResNet18 baseline at quarter width on Fashion-MNIST).
// Keys in document order: each top-level key, and inside a `*_cfg` mapping each of its keys,
// the keys the translator reads but the reference leaves out (value null) after the set ones.
// Throws std::logic_error if the reference document no longer translates without warnings.
std::vector<AwNasSampleKey> aw_nas_sample_keys(const std::string& kind,
                                               const std::string& controller);

// aw_nas's controller_type for a BitNAS controller type.
std::string aw_nas_controller_type(const std::string& bitnas_controller);

}  // namespace bitnas
