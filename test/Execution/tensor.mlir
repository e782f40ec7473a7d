// End-to-end: qnn.slice, qnn.gather and reflect/edge qnn.pad through the CPU
// JIT against NumPy.

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
