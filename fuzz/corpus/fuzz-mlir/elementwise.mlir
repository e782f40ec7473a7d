// End-to-end: relu, clip, add, sub, mul and softmax through the CPU JIT.

// Float relu and clip (ReLU6).
// RUN: %python -c "import numpy as np, qref as q; r = q.rng(1); x = (4 * r.standard_normal((3, 7))).astype('f4'); q.save('%t.f', x=x, r=np.maximum(x, 0), c=np.clip(x, 0, 6))"
// RUN: qrun %s --entry act_float --input %t.f.x.npy --expect %t.f.r.npy --expect %t.f.c.npy | FileCheck %s --check-prefix=TWO
func.func @act_float(%x: tensor<3x7xf32>) -> (tensor<3x7xf32>, tensor<3x7xf32>) {
  %0 = qnn.relu %x : tensor<3x7xf32>
  %1 = qnn.clip %x {min = 0.0 : f32, max = 6.0 : f32} : tensor<3x7xf32>
  return %0, %1 : tensor<3x7xf32>, tensor<3x7xf32>
}

// Quantized relu (max with the zero point) and clip (bounds quantized with
// the tensor's scale and zero point), per tensor and per axis.
// RUN: %python -c "import qref as q; r = q.rng(2); x = q.ints(r, -128, 127, (4, 3)); q.save('%t.q', x=x, r=q.relu_q(x, -30), c=q.clip_q(x, -1.0, 2.5, 0.05, -30), a=q.relu_q(x, q.np.array([-5, 0, 7])))"
// RUN: qrun %s --entry act_quant --input %t.q.x.npy --expect %t.q.r.npy --expect %t.q.c.npy --expect %t.q.a.npy | FileCheck %s --check-prefix=THREE
func.func @act_quant(%x: tensor<4x3x!quant.uniform<i8:f32, 0.05:-30>>) -> (tensor<4x3x!quant.uniform<i8:f32, 0.05:-30>>, tensor<4x3x!quant.uniform<i8:f32, 0.05:-30>>, tensor<4x3x!quant.uniform<i8:f32:1, {0.1:-5, 0.2, 0.3:7}>>) {
  %0 = qnn.relu %x : tensor<4x3x!quant.uniform<i8:f32, 0.05:-30>>
  %1 = qnn.clip %x {min = -1.0 : f32, max = 2.5 : f32} : tensor<4x3x!quant.uniform<i8:f32, 0.05:-30>>
  %c = quant.scast %x : tensor<4x3x!quant.uniform<i8:f32, 0.05:-30>> to tensor<4x3xi8>
  %p = quant.scast %c : tensor<4x3xi8> to tensor<4x3x!quant.uniform<i8:f32:1, {0.1:-5, 0.2, 0.3:7}>>
  %2 = qnn.relu %p : tensor<4x3x!quant.uniform<i8:f32:1, {0.1:-5, 0.2, 0.3:7}>>
  return %0, %1, %2 : tensor<4x3x!quant.uniform<i8:f32, 0.05:-30>>, tensor<4x3x!quant.uniform<i8:f32, 0.05:-30>>, tensor<4x3x!quant.uniform<i8:f32:1, {0.1:-5, 0.2, 0.3:7}>>
}

// Float add and mul with numpy broadcasting (rank 1 against rank 4).
// RUN: %python -c "import qref as q; r = q.rng(3); x = r.standard_normal((2, 3, 3, 4)).astype('f4'); y = r.standard_normal(4).astype('f4'); q.save('%t.b', x=x, y=y, a=x + y, m=x * y)"
// RUN: qrun %s --entry binary_float --input %t.b.x.npy --input %t.b.y.npy --expect %t.b.a.npy --expect %t.b.m.npy | FileCheck %s --check-prefix=TWO
func.func @binary_float(%x: tensor<2x3x3x4xf32>, %y: tensor<4xf32>) -> (tensor<2x3x3x4xf32>, tensor<2x3x3x4xf32>) {
  %0 = qnn.add %x, %y : (tensor<2x3x3x4xf32>, tensor<4xf32>) -> tensor<2x3x3x4xf32>
  %1 = qnn.mul %x, %y : (tensor<2x3x3x4xf32>, tensor<4xf32>) -> tensor<2x3x3x4xf32>
  return %0, %1 : tensor<2x3x3x4xf32>, tensor<2x3x3x4xf32>
}

