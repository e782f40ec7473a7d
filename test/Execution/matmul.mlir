// End-to-end: qnn.matmul through the CPU JIT against NumPy.

// Batched matmul: broadcast batch dims (tiled), an unbatched rhs (folded
// into the rows), and the quantized form with i8 zero points.
// RUN: %python -c "import numpy as np, qref as q; r = q.rng(3); a = r.standard_normal((2, 1, 3, 4)).astype('f4'); b = r.standard_normal((3, 4, 5)).astype('f4'); c = r.standard_normal((4, 2)).astype('f4'); qa = q.ints(r, -128, 127, (2, 3, 4)); qb = q.ints(r, -128, 127, (2, 4, 5)); q.save_f32('%t.m', a=a, b=b, c=c, qa=qa, qb=qb, ab=np.matmul(a.astype('f8'), b), ac=np.matmul(a.astype('f8'), c), q=q.matmul_q(qa, 7, 0.05, qb, -3, 0.02, 4, 0.1))"
// RUN: qrun %s --entry matmul --input %t.m.a.npy --input %t.m.b.npy --input %t.m.c.npy --input %t.m.qa.npy --input %t.m.qb.npy --expect %t.m.ab.npy --expect %t.m.ac.npy --expect %t.m.q.npy | FileCheck %s --check-prefix=THREE
// THREE-COUNT-3: 0 mismatches
func.func @matmul(%a: tensor<2x1x3x4xf32>, %b: tensor<3x4x5xf32>, %c: tensor<4x2xf32>, %qa: tensor<2x3x4x!quant.uniform<i8:f32, 0.05:7>>, %qb: tensor<2x4x5x!quant.uniform<i8:f32, 0.02:-3>>) -> (tensor<2x3x3x5xf32>, tensor<2x1x3x2xf32>, tensor<2x3x5x!quant.uniform<i8:f32, 0.1:4>>) {
  %0 = qnn.matmul %a, %b : (tensor<2x1x3x4xf32>, tensor<3x4x5xf32>) -> tensor<2x3x3x5xf32>
  %1 = qnn.matmul %a, %c : (tensor<2x1x3x4xf32>, tensor<4x2xf32>) -> tensor<2x1x3x2xf32>
  %2 = qnn.matmul %qa, %qb : (tensor<2x3x4x!quant.uniform<i8:f32, 0.05:7>>, tensor<2x4x5x!quant.uniform<i8:f32, 0.02:-3>>) -> tensor<2x3x5x!quant.uniform<i8:f32, 0.1:4>>
  return %0, %1, %2 : tensor<2x3x3x5xf32>, tensor<2x1x3x2xf32>, tensor<2x3x5x!quant.uniform<i8:f32, 0.1:4>>
}
