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

// Quantized, i8 zero points taken by TOSA: stride 2, padding, output
// padding, per-axis weights and an int32 bias; the inserted zeros are the
// input's zero point.
// RUN: %python -c "import qref as q; r = q.rng(6); x = q.ints(r, -128, 127, (2, 3, 4, 5)); w = q.ints(r, -127, 127, (3, 3, 2, 5)); b = q.ints(r, -3000, 3000, (3,), 'i4'); q.save('%t.q', x=x, w=w, b=b, e=q.conv_transpose2d_q(x, 9, 0.05, w, 0, [0.01, 0.02, 0.005], b, -3, 0.25, strides=(2, 2), padding=(1, 0, 0, 1), output_padding=(1, 0)))"
// RUN: qrun %s --entry conv_transpose_quant --input %t.q.x.npy --input %t.q.w.npy --input %t.q.b.npy --expect %t.q.e.npy --atol 0 --rtol 0 | FileCheck %s --check-prefix=ONE
// ONE: 0 mismatches
func.func @conv_transpose_quant(%x: tensor<2x3x4x5x!quant.uniform<i8:f32, 0.05:9>>, %w: tensor<3x3x2x5x!quant.uniform<i8:f32:0, {0.01, 0.02, 0.005}>>, %b: tensor<3x!quant.uniform<i32:f32:0, {5.0e-4, 1.0e-3, 2.5e-4}>>) -> tensor<2x7x7x3x!quant.uniform<i8:f32, 0.25:-3>> {
  %0 = qnn.conv_transpose2d %x, %w, %b {strides = array<i64: 2, 2>, padding = array<i64: 1, 0, 0, 1>, output_padding = array<i64: 1, 0>} : (tensor<2x3x4x5x!quant.uniform<i8:f32, 0.05:9>>, tensor<3x3x2x5x!quant.uniform<i8:f32:0, {0.01, 0.02, 0.005}>>, tensor<3x!quant.uniform<i32:f32:0, {5.0e-4, 1.0e-3, 2.5e-4}>>) -> tensor<2x7x7x3x!quant.uniform<i8:f32, 0.25:-3>>
  return %0 : tensor<2x7x7x3x!quant.uniform<i8:f32, 0.25:-3>>
}

// Quantized with per-channel weight zero points (widened to i32 and
// centered): dilation, groups, cropping padding, no bias.
// RUN: %python -c "import qref as q; r = q.rng(7); x = q.ints(r, -128, 127, (1, 4, 5, 4)); w = q.ints(r, -100, 100, (4, 2, 3, 2)); q.save('%t.z', x=x, w=w, e=q.conv_transpose2d_q(x, -5, 0.1, w, [3, -2, 0, 7], [0.02, 0.01, 0.03, 0.02], None, 2, 0.5, dilations=(2, 1), padding=(3, 0, 1, 2), groups=2))"
// RUN: qrun %s --entry conv_transpose_centered --input %t.z.x.npy --input %t.z.w.npy --expect %t.z.e.npy --atol 0 --rtol 0 | FileCheck %s --check-prefix=ONE
func.func @conv_transpose_centered(%x: tensor<1x4x5x4x!quant.uniform<i8:f32, 0.1:-5>>, %w: tensor<4x2x3x2x!quant.uniform<i8:f32:0, {0.02:3, 0.01:-2, 0.03, 0.02:7}>>) -> tensor<1x3x4x4x!quant.uniform<i8:f32, 0.5:2>> {
  %0 = qnn.conv_transpose2d %x, %w {dilations = array<i64: 2, 1>, padding = array<i64: 3, 0, 1, 2>, groups = 2 : i64} : (tensor<1x4x5x4x!quant.uniform<i8:f32, 0.1:-5>>, tensor<4x2x3x2x!quant.uniform<i8:f32:0, {0.02:3, 0.01:-2, 0.03, 0.02:7}>>) -> tensor<1x3x4x4x!quant.uniform<i8:f32, 0.5:2>>
  return %0 : tensor<1x3x4x4x!quant.uniform<i8:f32, 0.5:2>>
}
