// End-to-end: qnn-quantize at 16 bits turns div and pow of two tensors and
// reduce prod into their log-domain forms; the quantized model through the
// CPU JIT against NumPy's integer reference from the calibrated ranges
// (test/Inputs/qref.py), bit for bit.

// RUN: qopt %s --qnn-quantize=activation-bits=16 -o %t.q.mlir
// RUN: %python -c "import qref as q, numpy as np; r = q.rng(43); x = r.uniform(-2.5, 3.5, (2, 8)).astype(np.float32); y = r.uniform(-0.2, 4.5, (2, 8)).astype(np.float32); z = r.uniform(-1.6, 1.6, (2, 4)).astype(np.float32); x[0, 0] = 0; P = lambda lo, hi: q.params_for_range(lo, hi, bits=16); px, py, pz = P(-2.0, 3.0), P(0.5, 4.0), P(-1.5, 1.5); pd, pp, pr = P(-4.0, 6.0), P(0.0, 64.0), P(-2.0, 2.0); Q = lambda v, p: q.quantize(v, *p, dtype=np.int16); qx, qy, qz = Q(x, px), Q(y, py), Q(z, pz); D = lambda v, p: q.dequantize(v, p[0], p[1]); q.save('%t', x=x, y=y, z=z, div=D(q.div_q(qx, qy, px, py, pd, dtype=np.int16), pd), pow=D(q.pow_q(qy, qx, py, px, pp, dtype=np.int16), pp), prod=D(q.reduce_prod_q(qz, pz, pr, (1,), dtype=np.int16), pr))"
// RUN: qrun %t.q.mlir --input %t.x.npy --input %t.y.npy --input %t.z.npy --expect %t.div.npy --expect %t.pow.npy --expect %t.prod.npy --atol 0 --rtol 0 | FileCheck %s
// CHECK-COUNT-3: 0 mismatches
func.func @main(%x: tensor<2x8xf32>, %y: tensor<2x8xf32>, %z: tensor<2x4xf32>) -> (tensor<2x8xf32>, tensor<2x8xf32>, tensor<2x1xf32>) {
  %x0 = qnn.observe %x {name = "x", min = -2.0, max = 3.0} : tensor<2x8xf32>
  %y0 = qnn.observe %y {name = "y", min = 0.5, max = 4.0} : tensor<2x8xf32>
  %z0 = qnn.observe %z {name = "z", min = -1.5, max = 1.5} : tensor<2x4xf32>
  %0 = qnn.div %x0, %y0 : (tensor<2x8xf32>, tensor<2x8xf32>) -> tensor<2x8xf32>
  %1 = qnn.observe %0 {name = "div", min = -4.0, max = 6.0} : tensor<2x8xf32>
  %2 = qnn.pow %y0, %x0 : (tensor<2x8xf32>, tensor<2x8xf32>) -> tensor<2x8xf32>
  %3 = qnn.observe %2 {name = "pow", min = 0.0, max = 64.0} : tensor<2x8xf32>
  %4 = qnn.reduce prod %z0 {axes = array<i64: 1>} : (tensor<2x4xf32>) -> tensor<2x1xf32>
  %5 = qnn.observe %4 {name = "prod", min = -2.0, max = 2.0} : tensor<2x1xf32>
  return %1, %3, %5 : tensor<2x8xf32>, tensor<2x8xf32>, tensor<2x1xf32>
}
