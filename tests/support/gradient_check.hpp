#pragma once
// The one finite-difference gradient checker every op's test calls (Caffe's
// test_gradient_check_util idea). The loss is L = sum(forward(x) * R) for a fixed random R, so
// dL/dy = R; backward's dL/dx and every parameter's grad are compared with central
// differences of L computed in double precision.
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "ops/core/module.hpp"

namespace bitnas::testing {

struct GradCheckOptions {
  float step = 1e-3f;         // finite-difference step
  double abs_tolerance = 2e-3;
  double rel_tolerance = 2e-2;  // relative to max(|analytic|, |numeric|)
  int max_checks_per_tensor = 48;  // checked coordinates per tensor (chosen at random)
  std::uint64_t seed = 7;
  bool check_input = true;
  bool check_parameters = true;
  Mode mode = Mode::train;
  // Deep binary networks have kinks (ReLU, max pool) and sign() jumps that one coordinate's
  // step may straddle. With skip_kinks, a coordinate whose forward and backward one-sided
  // differences disagree (a kink or jump within the step, Caffe's kink test) is skipped
  // instead of compared; the check still fails if more than max_skipped_fraction of the
  // coordinates are skipped. A wrong gradient is wrong on both sides and is still caught.
  bool skip_kinks = false;
  double max_skipped_fraction = 0.2;
};

::testing::AssertionResult check_module_gradients(Module& module, const Tensor& input,
                                                  const GradCheckOptions& options = {});

::testing::AssertionResult check_merge_gradients(MergeModule& module,
                                                 const std::vector<Tensor>& inputs,
                                                 const GradCheckOptions& options = {});

}  // namespace bitnas::testing
