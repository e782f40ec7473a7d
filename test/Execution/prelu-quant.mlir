// End-to-end: quantized qnn.prelu through the CPU JIT against NumPy, bit
// for bit: a per-channel slope with negative and zero values, and a scalar
// slope with an input zero point at the top of the range.

// RUN: %python -c "import numpy as np, qref as q; r = q.rng(11); x = q.ints(r, -128, 127, (2, 5, 5, 4)); a = np.array([-50, 0, 37, 127], 'i1'); s = np.array([[[90]]], 'i1'); q.save('%t', x=x, a=a, s=s, e=q.prelu_q(x, -3, 0.1, a, -20, 0.004, 5, 0.08), f=q.prelu_q(x, 120, 0.05, s, 0, 0.002, -128, 0.03))"
// RUN: qrun %s --entry channel_slope --input %t.x.npy --input %t.a.npy --expect %t.e.npy --atol 0 --rtol 0 | FileCheck %s
// RUN: qrun %s --entry scalar_slope --input %t.x.npy --input %t.s.npy --expect %t.f.npy --atol 0 --rtol 0 | FileCheck %s
// CHECK: 0 mismatches
func.func @channel_slope(%x: tensor<2x5x5x4x!quant.uniform<i8:f32, 0.1:-3>>, %a: tensor<4x!quant.uniform<i8:f32, 0.004:-20>>) -> tensor<2x5x5x4x!quant.uniform<i8:f32, 0.08:5>> {
  %0 = qnn.prelu %x, %a : (tensor<2x5x5x4x!quant.uniform<i8:f32, 0.1:-3>>, tensor<4x!quant.uniform<i8:f32, 0.004:-20>>) -> tensor<2x5x5x4x!quant.uniform<i8:f32, 0.08:5>>
  return %0 : tensor<2x5x5x4x!quant.uniform<i8:f32, 0.08:5>>
}
func.func @scalar_slope(%x: tensor<2x5x5x4x!quant.uniform<i8:f32, 0.05:120>>, %s: tensor<1x1x1x!quant.uniform<i8:f32, 0.002>>) -> tensor<2x5x5x4x!quant.uniform<i8:f32, 0.03:-128>> {
  %0 = qnn.prelu %x, %s : (tensor<2x5x5x4x!quant.uniform<i8:f32, 0.05:120>>, tensor<1x1x1x!quant.uniform<i8:f32, 0.002>>) -> tensor<2x5x5x4x!quant.uniform<i8:f32, 0.03:-128>>
  return %0 : tensor<2x5x5x4x!quant.uniform<i8:f32, 0.03:-128>>
}
