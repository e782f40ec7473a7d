// End-to-end: reshape, transpose, concat and pad through the CPU JIT.

// Float layout ops.
// RUN: %python -c "import numpy as np, qref as q; r = q.rng(1); x = r.standard_normal((1, 3, 4, 5)).astype('f4'); t = x.transpose(0, 2, 3, 1); f = t.reshape(1, 60); c = np.concatenate([f, 2 * f], 1); q.save('%t.f', x=x, e=np.pad(c, ((0, 0), (1, 2)), constant_values=-1.5))"
// RUN: qrun %s --entry layout_float --input %t.f.x.npy --expect %t.f.e.npy | FileCheck %s
func.func @layout_float(%x: tensor<1x3x4x5xf32>) -> tensor<1x123xf32> {
  %0 = qnn.transpose %x {permutation = array<i64: 0, 2, 3, 1>} : (tensor<1x3x4x5xf32>) -> tensor<1x4x5x3xf32>
  %1 = qnn.reshape %0 : (tensor<1x4x5x3xf32>) -> tensor<1x60xf32>
  %two = arith.constant dense<2.0> : tensor<1xf32>
  %2 = qnn.mul %1, %two : (tensor<1x60xf32>, tensor<1xf32>) -> tensor<1x60xf32>
  %3 = qnn.concat %1, %2 {axis = 1} : (tensor<1x60xf32>, tensor<1x60xf32>) -> tensor<1x120xf32>
  %4 = qnn.pad %3 {padding = array<i64: 0, 0, 1, 2>, value = -1.5 : f32} : (tensor<1x120xf32>) -> tensor<1x123xf32>
  return %4 : tensor<1x123xf32>
}

// Quantized layout ops: a per-axis transpose, a concat that requantizes its
// second input to the output type, and a pad whose value is quantized.
// RUN: %python -c "import numpy as np, qref as q; r = q.rng(2); x = q.ints(r, -128, 127, (2, 3, 4)); y = q.ints(r, -128, 127, (2, 3, 2)); t = x.transpose(2, 0, 1); c = np.concatenate([x, q.requantize(y, 5, 0.2 / 0.1, -3, -128, 127).astype('i1')], 2); p = np.pad(c, ((1, 0), (0, 0), (0, 1)), constant_values=q.quantize(0.7, 0.1, -3, -128, 127)); q.save('%t.q', x=x, y=y, t=t, r=x.reshape(6, 4), p=p)"
// RUN: qrun %s --entry layout_quant --input %t.q.x.npy --input %t.q.y.npy --expect %t.q.t.npy --expect %t.q.r.npy --expect %t.q.p.npy | FileCheck %s --check-prefix=THREE
func.func @layout_quant(%x: tensor<2x3x4x!quant.uniform<i8:f32, 0.1:-3>>, %y: tensor<2x3x2x!quant.uniform<i8:f32, 0.2:5>>) -> (tensor<4x2x3x!quant.uniform<i8:f32:0, {0.1, 0.2, 0.3, 0.4}>>, tensor<6x4x!quant.uniform<i8:f32, 0.1:-3>>, tensor<3x3x7x!quant.uniform<i8:f32, 0.1:-3>>) {
  %c = quant.scast %x : tensor<2x3x4x!quant.uniform<i8:f32, 0.1:-3>> to tensor<2x3x4xi8>
  %px = quant.scast %c : tensor<2x3x4xi8> to tensor<2x3x4x!quant.uniform<i8:f32:2, {0.1, 0.2, 0.3, 0.4}>>
  %0 = qnn.transpose %px {permutation = array<i64: 2, 0, 1>} : (tensor<2x3x4x!quant.uniform<i8:f32:2, {0.1, 0.2, 0.3, 0.4}>>) -> tensor<4x2x3x!quant.uniform<i8:f32:0, {0.1, 0.2, 0.3, 0.4}>>
  %1 = qnn.reshape %x : (tensor<2x3x4x!quant.uniform<i8:f32, 0.1:-3>>) -> tensor<6x4x!quant.uniform<i8:f32, 0.1:-3>>
  %2 = qnn.concat %x, %y {axis = 2} : (tensor<2x3x4x!quant.uniform<i8:f32, 0.1:-3>>, tensor<2x3x2x!quant.uniform<i8:f32, 0.2:5>>) -> tensor<2x3x6x!quant.uniform<i8:f32, 0.1:-3>>
  %3 = qnn.pad %2 {padding = array<i64: 1, 0, 0, 0, 0, 1>, value = 0.7 : f32} : (tensor<2x3x6x!quant.uniform<i8:f32, 0.1:-3>>) -> tensor<3x3x7x!quant.uniform<i8:f32, 0.1:-3>>
  return %0, %1, %3 : tensor<4x2x3x!quant.uniform<i8:f32:0, {0.1, 0.2, 0.3, 0.4}>>, tensor<6x4x!quant.uniform<i8:f32, 0.1:-3>>, tensor<3x3x7x!quant.uniform<i8:f32, 0.1:-3>>
}

// THREE: output 0 {{.*}}, 0 mismatches
// THREE: output 1 {{.*}}, 0 mismatches
// THREE: output 2 {{.*}}, 0 mismatches
// CHECK: output 0 {{.*}}, 0 mismatches
