#include <gtest/gtest.h>

#include "search_spaces/yaml_reader.hpp"

namespace bitnas {
namespace {

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "no error";
}

TEST(YamlReader, ReadsTypedValuesWithDefaults) {
  const auto root = ConfigSection::load_string(
      "space:\n  layers: 8\n  lr: 0.5\n  name: x\n  flag: true\n  layout: [0, 1]\n", "a.yaml");
  const auto s = root.section("space");
  EXPECT_EQ(s.get_int("layers"), 8);
  EXPECT_DOUBLE_EQ(s.get_double("lr"), 0.5);
  EXPECT_EQ(s.get_string("name"), "x");
  EXPECT_TRUE(s.get_bool("flag", false));
  EXPECT_EQ(s.get_int_list("layout"), (std::vector<int>{0, 1}));
  EXPECT_EQ(s.get_int("missing", 3), 3);
  EXPECT_NO_THROW(s.reject_unknown_keys());
}

TEST(YamlReader, ErrorsNameFileLineAndKey) {
  const auto root = ConfigSection::load_string("space:\n  layers: eight\n  typo: 1\n", "b.yaml");
  const auto s = root.section("space");
  EXPECT_EQ(error_of([&] { s.get_int("layers"); }),
            "b.yaml:2: space.layers: expected an integer, got 'eight'");
  EXPECT_EQ(error_of([&] { s.reject_unknown_keys(); }), "b.yaml:3: space.typo: unknown key");
}

TEST(YamlReader, UnknownKeyAfterReadingOthers) {
  const auto root = ConfigSection::load_string("space:\n  layers: 8\n  typo: 1\n", "c.yaml");
  const auto s = root.section("space");
  s.get_int("layers");
  EXPECT_EQ(error_of([&] { s.reject_unknown_keys(); }), "c.yaml:3: space.typo: unknown key");
}

TEST(YamlReader, ChoiceListsAllowedValues) {
  const auto root = ConfigSection::load_string("op: {pad: one}\n", "d.yaml");
  EXPECT_EQ(error_of([&] {
              root.section("op").get_choice("pad", {"zero", "plus_one", "minus_one"}, "zero");
            }),
            "d.yaml:1: op.pad: 'one' is not one of: zero, plus_one, minus_one");
}

TEST(YamlReader, SyntaxErrorAndMissingFile) {
  EXPECT_EQ(error_of([] { ConfigSection::load_string("a: [1, 2\nb: 3\n", "e.yaml"); }).rfind("e.yaml:", 0),
            0u);
  EXPECT_EQ(error_of([] { ConfigSection::load_file("/nonexistent/x.yaml"); }),
            "/nonexistent/x.yaml: cannot read the config file: it does not exist");
  const auto root = ConfigSection::load_string("a: 1\n", "f.yaml");
  EXPECT_EQ(error_of([&] { root.section("space"); }), "f.yaml:1: space: missing section");
  EXPECT_EQ(error_of([&] { root.get_int_list("a"); }),
            "f.yaml:1: a: expected a list of integers, got '1'");
}

}  // namespace
}  // namespace bitnas
