// End-to-end: qnn.conv2d through the CPU JIT against test/Inputs/qref.py.

// Float, strided and padded with bias (qnn rounds the output size down:
// 9 + 1 + 1 - 3 = 8 is not a multiple of the stride 3).
// RUN: %python -c "import qref as q; r = q.rng(1); x = r.standard_normal((2, 9, 9, 3)).astype('f4'); w = r.standard_normal((4, 3, 3, 3)).astype('f4'); b = r.standard_normal(4).astype('f4'); q.save('%t.f', x=x, w=w, b=b, e=q.conv2d(x, w, b, strides=(3, 3), padding=(1, 1, 1, 1)))"
// RUN: qrun %s --entry conv_float --input %t.f.x.npy --input %t.f.w.npy --input %t.f.b.npy --expect %t.f.e.npy | FileCheck %s
func.func @conv_float(%x: tensor<2x9x9x3xf32>, %w: tensor<4x3x3x3xf32>, %b: tensor<4xf32>) -> tensor<2x3x3x4xf32> {
  %0 = qnn.conv2d %x, %w, %b {strides = array<i64: 3, 3>, padding = array<i64: 1, 1, 1, 1>} : (tensor<2x9x9x3xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>) -> tensor<2x3x3x4xf32>
  return %0 : tensor<2x3x3x4xf32>
}

// Float depthwise (multiplier 2), dilated, without bias.
// RUN: %python -c "import qref as q; r = q.rng(2); x = r.standard_normal((1, 8, 8, 3)).astype('f4'); w = r.standard_normal((6, 3, 3, 1)).astype('f4'); q.save('%t.d', x=x, w=w, e=q.conv2d(x, w, dilations=(2, 2), padding=(2, 2, 2, 2), groups=3))"
// RUN: qrun %s --entry depthwise_float --input %t.d.x.npy --input %t.d.w.npy --expect %t.d.e.npy | FileCheck %s
func.func @depthwise_float(%x: tensor<1x8x8x3xf32>, %w: tensor<6x3x3x1xf32>) -> tensor<1x8x8x6xf32> {
  %0 = qnn.conv2d %x, %w {groups = 3 : i64, dilations = array<i64: 2, 2>, padding = array<i64: 2, 2, 2, 2>} : (tensor<1x8x8x3xf32>, tensor<6x3x3x1xf32>) -> tensor<1x8x8x6xf32>
  return %0 : tensor<1x8x8x6xf32>
}

// Float grouped convolution (2 groups of 2 channels), constant weights.
// RUN: %python -c "import numpy as np, qref as q; r = q.rng(3); x = r.standard_normal((1, 5, 5, 4)).astype('f4'); w = (np.arange(36, dtype='f4') / 10 - 1.5).reshape(4, 3, 3, 1).repeat(2, axis=3) * np.array([1, -1], 'f4'); q.save('%t.g', x=x, e=q.conv2d(x, w, groups=2))"
// RUN: qrun %s --entry grouped_float --input %t.g.x.npy --expect %t.g.e.npy | FileCheck %s
func.func @grouped_float(%x: tensor<1x5x5x4xf32>) -> tensor<1x3x3x4xf32> {
  %w0 = arith.constant dense<[[[[-1.5], [-1.4], [-1.3]], [[-1.2], [-1.1], [-1.0]], [[-0.9], [-0.8], [-0.7]]], [[[-0.6], [-0.5], [-0.4]], [[-0.3], [-0.2], [-0.1]], [[0.0], [0.1], [0.2]]], [[[0.3], [0.4], [0.5]], [[0.6], [0.7], [0.8]], [[0.9], [1.0], [1.1]]], [[[1.2], [1.3], [1.4]], [[1.5], [1.6], [1.7]], [[1.8], [1.9], [2.0]]]]> : tensor<4x3x3x1xf32>
  %neg = arith.constant dense<[1.0, -1.0]> : tensor<2xf32>
  %w = qnn.mul %w0, %neg : (tensor<4x3x3x1xf32>, tensor<2xf32>) -> tensor<4x3x3x2xf32>
  %0 = qnn.conv2d %x, %w {groups = 2 : i64} : (tensor<1x5x5x4xf32>, tensor<4x3x3x2xf32>) -> tensor<1x3x3x4xf32>
  return %0 : tensor<1x3x3x4xf32>
}

