// End-to-end: qnn.slice, qnn.gather, reflect/edge qnn.pad, qnn.matmul and
// qnn.conv_transpose2d through the CPU JIT against NumPy.

// Slices (unit, strided, negative strides), gathers with 2-D indices, reflect
// and edge padding; float, then the same on quantized storage.
// RUN: %python -c "import numpy as np, qref as q; r = q.rng(1); x = r.standard_normal((3, 5, 4)).astype('f4'); i = np.array([[2, 0], [1, 1]]); m = ((1, 1), (2, 0), (0, 3)); q.save('%t.f', x=x, s1=x[1:3, :, 1:2], s2=x[::2, 4:0:-2, ::-1], g=np.take(x, i, axis=1), re=np.pad(x, m, mode='reflect'), ed=np.pad(x, m, mode='edge'))"
// RUN: qrun %s --entry tensor_float --input %t.f.x.npy --expect %t.f.s1.npy --expect %t.f.s2.npy --expect %t.f.g.npy --expect %t.f.re.npy --expect %t.f.ed.npy | FileCheck %s --check-prefix=FIVE
// RUN: %python -c "import numpy as np, qref as q; r = q.rng(2); x = q.ints(r, -128, 127, (3, 5, 4)); i = np.array([[2, 0], [1, 1]]); m = ((1, 1), (2, 0), (0, 3)); q.save('%t.q', x=x, s1=x[1:3, :, 1:2], s2=x[::2, 4:0:-2, ::-1], g=np.take(x, i, axis=1), re=np.pad(x, m, mode='reflect'), ed=np.pad(x, m, mode='edge'))"
// RUN: qrun %s --entry tensor_quant --input %t.q.x.npy --expect %t.q.s1.npy --expect %t.q.s2.npy --expect %t.q.g.npy --expect %t.q.re.npy --expect %t.q.ed.npy | FileCheck %s --check-prefix=FIVE
// FIVE-COUNT-5: 0 mismatches
func.func @tensor_float(%x: tensor<3x5x4xf32>) -> (tensor<2x5x1xf32>, tensor<2x2x4xf32>, tensor<3x2x2x4xf32>, tensor<5x7x7xf32>, tensor<5x7x7xf32>) {
  %0 = qnn.slice %x {offsets = array<i64: 1, 0, 1>, strides = array<i64: 1, 1, 1>} : (tensor<3x5x4xf32>) -> tensor<2x5x1xf32>
  %1 = qnn.slice %x {offsets = array<i64: 0, 4, 3>, strides = array<i64: 2, -2, -1>} : (tensor<3x5x4xf32>) -> tensor<2x2x4xf32>
  %2 = qnn.gather %x {axis = 1 : i64, indices = dense<[[2, 0], [1, 1]]> : tensor<2x2xi64>} : (tensor<3x5x4xf32>) -> tensor<3x2x2x4xf32>
  %3 = qnn.pad reflect %x {padding = array<i64: 1, 1, 2, 0, 0, 3>} : (tensor<3x5x4xf32>) -> tensor<5x7x7xf32>
  %4 = qnn.pad edge %x {padding = array<i64: 1, 1, 2, 0, 0, 3>} : (tensor<3x5x4xf32>) -> tensor<5x7x7xf32>
  return %0, %1, %2, %3, %4 : tensor<2x5x1xf32>, tensor<2x2x4xf32>, tensor<3x2x2x4xf32>, tensor<5x7x7xf32>, tensor<5x7x7xf32>
}
!q = !quant.uniform<i8:f32, 0.1:3>
func.func @tensor_quant(%x: tensor<3x5x4x!q>) -> (tensor<2x5x1x!q>, tensor<2x2x4x!q>, tensor<3x2x2x4x!q>, tensor<5x7x7x!q>, tensor<5x7x7x!q>) {
  %0 = qnn.slice %x {offsets = array<i64: 1, 0, 1>, strides = array<i64: 1, 1, 1>} : (tensor<3x5x4x!q>) -> tensor<2x5x1x!q>
  %1 = qnn.slice %x {offsets = array<i64: 0, 4, 3>, strides = array<i64: 2, -2, -1>} : (tensor<3x5x4x!q>) -> tensor<2x2x4x!q>
  %2 = qnn.gather %x {axis = 1 : i64, indices = dense<[[2, 0], [1, 1]]> : tensor<2x2xi64>} : (tensor<3x5x4x!q>) -> tensor<3x2x2x4x!q>
  %3 = qnn.pad reflect %x {padding = array<i64: 1, 1, 2, 0, 0, 3>} : (tensor<3x5x4x!q>) -> tensor<5x7x7x!q>
  %4 = qnn.pad edge %x {padding = array<i64: 1, 1, 2, 0, 0, 3>} : (tensor<3x5x4x!q>) -> tensor<5x7x7x!q>
  return %0, %1, %2, %3, %4 : tensor<2x5x1x!q>, tensor<2x2x4x!q>, tensor<3x2x2x4x!q>, tensor<5x7x7x!q>, tensor<5x7x7x!q>
}

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
