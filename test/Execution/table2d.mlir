// End-to-end: qnn.table2d (the integer form of quantized div and pow)
// through the CPU JIT against NumPy, bit for bit, with random tables:
// broadcasting both ways, a narrow (4-bit) input, i16 output storage.

// RUN: %python -c "import qref as q; r = q.rng(31); a = q.ints(r, -128, 127, (3, 4)); b = q.ints(r, -8, 7, (1, 4)); t = q.ints(r, -128, 127, (256 * 16,)); q.write_table2d_module('%t.a.mlir', 'main', ('3x4', '1x4', '3x4'), ('!quant.uniform<i8:f32, 0.1:3>', '!quant.uniform<i8<-8:7>:f32, 0.5>', '!quant.uniform<i8:f32, 0.02:-5>'), t); q.save('%t.a', a=a, b=b, e=q.table2d_q(a, b, t, -128, -8, 16))"
// RUN: qrun %t.a.mlir --input %t.a.a.npy --input %t.a.b.npy --expect %t.a.e.npy --atol 0 --rtol 0 | FileCheck %s
// RUN: %python -c "import qref as q; r = q.rng(32); a = q.ints(r, -8, 7, (2, 1, 5)); b = q.ints(r, -128, 127, (3, 5)); t = q.ints(r, -2048, 2047, (16 * 256,), dtype='i2'); q.write_table2d_module('%t.b.mlir', 'main', ('2x1x5', '3x5', '2x3x5'), ('!quant.uniform<i8<-8:7>:f32, 0.25:1>', '!quant.uniform<i8:f32, 0.05:-128>', '!quant.uniform<i16<-2048:2047>:f32, 0.001:7>'), t); q.save('%t.b', a=a, b=b, e=q.table2d_q(a, b, t, -8, -128, 256, dtype='i2'))"
// RUN: qrun %t.b.mlir --input %t.b.a.npy --input %t.b.b.npy --expect %t.b.e.npy --atol 0 --rtol 0 | FileCheck %s
// CHECK: 0 mismatches
