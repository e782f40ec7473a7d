// End-to-end: qnn.conv_transpose2d through the CPU JIT against NumPy.

// Transposed convolutions: stride 2 with padding and output padding and a
// constant bias; dilation 2 with groups and padding larger than the kernel
// span on one side (cropping).
// RUN: %python -c "import numpy as np, qref as q; r = q.rng(4); x = r.standard_normal((1, 4, 5, 6)).astype('f4'); w = r.standard_normal((3, 3, 2, 6)).astype('f4'); b = np.array([0.5, -1.0, 2.0], 'f4'); v = r.standard_normal((4, 2, 3, 3)).astype('f4'); q.save('%t.c', x=x, w=w, v=v, y=q.conv_transpose2d(x, w, b, strides=(2, 2), padding=(1, 0, 0, 1), output_padding=(1, 0)), z=q.conv_transpose2d(x, v, None, dilations=(2, 1), padding=(3, 0, 1, 2), groups=2))"
// RUN: qrun %s --entry conv_transpose --input %t.c.x.npy --input %t.c.w.npy --input %t.c.v.npy --expect %t.c.y.npy --expect %t.c.z.npy | FileCheck %s --check-prefix=TWO
// TWO-COUNT-2: 0 mismatches
func.func @conv_transpose(%x: tensor<1x4x5x6xf32>, %w: tensor<3x3x2x6xf32>, %v: tensor<4x2x3x3xf32>) -> (tensor<1x9x9x3xf32>, tensor<1x3x4x4xf32>) {
  %b = arith.constant dense<[0.5, -1.0, 2.0]> : tensor<3xf32>
  %0 = qnn.conv_transpose2d %x, %w, %b {strides = array<i64: 2, 2>, padding = array<i64: 1, 0, 0, 1>, output_padding = array<i64: 1, 0>} : (tensor<1x4x5x6xf32>, tensor<3x3x2x6xf32>, tensor<3xf32>) -> tensor<1x9x9x3xf32>
  %1 = qnn.conv_transpose2d %x, %v {dilations = array<i64: 2, 1>, padding = array<i64: 3, 0, 1, 2>, groups = 2 : i64} : (tensor<1x4x5x6xf32>, tensor<4x2x3x3xf32>) -> tensor<1x3x4x4xf32>
  return %0, %1 : tensor<1x9x9x3xf32>, tensor<1x3x4x4xf32>
}