// Quantized: asymmetric i8 input, per-axis weights, int32 bias, padding
// (padded positions are the real value 0, i.e. the input zero point).
// RUN: %python -c "import qref as q; r = q.rng(4); x = q.ints(r, -128, 127, (2, 6, 6, 3)); w = q.ints(r, -127, 127, (4, 3, 3, 3)); b = q.ints(r, -3000, 3000, (4,), 'i4'); q.save('%t.q', x=x, w=w, b=b, e=q.conv2d_q(x, -7, 0.05, w, 0, [0.01, 0.02, 0.005, 0.03], b, 4, 0.5, strides=(2, 2), padding=(1, 1, 1, 1)))"
// RUN: qrun %s --entry conv_quant --input %t.q.x.npy --input %t.q.w.npy --input %t.q.b.npy --expect %t.q.e.npy | FileCheck %s
func.func @conv_quant(%x: tensor<2x6x6x3x!quant.uniform<i8:f32, 0.05:-7>>, %w: tensor<4x3x3x3x!quant.uniform<i8:f32:0, {0.01, 0.02, 0.005, 0.03}>>, %b: tensor<4x!quant.uniform<i32:f32:0, {5.0e-4, 1.0e-3, 2.5e-4, 1.5e-3}>>) -> tensor<2x3x3x4x!quant.uniform<i8:f32, 0.5:4>> {
  %0 = qnn.conv2d %x, %w, %b {strides = array<i64: 2, 2>, padding = array<i64: 1, 1, 1, 1>} : (tensor<2x6x6x3x!quant.uniform<i8:f32, 0.05:-7>>, tensor<4x3x3x3x!quant.uniform<i8:f32:0, {0.01, 0.02, 0.005, 0.03}>>, tensor<4x!quant.uniform<i32:f32:0, {5.0e-4, 1.0e-3, 2.5e-4, 1.5e-3}>>) -> tensor<2x3x3x4x!quant.uniform<i8:f32, 0.5:4>>
  return %0 : tensor<2x3x3x4x!quant.uniform<i8:f32, 0.5:4>>
}

// Quantized depthwise with constant weights (folded into TOSA's layout) and
// a 4-bit output (i8<-8:7>) that needs a clamp after the rescale.
// RUN: %python -c "import numpy as np, qref as q; r = q.rng(5); x = q.ints(r, -128, 127, (1, 5, 5, 2)); w = (np.arange(18) - 9).reshape(2, 3, 3, 1).astype('i1'); q.save('%t.dq', x=x, e=q.conv2d_q(x, 3, 0.1, w, 0, 0.02, None, -1, 0.4, qmin=-8, qmax=7, padding=(1, 1, 1, 1), groups=2))"
// RUN: qrun %s --entry depthwise_quant --input %t.dq.x.npy --expect %t.dq.e.npy | FileCheck %s
func.func @depthwise_quant(%x: tensor<1x5x5x2x!quant.uniform<i8:f32, 0.1:3>>) -> tensor<1x5x5x2x!quant.uniform<i8<-8:7>:f32, 0.4:-1>> {
  %c = arith.constant dense<[[[[-9], [-8], [-7]], [[-6], [-5], [-4]], [[-3], [-2], [-1]]], [[[0], [1], [2]], [[3], [4], [5]], [[6], [7], [8]]]]> : tensor<2x3x3x1xi8>
  %w = quant.scast %c : tensor<2x3x3x1xi8> to tensor<2x3x3x1x!quant.uniform<i8:f32, 0.02>>
  %0 = qnn.conv2d %x, %w {groups = 2 : i64, padding = array<i64: 1, 1, 1, 1>} : (tensor<1x5x5x2x!quant.uniform<i8:f32, 0.1:3>>, tensor<2x3x3x1x!quant.uniform<i8:f32, 0.02>>) -> tensor<1x5x5x2x!quant.uniform<i8<-8:7>:f32, 0.4:-1>>
  return %0 : tensor<1x5x5x2x!quant.uniform<i8<-8:7>:f32, 0.4:-1>>
}

