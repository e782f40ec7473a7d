// End-to-end: quantized qnn.reduce (sum, mean, max, min, l1, sum_square; l2
// and log_sum through their sum-indexed tables; log_sum_exp) through the CPU JIT against
// NumPy, bit for bit.

// RUN: %python -c "import qref as q; r = q.rng(12); x = q.ints(r, -128, 127, (2, 3, 5, 4)); q.save('%t', x=x, sum=q.reduce_q(x, 7, 0.02, -10, 0.5, 'sum', (1, 2)), mean=q.reduce_q(x, 7, 0.02, 3, 0.015, 'mean', (1, 2), keepdims=False), max=q.reduce_q(x, 7, 0.02, -128, 0.01, 'max', (3,)), min=q.reduce_q(x, 7, 0.02, 100, 0.02, 'min', (0, 3)), l1=q.reduce_q(x, 7, 0.02, -128, 0.2, 'l1', (1, 2)), ss=q.reduce_q(x, 7, 0.02, -128, 0.15, 'sum_square', (3,)), l2=q.reduce_table_q(x, 7, 0.02, (0.05, -128, -128, 127), 'l2', (1, 2)), ls=q.reduce_table_q(x, 7, 0.02, (0.02, 0, -128, 127), 'log_sum', (3,)), lse=q.reduce_lse_q(x, 7, 0.02, 255, (0.03, -100, -128, 127), (1, 2), keepdims=False))"
// RUN: qrun %s --input %t.x.npy --expect %t.sum.npy --expect %t.mean.npy --expect %t.max.npy --expect %t.min.npy --expect %t.l1.npy --expect %t.ss.npy --expect %t.l2.npy --expect %t.ls.npy --expect %t.lse.npy --atol 0 --rtol 0 | FileCheck %s
// CHECK-COUNT-9: 0 mismatches
func.func @main(%x: tensor<2x3x5x4x!quant.uniform<i8:f32, 0.02:7>>) -> (tensor<2x1x1x4x!quant.uniform<i8:f32, 0.5:-10>>, tensor<2x4x!quant.uniform<i8:f32, 0.015:3>>, tensor<2x3x5x1x!quant.uniform<i8:f32, 0.01:-128>>, tensor<1x3x5x1x!quant.uniform<i8:f32, 0.02:100>>, tensor<2x1x1x4x!quant.uniform<i8:f32, 0.2:-128>>, tensor<2x3x5x1x!quant.uniform<i8:f32, 0.15:-128>>, tensor<2x1x1x4x!quant.uniform<i8:f32, 0.05:-128>>, tensor<2x3x5x1x!quant.uniform<i8:f32, 0.02>>, tensor<2x4x!quant.uniform<i8:f32, 0.03:-100>>) {
  %0 = qnn.reduce sum %x {axes = array<i64: 1, 2>} : (tensor<2x3x5x4x!quant.uniform<i8:f32, 0.02:7>>) -> tensor<2x1x1x4x!quant.uniform<i8:f32, 0.5:-10>>
  %1 = qnn.reduce mean %x {axes = array<i64: 1, 2>, keep_dims = false} : (tensor<2x3x5x4x!quant.uniform<i8:f32, 0.02:7>>) -> tensor<2x4x!quant.uniform<i8:f32, 0.015:3>>
  %2 = qnn.reduce max %x {axes = array<i64: 3>} : (tensor<2x3x5x4x!quant.uniform<i8:f32, 0.02:7>>) -> tensor<2x3x5x1x!quant.uniform<i8:f32, 0.01:-128>>
  %3 = qnn.reduce min %x {axes = array<i64: 0, 3>} : (tensor<2x3x5x4x!quant.uniform<i8:f32, 0.02:7>>) -> tensor<1x3x5x1x!quant.uniform<i8:f32, 0.02:100>>
  %4 = qnn.reduce l1 %x {axes = array<i64: 1, 2>} : (tensor<2x3x5x4x!quant.uniform<i8:f32, 0.02:7>>) -> tensor<2x1x1x4x!quant.uniform<i8:f32, 0.2:-128>>
  %5 = qnn.reduce sum_square %x {axes = array<i64: 3>} : (tensor<2x3x5x4x!quant.uniform<i8:f32, 0.02:7>>) -> tensor<2x3x5x1x!quant.uniform<i8:f32, 0.15:-128>>
  %6 = qnn.reduce l2 %x {axes = array<i64: 1, 2>} : (tensor<2x3x5x4x!quant.uniform<i8:f32, 0.02:7>>) -> tensor<2x1x1x4x!quant.uniform<i8:f32, 0.05:-128>>
  %7 = qnn.reduce log_sum %x {axes = array<i64: 3>} : (tensor<2x3x5x4x!quant.uniform<i8:f32, 0.02:7>>) -> tensor<2x3x5x1x!quant.uniform<i8:f32, 0.02>>
  %8 = qnn.reduce log_sum_exp %x {axes = array<i64: 1, 2>, keep_dims = false} : (tensor<2x3x5x4x!quant.uniform<i8:f32, 0.02:7>>) -> tensor<2x4x!quant.uniform<i8:f32, 0.03:-100>>
  return %0, %1, %2, %3, %4, %5, %6, %7, %8 : tensor<2x1x1x4x!quant.uniform<i8:f32, 0.5:-10>>, tensor<2x4x!quant.uniform<i8:f32, 0.015:3>>, tensor<2x3x5x1x!quant.uniform<i8:f32, 0.01:-128>>, tensor<1x3x5x1x!quant.uniform<i8:f32, 0.02:100>>, tensor<2x1x1x4x!quant.uniform<i8:f32, 0.2:-128>>, tensor<2x3x5x1x!quant.uniform<i8:f32, 0.15:-128>>, tensor<2x1x1x4x!quant.uniform<i8:f32, 0.05:-128>>, tensor<2x3x5x1x!quant.uniform<i8:f32, 0.02>>, tensor<2x4x!quant.uniform<i8:f32, 0.03:-100>>
}