// Quantized add and mul, i8 with different scales and zero points, with
// broadcasting.
// RUN: %python -c "import qref as q; r = q.rng(4); a = q.ints(r, -128, 127, (2, 5, 3)); b = q.ints(r, -128, 127, (5, 1)); q.save('%t.qb', a=a, b=b, s=q.add_q(a, 10, 0.03, b, -4, 0.07, 2, 0.08), m=q.mul_q(a, 10, 0.03, b, -4, 0.07, -3, 0.2))"
// RUN: qrun %s --entry binary_quant --input %t.qb.a.npy --input %t.qb.b.npy --expect %t.qb.s.npy --expect %t.qb.m.npy | FileCheck %s --check-prefix=TWO
func.func @binary_quant(%a: tensor<2x5x3x!quant.uniform<i8:f32, 0.03:10>>, %b: tensor<5x1x!quant.uniform<i8:f32, 0.07:-4>>) -> (tensor<2x5x3x!quant.uniform<i8:f32, 0.08:2>>, tensor<2x5x3x!quant.uniform<i8:f32, 0.2:-3>>) {
  %0 = qnn.add %a, %b : (tensor<2x5x3x!quant.uniform<i8:f32, 0.03:10>>, tensor<5x1x!quant.uniform<i8:f32, 0.07:-4>>) -> tensor<2x5x3x!quant.uniform<i8:f32, 0.08:2>>
  %1 = qnn.mul %a, %b : (tensor<2x5x3x!quant.uniform<i8:f32, 0.03:10>>, tensor<5x1x!quant.uniform<i8:f32, 0.07:-4>>) -> tensor<2x5x3x!quant.uniform<i8:f32, 0.2:-3>>
  return %0, %1 : tensor<2x5x3x!quant.uniform<i8:f32, 0.08:2>>, tensor<2x5x3x!quant.uniform<i8:f32, 0.2:-3>>
}

// Quantized sub: the rescaled rhs subtracted, i8 with broadcasting and i16
// with inputs at their storage bounds (the shift loop uses the difference's
// own bounds).
// RUN: %python -c "import qref as q; r = q.rng(41); a = q.ints(r, -128, 127, (2, 5, 3)); b = q.ints(r, -128, 127, (5, 1)); c = q.ints(r, -32768, 32767, (64,), 'i2'); d = q.ints(r, -32768, 32767, (64,), 'i2'); c[:2] = [-32768, 32767]; d[:2] = [32767, -32768]; q.save('%t.qs', a=a, b=b, c=c, d=d, s=q.add_q(a, 10, 0.03, b, -4, 0.07, 2, 0.08, sign=-1), t=q.add_q(c, -300, 0.001, d, 500, 0.001, 0, 0.002, qmin=-32768, qmax=32767, dtype='i2', sign=-1))"
// RUN: qrun %s --entry sub_quant --input %t.qs.a.npy --input %t.qs.b.npy --input %t.qs.c.npy --input %t.qs.d.npy --expect %t.qs.s.npy --expect %t.qs.t.npy | FileCheck %s --check-prefix=TWO
func.func @sub_quant(%a: tensor<2x5x3x!quant.uniform<i8:f32, 0.03:10>>, %b: tensor<5x1x!quant.uniform<i8:f32, 0.07:-4>>, %c: tensor<64x!quant.uniform<i16:f32, 0.001:-300>>, %d: tensor<64x!quant.uniform<i16:f32, 0.001:500>>) -> (tensor<2x5x3x!quant.uniform<i8:f32, 0.08:2>>, tensor<64x!quant.uniform<i16:f32, 0.002>>) {
  %0 = qnn.sub %a, %b : (tensor<2x5x3x!quant.uniform<i8:f32, 0.03:10>>, tensor<5x1x!quant.uniform<i8:f32, 0.07:-4>>) -> tensor<2x5x3x!quant.uniform<i8:f32, 0.08:2>>
  %1 = qnn.sub %c, %d : (tensor<64x!quant.uniform<i16:f32, 0.001:-300>>, tensor<64x!quant.uniform<i16:f32, 0.001:500>>) -> tensor<64x!quant.uniform<i16:f32, 0.002>>
  return %0, %1 : tensor<2x5x3x!quant.uniform<i8:f32, 0.08:2>>, tensor<64x!quant.uniform<i16:f32, 0.002>>
}

