// `bitnas ops`: the listing names every registered op and alias, and shows what the registry
// entry says.
#include <gtest/gtest.h>

#include <set>

#include "nas/op_listing.hpp"
#include "search_spaces/op_registry.hpp"
#include "tests/support/error_text.hpp"

namespace bitnas {
namespace {

using testing::contains;
using testing::error_of;

TEST(OpListing, TextNamesEveryRegisteredOpAndAlias) {
  const std::string text = cli::op_listing_text();
  for (const OpInfo* op : registered_ops()) {
    const std::string kind =
        op->is_binary ? "binary" : op->parameter_free ? "parameter-free" : "float";
    EXPECT_TRUE(contains(text, "\n" + op->name + " (" + kind + ")\n")) << op->name;
  }
  for (const auto& [alias, target] : op_aliases()) EXPECT_TRUE(contains(text, alias)) << alias;
}

TEST(OpListing, JsonHasOneObjectPerRegisteredOp) {
  const nlohmann::json ops = cli::op_listing_json();
  std::set<std::string> listed, aliases;
  for (const auto& op : ops) {
    listed.insert(op.at("name").get<std::string>());
    for (const auto& a : op.at("aliases")) aliases.insert(a.get<std::string>());
    for (const char* field : {"description", "parameters", "cost"})
      EXPECT_FALSE(op.at(field).get<std::string>().empty()) << op.at("name") << " " << field;
  }
  std::set<std::string> registered, registered_aliases;
  for (const OpInfo* op : registered_ops()) registered.insert(op->name);
  for (const auto& [alias, target] : op_aliases()) registered_aliases.insert(alias);
  EXPECT_EQ(ops.size(), registered.size());
  EXPECT_EQ(listed, registered);
  EXPECT_EQ(aliases, registered_aliases);
}

TEST(OpListing, OneKnownOpAsText) {
  EXPECT_EQ(cli::op_listing_text("bconv_5x5"),
            "bconv_5x5 (binary)\n"
            "  binary conv 5x5, in the space's layer order\n"
            "  aliases:    xnor_conv_5x5_noskip\n"
            "  parameters: kernel 5, dilation 1, padding 2, groups 1; stride from the edge; "
            "layer order and conv\n"
            "              knobs from binary_op\n"
            "  cost:       binary c_out*c_in*25; BOPs (c_out*c_in*25) * H' * W'; fp BN(c_in) in "
            "bn_conv_relu /\n"
            "              bn_relu_conv, BN(c_out) in conv_bn_relu / sign_conv_bn\n"
            "\n");
}

TEST(OpListing, AnAliasShowsTheOpItStandsFor) {
  const nlohmann::json ops = cli::op_listing_json("xnor_group_conv_3x3");
  ASSERT_EQ(ops.size(), 1u);
  EXPECT_EQ(ops[0].at("name"), "group_bconv_3x3_skip");
  EXPECT_EQ(ops[0].at("binary"), true);
  EXPECT_EQ(ops[0].at("parameter_free"), false);
  EXPECT_TRUE(contains(ops[0].at("cost").get<std::string>(), "c_out*c_in*9/g"));
  EXPECT_TRUE(contains(ops[0].at("cost").get<std::string>(), "`shortcut`"));
  EXPECT_EQ(cli::op_listing_json("skip_connect")[0].at("parameter_free"), true);
}

TEST(OpListing, AnUnknownOpIsAnErrorListingTheKnownOnes) {
  const std::string message = error_of([] { cli::op_listing_text("bconv_7x7"); });
  EXPECT_TRUE(contains(message, "unknown op 'bconv_7x7'")) << message;
  EXPECT_TRUE(contains(message, "bconv_5x5")) << message;
}

}  // namespace
}  // namespace bitnas
