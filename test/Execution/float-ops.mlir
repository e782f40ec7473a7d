// End-to-end: the float-only qnn ops (sub, div, maximum, minimum, exp,
// sigmoid, tanh, sqrt, rsqrt, reductions, matmul, conv_transpose2d, slice)
// through the CPU JIT against NumPy.

// Unary ops; rsqrt(0) is +inf in both.
// RUN: %python -c "import numpy as np, qref as q; r = q.rng(11); x = (2 * r.standard_normal((3, 7))).astype('f4'); a = np.maximum(x, 0); d = x.astype('f8'); q.save('%t.u', x=x, e=np.exp(x), s=(1 / (1 + np.exp(-d))).astype('f4'), t=np.tanh(x), q=np.sqrt(a), r=np.divide(1, np.sqrt(a), where=a > 0, out=np.full_like(a, np.inf)))"
// RUN: qrun %s --entry unary --input %t.u.x.npy --expect %t.u.e.npy --expect %t.u.s.npy --expect %t.u.t.npy --expect %t.u.q.npy --expect %t.u.r.npy | FileCheck %s --check-prefix=FIVE
func.func @unary(%x: tensor<3x7xf32>) -> (tensor<3x7xf32>, tensor<3x7xf32>, tensor<3x7xf32>, tensor<3x7xf32>, tensor<3x7xf32>) {
  %0 = qnn.exp %x : tensor<3x7xf32>
  %1 = qnn.sigmoid %x : tensor<3x7xf32>
  %2 = qnn.tanh %x : tensor<3x7xf32>
  %a = qnn.relu %x : tensor<3x7xf32>
  %3 = qnn.sqrt %a : tensor<3x7xf32>
  %4 = qnn.rsqrt %a : tensor<3x7xf32>
  return %0, %1, %2, %3, %4 : tensor<3x7xf32>, tensor<3x7xf32>, tensor<3x7xf32>, tensor<3x7xf32>, tensor<3x7xf32>
}

// Binary ops with broadcasting on either side; division is exact (IEEE).
// RUN: %python -c "import numpy as np, qref as q; r = q.rng(12); x = r.standard_normal((2, 3, 4)).astype('f4'); y = r.standard_normal((3, 1)).astype('f4'); q.save('%t.b', x=x, y=y, s=x - y, d=x / y, mx=np.maximum(x, y), mn=np.minimum(y, x))"
// RUN: qrun %s --entry binary --input %t.b.x.npy --input %t.b.y.npy --expect %t.b.s.npy --expect %t.b.d.npy --expect %t.b.mx.npy --expect %t.b.mn.npy --atol 0 --rtol 0 | FileCheck %s --check-prefix=FOUR
func.func @binary(%x: tensor<2x3x4xf32>, %y: tensor<3x1xf32>) -> (tensor<2x3x4xf32>, tensor<2x3x4xf32>, tensor<2x3x4xf32>, tensor<2x3x4xf32>) {
  %0 = qnn.sub %x, %y : (tensor<2x3x4xf32>, tensor<3x1xf32>) -> tensor<2x3x4xf32>
  %1 = qnn.div %x, %y : (tensor<2x3x4xf32>, tensor<3x1xf32>) -> tensor<2x3x4xf32>
  %2 = qnn.maximum %x, %y : (tensor<2x3x4xf32>, tensor<3x1xf32>) -> tensor<2x3x4xf32>
  %3 = qnn.minimum %y, %x : (tensor<3x1xf32>, tensor<2x3x4xf32>) -> tensor<2x3x4xf32>
  return %0, %1, %2, %3 : tensor<2x3x4xf32>, tensor<2x3x4xf32>, tensor<2x3x4xf32>, tensor<2x3x4xf32>
}

// Reductions over several axes, keeping or dropping them.
// RUN: %python -c "import qref as q; r = q.rng(13); x = r.standard_normal((2, 3, 4, 5)).astype('f4'); q.save('%t.r', x=x, m=x.mean(axis=(1, 2), keepdims=True), s=x.sum(axis=(1, 2)), x2=x.max(axis=(0, 2, 3)))"
// RUN: qrun %s --entry reduce --input %t.r.x.npy --expect %t.r.m.npy --expect %t.r.s.npy --expect %t.r.x2.npy | FileCheck %s --check-prefix=THREE
func.func @reduce(%x: tensor<2x3x4x5xf32>) -> (tensor<2x1x1x5xf32>, tensor<2x5xf32>, tensor<3xf32>) {
  %0 = qnn.reduce_mean %x {axes = array<i64: 1, 2>, keep_dims = true} : (tensor<2x3x4x5xf32>) -> tensor<2x1x1x5xf32>
  %1 = qnn.reduce_sum %x {axes = array<i64: 2, 1>} : (tensor<2x3x4x5xf32>) -> tensor<2x5xf32>
  %2 = qnn.reduce_max %x {axes = array<i64: 0, 2, 3>} : (tensor<2x3x4x5xf32>) -> tensor<3xf32>
  return %0, %1, %2 : tensor<2x1x1x5xf32>, tensor<2x5xf32>, tensor<3xf32>
}