// Quantized grouped convolution with 16-bit activations and asymmetric
// per-axis weight zero points (the 32-bit path).
// RUN: %python -c "import qref as q; r = q.rng(6); x = q.ints(r, -32768, 32767, (1, 4, 4, 4), 'i2'); w = q.ints(r, -128, 127, (4, 2, 2, 2)); q.save('%t.g16', x=x, w=w, e=q.conv2d_q(x, 100, 0.001, w, [1, -2, 3, 0], [0.01, 0.02, 0.01, 0.02], None, -50, 0.05, qmin=-32768, qmax=32767, groups=2, dtype='i2'))"
// RUN: qrun %s --entry grouped_quant16 --input %t.g16.x.npy --input %t.g16.w.npy --expect %t.g16.e.npy | FileCheck %s
func.func @grouped_quant16(%x: tensor<1x4x4x4x!quant.uniform<i16:f32, 0.001:100>>, %w: tensor<4x2x2x2x!quant.uniform<i8:f32:0, {0.01:1, 0.02:-2, 0.01:3, 0.02}>>) -> tensor<1x3x3x4x!quant.uniform<i16:f32, 0.05:-50>> {
  %0 = qnn.conv2d %x, %w {groups = 2 : i64} : (tensor<1x4x4x4x!quant.uniform<i16:f32, 0.001:100>>, tensor<4x2x2x2x!quant.uniform<i8:f32:0, {0.01:1, 0.02:-2, 0.01:3, 0.02}>>) -> tensor<1x3x3x4x!quant.uniform<i16:f32, 0.05:-50>>
  return %0 : tensor<1x3x3x4x!quant.uniform<i16:f32, 0.05:-50>>
}

// CHECK: output 0 {{.*}}, 0 mismatches

// Per-axis activations: an input with one scale and a zero point per
// channel (padding holds each channel's zero point, the real 0), and an
// output with a scale and zero point per channel.
// RUN: %python -c "import qref as q; r = q.rng(9); x = q.ints(r, -128, 127, (1, 4, 4, 3)); w = q.ints(r, -127, 127, (2, 3, 3, 3)); b = q.ints(r, -3000, 3000, (2,), 'i4'); q.save('%t.pa', x=x, w=w, b=b, e=q.conv2d_q(x, [-7, 3, 0], 0.05, w, 0, [0.01, 0.02], b, [4, -3], [0.5, 0.25], padding=(1, 1, 1, 1)))"
// RUN: qrun %s --entry conv_per_axis_act --input %t.pa.x.npy --input %t.pa.w.npy --input %t.pa.b.npy --expect %t.pa.e.npy | FileCheck %s
func.func @conv_per_axis_act(%x: tensor<1x4x4x3x!quant.uniform<i8:f32:3, {0.05:-7, 0.05:3, 0.05}>>, %w: tensor<2x3x3x3x!quant.uniform<i8:f32:0, {0.01, 0.02}>>, %b: tensor<2x!quant.uniform<i32:f32:0, {5.0e-4, 1.0e-3}>>) -> tensor<1x4x4x2x!quant.uniform<i8:f32:3, {0.5:4, 0.25:-3}>> {
  %0 = qnn.conv2d %x, %w, %b {padding = array<i64: 1, 1, 1, 1>} : (tensor<1x4x4x3x!quant.uniform<i8:f32:3, {0.05:-7, 0.05:3, 0.05}>>, tensor<2x3x3x3x!quant.uniform<i8:f32:0, {0.01, 0.02}>>, tensor<2x!quant.uniform<i32:f32:0, {5.0e-4, 1.0e-3}>>) -> tensor<1x4x4x2x!quant.uniform<i8:f32:3, {0.5:4, 0.25:-3}>>
  return %0 : tensor<1x4x4x2x!quant.uniform<i8:f32:3, {0.5:4, 0.25:-3}>>
}
