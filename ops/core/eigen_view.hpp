#pragma once
// Row-major Eigen views over raw float buffers (tensors are row-major, NHWC / OHWI).
#include <Eigen/Core>

namespace bitnas {

using RowMatrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using MatrixView = Eigen::Map<RowMatrix, 0, Eigen::OuterStride<>>;
using ConstMatrixView = Eigen::Map<const RowMatrix, 0, Eigen::OuterStride<>>;

// rows x cols matrix whose rows start `row_stride` floats apart.
inline MatrixView matrix_view(float* data, Eigen::Index rows, Eigen::Index cols,
                              Eigen::Index row_stride) {
  return MatrixView(data, rows, cols, Eigen::OuterStride<>(row_stride));
}
inline ConstMatrixView matrix_view(const float* data, Eigen::Index rows, Eigen::Index cols,
                                   Eigen::Index row_stride) {
  return ConstMatrixView(data, rows, cols, Eigen::OuterStride<>(row_stride));
}

}  // namespace bitnas
