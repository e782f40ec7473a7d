// qnn.table of inputs wider than 8 bits (one tosa.gather of q - qmin over up
// to 65,536 entries) through the CPU JIT against NumPy, bit for bit
// (test/Inputs/qref.py): random tables for a 16-bit input to a 16-bit
// output and a 12-bit input to an 8-bit output, each with the storage
// extremes among the inputs; then qnn-quantize at 16 bits of sigmoid, tanh
// and exp against qref's construction of the same tables from the
// calibrated ranges.

// RUN: %python -c "import qref as q, numpy as np; r = q.rng(51); x = q.ints(r, -32768, 32767, (3, 7), 'i2'); x[0, :2] = (-32768, 32767); t = q.ints(r, -32768, 32767, (65536,), 'i2'); q.write_table_module('%t.a.mlir', 'main', '3x7', '!quant.uniform<i16:f32, 0.001:5>', '!quant.uniform<i16:f32, 0.002:-3>', t); q.save('%t.a', x=x, e=q.table_q(x, t, -32768, dtype='i2'))"
// RUN: qrun %t.a.mlir --input %t.a.x.npy --expect %t.a.e.npy --atol 0 --rtol 0 | FileCheck %s
// RUN: %python -c "import qref as q, numpy as np; r = q.rng(52); x = q.ints(r, -2048, 2047, (2, 5), 'i2'); x[1, 3:] = (-2048, 2047); t = q.ints(r, -128, 127, (4096,)); q.write_table_module('%t.b.mlir', 'main', '2x5', '!quant.uniform<i16<-2048:2047>:f32, 0.01:-7>', '!quant.uniform<i8:f32, 0.02:-5>', t); q.save('%t.b', x=x, e=q.table_q(x, t, -2048))"
// RUN: qrun %t.b.mlir --input %t.b.x.npy --expect %t.b.e.npy --atol 0 --rtol 0 | FileCheck %s

// RUN: qopt %s --qnn-quantize=activation-bits=16 -o %t.q.mlir
// RUN: %python -c "import qref as q, numpy as np; r = q.rng(53); x = r.uniform(-4.5, 4.5, (2, 8)).astype(np.float32); px = q.params_for_range(-4.0, 4.0, bits=16); f = lambda f, lo, hi: q.table_of_float(f, x, px, q.params_for_range(lo, hi, bits=16)); q.save('%t', x=x, s=f(q.sigmoid, 0.0, 1.0), t=f(np.tanh, -1.0, 1.0), e=f(np.exp, 0.0, 60.0))"
// RUN: qrun %t.q.mlir --input %t.x.npy --expect %t.s.npy --expect %t.t.npy --expect %t.e.npy --atol 0 --rtol 0 | FileCheck %s --check-prefix=THREE
// CHECK: 0 mismatches
// THREE-COUNT-3: 0 mismatches
func.func @main(%x: tensor<2x8xf32>) -> (tensor<2x8xf32>, tensor<2x8xf32>, tensor<2x8xf32>) {
  %x0 = qnn.observe %x {name = "x", min = -4.0, max = 4.0} : tensor<2x8xf32>
  %0 = qnn.unary sigmoid %x0 : tensor<2x8xf32>
  %1 = qnn.observe %0 {name = "s", min = 0.0, max = 1.0} : tensor<2x8xf32>
  %2 = qnn.unary tanh %x0 : tensor<2x8xf32>
  %3 = qnn.observe %2 {name = "t", min = -1.0, max = 1.0} : tensor<2x8xf32>
  %4 = qnn.unary exp %x0 : tensor<2x8xf32>
  %5 = qnn.observe %4 {name = "e", min = 0.0, max = 60.0} : tensor<2x8xf32>
  return %1, %3, %5 : tensor<2x8xf32>, tensor<2x8xf32>, tensor<2x8xf32>
}
