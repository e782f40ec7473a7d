// End-to-end: with 12-bit activations a division by a positive constant is
// the input reinterpreted with scale s_in / c (two quant.scast) and
// requantized to the output's type (TOSA rounding); through the CPU JIT
// against NumPy, bit for bit.

// RUN: qopt %s --qnn-quantize=activation-bits=12 -o %t.q.mlir
// RUN: FileCheck %s --input-file %t.q.mlir
// RUN: %python -c "import qref as q, numpy as np; r = q.rng(61); x = r.uniform(-2.5, 3.5, (3, 7)).astype(np.float32); px = q.params_for_range(-2.0, 3.0, bits=12); po = q.params_for_range(-0.5, 0.75, bits=12); qx = q.quantize(x, *px, dtype=np.int16); qo = q.requantize(qx, px[1], px[0] / 4.0 / po[0], po[1], po[2], po[3]); q.save('%t', x=x, d=q.dequantize(qo, po[0], po[1]))"
// RUN: qrun %t.q.mlir --input %t.x.npy --expect %t.d.npy --atol 0 --rtol 0 | FileCheck %s --check-prefix=EXEC
// CHECK: %[[X:.*]] = qnn.quantize %arg0 {{.*}} -> tensor<3x7x!quant.uniform<i16<-2048:2047>:f32, [[S:.*]]:[[Z:.*]]>>
// CHECK: %[[I:.*]] = quant.scast %[[X]] {{.*}} to tensor<3x7xi16>
// CHECK: %[[V:.*]] = quant.scast %[[I]] {{.*}} to tensor<3x7x!quant.uniform<i16<-2048:2047>:f32, {{.*}}:[[Z]]>>
// CHECK: qnn.requantize %[[V]]
// CHECK-NOT: qnn.div
// EXEC: 0 mismatches
func.func @main(%x: tensor<3x7xf32>) -> tensor<3x7xf32> {
  %x0 = qnn.observe %x {name = "x", min = -2.0, max = 3.0} : tensor<3x7xf32>
  %c = arith.constant dense<4.0> : tensor<f32>
  %0 = qnn.div %x0, %c : (tensor<3x7xf32>, tensor<f32>) -> tensor<3x7xf32>
  %1 = qnn.observe %0 {name = "d", min = -0.5, max = 0.75} : tensor<3x7xf32>
  return %1 : tensor<3x7xf32>
}
