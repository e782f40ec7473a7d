// End-to-end: qnn-quantize turns div and pow into lookup tables (a table of
// one operand when the other is a constant, a two-input table otherwise);
// the quantized model through the CPU JIT against NumPy's construction of
// the same tables from the calibrated ranges (test/Inputs/qref.py), bit for
// bit.

// RUN: qopt %s --qnn-quantize -o %t.q.mlir
// RUN: %python -c "import qref as q, numpy as np; r = q.rng(41); x = r.uniform(-2.5, 3.5, (2, 8)).astype(np.float32); y = r.uniform(-0.2, 4.5, (2, 8)).astype(np.float32); px = q.params_for_range(-2.0, 3.0); py = q.params_for_range(0.5, 4.0); qx = q.quantize(x, *px); qy = q.quantize(y, *py); out = lambda t, idx, p: q.dequantize(np.asarray(t)[idx], p[0], p[1]); pd = q.params_for_range(-4.0, 6.0); pc = q.params_for_range(0.0, 64.0); pr = q.params_for_range(0.25, 2.0); pp = q.params_for_range(0.0, 64.0); ix = qx.astype(np.int64) + 128; iy = qy.astype(np.int64) + 128; q.save('%t', x=x, y=y, div=out(q.build_table2d(np.divide, px, py, pd), ix * 256 + iy, pd), cube=out(q.build_table(lambda v: v ** 3.0, py, pc), iy, pc), rec=out(q.build_table(lambda v: 0.5 / v, py, pr), iy, pr), pow=out(q.build_table2d(np.power, py, px, pp), iy * 256 + ix, pp))"
// RUN: qrun %t.q.mlir --input %t.x.npy --input %t.y.npy --expect %t.div.npy --expect %t.cube.npy --expect %t.rec.npy --expect %t.pow.npy --atol 0 --rtol 0 | FileCheck %s
// CHECK-COUNT-4: 0 mismatches
func.func @main(%x: tensor<2x8xf32>, %y: tensor<2x8xf32>) -> (tensor<2x8xf32>, tensor<2x8xf32>, tensor<2x8xf32>, tensor<2x8xf32>) {
  %x0 = qnn.observe %x {name = "x", min = -2.0, max = 3.0} : tensor<2x8xf32>
  %y0 = qnn.observe %y {name = "y", min = 0.5, max = 4.0} : tensor<2x8xf32>
  %three = arith.constant dense<3.0> : tensor<f32>
  %half = arith.constant dense<0.5> : tensor<1x1xf32>
  %0 = qnn.div %x0, %y0 : (tensor<2x8xf32>, tensor<2x8xf32>) -> tensor<2x8xf32>
  %1 = qnn.observe %0 {name = "div", min = -4.0, max = 6.0} : tensor<2x8xf32>
  %2 = qnn.pow %y0, %three : (tensor<2x8xf32>, tensor<f32>) -> tensor<2x8xf32>
  %3 = qnn.observe %2 {name = "cube", min = 0.0, max = 64.0} : tensor<2x8xf32>
  %4 = qnn.div %half, %y0 : (tensor<1x1xf32>, tensor<2x8xf32>) -> tensor<2x8xf32>
  %5 = qnn.observe %4 {name = "rec", min = 0.25, max = 2.0} : tensor<2x8xf32>
  %6 = qnn.pow %y0, %x0 : (tensor<2x8xf32>, tensor<2x8xf32>) -> tensor<2x8xf32>
  %7 = qnn.observe %6 {name = "pow", min = 0.0, max = 64.0} : tensor<2x8xf32>
  return %1, %3, %5, %7 : tensor<2x8xf32>, tensor<2x8xf32>, tensor<2x8xf32>, tensor<2x8xf32>
}