// Batched matmul broadcasting batch dimensions of both operands.
// RUN: %python -c "import qref as q; r = q.rng(14); a = r.standard_normal((2, 1, 4, 3)).astype('f4'); b = r.standard_normal((5, 3, 6)).astype('f4'); q.save('%t.m', a=a, b=b, o=(a.astype('f8') @ b.astype('f8')).astype('f4'))"
// RUN: qrun %s --entry matmul --input %t.m.a.npy --input %t.m.b.npy --expect %t.m.o.npy | FileCheck %s
func.func @matmul(%a: tensor<2x1x4x3xf32>, %b: tensor<5x3x6xf32>) -> tensor<2x5x4x6xf32> {
  %0 = qnn.matmul %a, %b : (tensor<2x1x4x3xf32>, tensor<5x3x6xf32>) -> tensor<2x5x4x6xf32>
  return %0 : tensor<2x5x4x6xf32>
}

// Transposed conv: strided with bias, unstrided without, and cropped top
// with an extra right column (output padding).
// RUN: %python -c "import qref as q; r = q.rng(15); x = r.standard_normal((1, 4, 4, 8)).astype('f4'); w = r.standard_normal((3, 3, 3, 8)).astype('f4'); b = r.standard_normal(3).astype('f4'); q.save('%t.c', x=x, w=w, b=b, a=q.conv_transpose2d(x, w, b, (2, 2)), u=q.conv_transpose2d(x, w), p=q.conv_transpose2d(x, w, b, (2, 2), (1, 0, 0, 0), (0, 1)))"
// RUN: qrun %s --entry conv_transpose --input %t.c.x.npy --input %t.c.w.npy --input %t.c.b.npy --expect %t.c.a.npy --expect %t.c.u.npy --expect %t.c.p.npy | FileCheck %s --check-prefix=THREE
func.func @conv_transpose(%x: tensor<1x4x4x8xf32>, %w: tensor<3x3x3x8xf32>, %b: tensor<3xf32>) -> (tensor<1x9x9x3xf32>, tensor<1x6x6x3xf32>, tensor<1x8x10x3xf32>) {
  %0 = qnn.conv_transpose2d %x, %w, %b {strides = array<i64: 2, 2>} : (tensor<1x4x4x8xf32>, tensor<3x3x3x8xf32>, tensor<3xf32>) -> tensor<1x9x9x3xf32>
  %1 = qnn.conv_transpose2d %x, %w : (tensor<1x4x4x8xf32>, tensor<3x3x3x8xf32>) -> tensor<1x6x6x3xf32>
  %2 = qnn.conv_transpose2d %x, %w, %b {strides = array<i64: 2, 2>, padding = array<i64: 1, 0, 0, 0>, output_padding = array<i64: 0, 1>} : (tensor<1x4x4x8xf32>, tensor<3x3x3x8xf32>, tensor<3xf32>) -> tensor<1x8x10x3xf32>
  return %0, %1, %2 : tensor<1x9x9x3xf32>, tensor<1x6x6x3xf32>, tensor<1x8x10x3xf32>
}

// Strided slice of a float tensor, and of quantized storage.
// RUN: %python -c "import qref as q; r = q.rng(16); x = r.standard_normal((4, 8)).astype('f4'); i = q.ints(r, -128, 127, (4, 8)); q.save('%t.s', x=x, i=i, o=x[1:4:2, 1:8:3], p=i[0:3, 2:6:2])"
// RUN: qrun %s --entry slice --input %t.s.x.npy --input %t.s.i.npy --expect %t.s.o.npy --expect %t.s.p.npy | FileCheck %s --check-prefix=TWO
func.func @slice(%x: tensor<4x8xf32>, %i: tensor<4x8x!quant.uniform<i8:f32, 0.1:3>>) -> (tensor<2x3xf32>, tensor<3x2x!quant.uniform<i8:f32, 0.1:3>>) {
  %0 = qnn.slice %x {offsets = array<i64: 1, 1>, sizes = array<i64: 2, 3>, strides = array<i64: 2, 3>} : (tensor<4x8xf32>) -> tensor<2x3xf32>
  %1 = qnn.slice %i {offsets = array<i64: 0, 2>, sizes = array<i64: 3, 2>, strides = array<i64: 1, 2>} : (tensor<4x8x!quant.uniform<i8:f32, 0.1:3>>) -> tensor<3x2x!quant.uniform<i8:f32, 0.1:3>>
  return %0, %1 : tensor<2x3xf32>, tensor<3x2x!quant.uniform<i8:f32, 0.1:3>>
}

// CHECK: output 0 {{.*}}, 0 mismatches
// TWO: output 0 {{.*}}, 0 mismatches
// TWO: output 1 {{.*}}, 0 mismatches
// THREE: output 0 {{.*}}, 0 mismatches
// THREE: output 1 {{.*}}, 0 mismatches
// THREE: output 2 {{.*}}, 0 mismatches
// FOUR: output 0 {{.*}}, 0 mismatches
// FOUR: output 1 {{.*}}, 0 mismatches
// FOUR: output 2 {{.*}}, 0 mismatches
// FOUR: output 3 {{.*}}, 0 mismatches
// FIVE: output 0 {{.*}}, 0 mismatches
// FIVE: output 1 {{.*}}, 0 mismatches
// FIVE: output 2 {{.*}}, 0 mismatches
// FIVE: output 3 {{.*}}, 0 mismatches
// FIVE: output 4 {{.*}}, 0 mismatches