// Quantized add on asymmetric 16-bit inputs with equal scales: the sum of
// the inputs rescaled with the default shift 15 could overflow 32 bits, so
// the shift drops to 14.
// RUN: %python -c "import qref as q; r = q.rng(5); a = q.ints(r, -32768, 32767, (64,), 'i2'); b = q.ints(r, -32768, 32767, (64,), 'i2'); a[:2] = [-32768, 32767]; b[:2] = [-32768, 32767]; assert q.add_shift(-300, 0.001, a.dtype, 500, 0.001, b.dtype) == 14; q.save('%t.a16', a=a, b=b, s=q.add_q(a, -300, 0.001, b, 500, 0.001, 0, 0.002, qmin=-32768, qmax=32767, dtype='i2'))"
// RUN: qrun %s --entry add_quant16 --input %t.a16.a.npy --input %t.a16.b.npy --expect %t.a16.s.npy | FileCheck %s
func.func @add_quant16(%a: tensor<64x!quant.uniform<i16:f32, 0.001:-300>>, %b: tensor<64x!quant.uniform<i16:f32, 0.001:500>>) -> tensor<64x!quant.uniform<i16:f32, 0.002>> {
  %0 = qnn.add %a, %b : (tensor<64x!quant.uniform<i16:f32, 0.001:-300>>, tensor<64x!quant.uniform<i16:f32, 0.001:500>>) -> tensor<64x!quant.uniform<i16:f32, 0.002>>
  return %0 : tensor<64x!quant.uniform<i16:f32, 0.002>>
}

// Quantized mul on 16-bit inputs whose centered product can exceed 32 bits:
// computed in 64 bits and saturated to 32 before the rescale.
// RUN: %python -c "import qref as q; r = q.rng(6); a = q.ints(r, -32768, 32767, (64,), 'i2'); b = q.ints(r, -32768, 32767, (64,), 'i2'); a[:3] = [32767, -32768, 32767]; b[:3] = [-32768, 32767, 32767]; q.save('%t.m16', a=a, b=b, m=q.mul_q(a, -20000, 0.001, b, 20000, 0.0007, 9, 0.05, qmin=-32768, qmax=32767, dtype='i2'))"
// RUN: qrun %s --entry mul_quant16 --input %t.m16.a.npy --input %t.m16.b.npy --expect %t.m16.m.npy | FileCheck %s
func.func @mul_quant16(%a: tensor<64x!quant.uniform<i16:f32, 0.001:-20000>>, %b: tensor<64x!quant.uniform<i16:f32, 0.0007:20000>>) -> tensor<64x!quant.uniform<i16:f32, 0.05:9>> {
  %0 = qnn.mul %a, %b : (tensor<64x!quant.uniform<i16:f32, 0.001:-20000>>, tensor<64x!quant.uniform<i16:f32, 0.0007:20000>>) -> tensor<64x!quant.uniform<i16:f32, 0.05:9>>
  return %0 : tensor<64x!quant.uniform<i16:f32, 0.05:9>>
}

// Softmax along the last axis and along axis 0.
// RUN: %python -c "import qref as q; r = q.rng(6); x = (5 * r.standard_normal((3, 10))).astype('f4'); q.save('%t.s', x=x, a=q.softmax(x), b=q.softmax(x, 0))"
// RUN: qrun %s --entry softmax --input %t.s.x.npy --expect %t.s.a.npy --expect %t.s.b.npy --atol 1e-6 | FileCheck %s --check-prefix=TWO
func.func @softmax(%x: tensor<3x10xf32>) -> (tensor<3x10xf32>, tensor<3x10xf32>) {
  %0 = qnn.softmax %x : (tensor<3x10xf32>) -> tensor<3x10xf32>
  %1 = qnn.softmax %x {axis = 0 : i64} : (tensor<3x10xf32>) -> tensor<3x10xf32>
  return %0, %1 : tensor<3x10xf32>, tensor<3x10xf32>
}

// CHECK: output 0 {{.*}}, 0 mismatches
// TWO: output 0 {{.*}}, 0 mismatches
// TWO: output 1 {{.*}}, 0 mismatches
// THREE: output 0 {{.*}}, 0 mismatches
// THREE: output 1 {{.*}}, 0 mismatches
// THREE: output 2 {{.*}}, 0 mismatches

