// End-to-end: quantized qnn.log_softmax (the softmax's exponential table,
// a 32-bit sum, its logarithm from a sum-indexed table, fixed-point
// distances) through the CPU JIT against NumPy, bit for bit: an 8-bit input
// along the last axis, and a 12-bit input (i16 storage) along a middle axis.

// RUN: %python -c "import qref as q; r = q.rng(51); x = q.ints(r, -128, 127, (3, 10)); y = q.ints(r, -2048, 2047, (2, 6, 3), dtype='i2'); q.save('%t', x=x, y=y, lx=q.log_softmax_q(x, 0.05, 255, (0.04, 127, -128, 127)), ly=q.log_softmax_q(y, 0.004, 4095, (0.03, 120, -128, 127), axis=1))"
// RUN: qrun %s --input %t.x.npy --input %t.y.npy --expect %t.lx.npy --expect %t.ly.npy --atol 0 --rtol 0 | FileCheck %s
// CHECK-COUNT-2: 0 mismatches
func.func @main(%x: tensor<3x10x!quant.uniform<i8:f32, 0.05:-3>>, %y: tensor<2x6x3x!quant.uniform<i16<-2048:2047>:f32, 0.004:5>>) -> (tensor<3x10x!quant.uniform<i8:f32, 0.04:127>>, tensor<2x6x3x!quant.uniform<i8:f32, 0.03:120>>) {
  %0 = qnn.log_softmax %x : (tensor<3x10x!quant.uniform<i8:f32, 0.05:-3>>) -> tensor<3x10x!quant.uniform<i8:f32, 0.04:127>>
  %1 = qnn.log_softmax %y {axis = 1 : i64} : (tensor<2x6x3x!quant.uniform<i16<-2048:2047>:f32, 0.004:5>>) -> tensor<2x6x3x!quant.uniform<i8:f32, 0.03:120>>
  return %0, %1 : tensor<3x10x!quant.uniform<i8:f32, 0.04:127>>, tensor<2x6x3x!quant.uniform<i8:f32, 0.03:120>>
}