// Quantized softmax (qmath::softmax) along the last axis and along axis 0:
// 8-bit input, 8-bit output of scale 2^-8 and zero point -128.
// RUN: %python -c "import qref as q; r = q.rng(20); x = q.ints(r, -128, 127, (3, 10)); q.save('%t.sq', x=x, a=q.softmax_q(x, 0.05, 255, 8), b=q.softmax_q(x, 0.05, 255, 8, axis=0))"
// RUN: qrun %s --entry softmax_quant --input %t.sq.x.npy --expect %t.sq.a.npy --expect %t.sq.b.npy | FileCheck %s --check-prefix=TWO
func.func @softmax_quant(%x: tensor<3x10x!quant.uniform<i8:f32, 0.05:-10>>) -> (tensor<3x10x!quant.uniform<i8:f32, 0.00390625:-128>>, tensor<3x10x!quant.uniform<i8:f32, 0.00390625:-128>>) {
  %0 = qnn.softmax %x : (tensor<3x10x!quant.uniform<i8:f32, 0.05:-10>>) -> tensor<3x10x!quant.uniform<i8:f32, 0.00390625:-128>>
  %1 = qnn.softmax %x {axis = 0 : i64} : (tensor<3x10x!quant.uniform<i8:f32, 0.05:-10>>) -> tensor<3x10x!quant.uniform<i8:f32, 0.00390625:-128>>
  return %0, %1 : tensor<3x10x!quant.uniform<i8:f32, 0.00390625:-128>>, tensor<3x10x!quant.uniform<i8:f32, 0.00390625:-128>>
}

// 16-bit input, 12-bit output (scale 2^-12, zero point -2048; a 2^14
// exponential table).
// RUN: %python -c "import qref as q; r = q.rng(21); x = q.ints(r, -32768, 32767, (2, 7), 'i2'); q.save('%t.s16', x=x, e=q.softmax_q(x, 0.0005, 65535, 12, dtype='i2'))"
// RUN: qrun %s --entry softmax_quant16 --input %t.s16.x.npy --expect %t.s16.e.npy | FileCheck %s
func.func @softmax_quant16(%x: tensor<2x7x!quant.uniform<i16:f32, 0.0005>>) -> tensor<2x7x!quant.uniform<i16<-2048:2047>:f32, 0.000244140625:-2048>> {
  %0 = qnn.softmax %x : (tensor<2x7x!quant.uniform<i16:f32, 0.0005>>) -> tensor<2x7x!quant.uniform<i16<-2048:2047>:f32, 0.000244140625:-2048>>
  return %0 : tensor<2x7x!quant.uniform<i16<-2048:2047>:f32, 0.000244140625:-2048>>
}

// Lookup tables: i8 to i8 (tosa.table), and a 4-bit input to a 12-bit
// output in i16 storage (a gather).
// RUN: %python -c "import qref as q; r = q.rng(22); x = q.ints(r, -128, 127, (4, 9)); t = q.ints(r, -128, 127, (256,)); q.write_table_module('%t.t8.mlir', 'table8', '4x9', '!quant.uniform<i8:f32, 0.1:3>', '!quant.uniform<i8:f32, 0.02:-5>', t); q.save('%t.t8', x=x, e=q.table_q(x, t, -128))"
// RUN: qrun %t.t8.mlir --entry table8 --input %t.t8.x.npy --expect %t.t8.e.npy | FileCheck %s
// RUN: %python -c "import qref as q; r = q.rng(23); x = q.ints(r, -8, 7, (5,)); q.save('%t.t4', x=x, e=q.table_q(x, [-2048, -1000, -7, 0, 1, 2, 3, 50, 60, 70, 80, 900, 1000, 2000, 2046, 2047], -8, dtype='i2'))"
// RUN: qrun %s --entry table4 --input %t.t4.x.npy --expect %t.t4.e.npy | FileCheck %s
func.func @table4(%x: tensor<5x!quant.uniform<i8<-8:7>:f32, 0.5>>) -> tensor<5x!quant.uniform<i16<-2048:2047>:f32, 0.001>> {
  %0 = qnn.table %x {table = array<i32: -2048, -1000, -7, 0, 1, 2, 3, 50, 60, 70, 80, 900, 1000, 2000, 2046, 2047>} : (tensor<5x!quant.uniform<i8<-8:7>:f32, 0.5>>) -> tensor<5x!quant.uniform<i16<-2048:2047>:f32, 0.001>>
  return %0 : tensor<5x!quant.uniform<i16<-2048:2047>:f32, 0.001>>
}
