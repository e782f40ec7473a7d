// End-to-end: quantize, dequantize and requantize through the CPU JIT, per
// tensor and per axis, against qmath's rules (test/Inputs/qref.py).

// Quantize: ties round to even, out-of-range values saturate, NaN gives the
// zero point; a 4-bit range and a per-axis 16-bit type.
// RUN: %python -c "import numpy as np, qref as q; r = q.rng(1); x = (3 * r.standard_normal((4, 8))).astype('f4'); x[0, :8] = [0.25, 0.75, -0.25, -0.75, 1e30, -np.inf, np.nan, 12.7]; q.save('%t.q', x=x, a=q.quantize(x, 0.5, -3, -128, 127), b=q.quantize(x, 0.3, 1, -8, 7), c=q.quantize(x, [0.001, 0.01, 0.1, 1.0], [0, -7, 100, 30000], -32768, 32767, axis=0, dtype='i2'))"
// RUN: qrun %s --entry quantize --input %t.q.x.npy --expect %t.q.a.npy --expect %t.q.b.npy --expect %t.q.c.npy | FileCheck %s --check-prefix=THREE
func.func @quantize(%x: tensor<4x8xf32>) -> (tensor<4x8x!quant.uniform<i8:f32, 0.5:-3>>, tensor<4x8x!quant.uniform<i8<-8:7>:f32, 0.3:1>>, tensor<4x8x!quant.uniform<i16:f32:0, {0.001, 0.01:-7, 0.1:100, 1.0:30000}>>) {
  %0 = qnn.quantize %x : (tensor<4x8xf32>) -> tensor<4x8x!quant.uniform<i8:f32, 0.5:-3>>
  %1 = qnn.quantize %x : (tensor<4x8xf32>) -> tensor<4x8x!quant.uniform<i8<-8:7>:f32, 0.3:1>>
  %2 = qnn.quantize %x : (tensor<4x8xf32>) -> tensor<4x8x!quant.uniform<i16:f32:0, {0.001, 0.01:-7, 0.1:100, 1.0:30000}>>
  return %0, %1, %2 : tensor<4x8x!quant.uniform<i8:f32, 0.5:-3>>, tensor<4x8x!quant.uniform<i8<-8:7>:f32, 0.3:1>>, tensor<4x8x!quant.uniform<i16:f32:0, {0.001, 0.01:-7, 0.1:100, 1.0:30000}>>
}

// Quantize of a constant is folded at compile time with qmath::quantize.
// RUN: %python -c "import numpy as np, qref as q; q.save('%t.c', e=q.quantize(np.array([[-1.0, 0.05, 0.15, 2.0], [0.25, -0.35, 9.0, -0.05]], 'f4'), [0.1, 0.01], [0, 2], -128, 127, axis=0))"
// RUN: qrun %s --entry quantize_const --expect %t.c.e.npy | FileCheck %s
func.func @quantize_const() -> tensor<2x4x!quant.uniform<i8:f32:0, {0.1, 0.01:2}>> {
  %c = arith.constant dense<[[-1.0, 0.05, 0.15, 2.0], [0.25, -0.35, 9.0, -0.05]]> : tensor<2x4xf32>
  %0 = qnn.quantize %c : (tensor<2x4xf32>) -> tensor<2x4x!quant.uniform<i8:f32:0, {0.1, 0.01:2}>>
  return %0 : tensor<2x4x!quant.uniform<i8:f32:0, {0.1, 0.01:2}>>
}

// Dequantize per tensor, per axis (on the middle axis) and from i32 storage.
// RUN: %python -c "import qref as q; r = q.rng(2); a = q.ints(r, -128, 127, (2, 3, 4)); b = q.ints(r, -2**31, 2**31 - 1, (5,), 'i4'); q.save('%t.d', a=a, b=b, x=q.dequantize(a, 0.07, 9), y=q.dequantize(a, [0.1, 0.02, 0.3], [1, 0, -5], axis=1), z=q.dequantize(b, 1e-6, 12345))"
// RUN: qrun %s --entry dequantize --input %t.d.a.npy --input %t.d.b.npy --expect %t.d.x.npy --expect %t.d.y.npy --expect %t.d.z.npy --atol 0 --rtol 0 | FileCheck %s --check-prefix=THREE
func.func @dequantize(%a: tensor<2x3x4x!quant.uniform<i8:f32, 0.07:9>>, %b: tensor<5x!quant.uniform<i32:f32, 1.0e-6:12345>>) -> (tensor<2x3x4xf32>, tensor<2x3x4xf32>, tensor<5xf32>) {
  %0 = qnn.dequantize %a : (tensor<2x3x4x!quant.uniform<i8:f32, 0.07:9>>) -> tensor<2x3x4xf32>
  %c = quant.scast %a : tensor<2x3x4x!quant.uniform<i8:f32, 0.07:9>> to tensor<2x3x4xi8>
  %p = quant.scast %c : tensor<2x3x4xi8> to tensor<2x3x4x!quant.uniform<i8:f32:1, {0.1:1, 0.02, 0.3:-5}>>
  %1 = qnn.dequantize %p : (tensor<2x3x4x!quant.uniform<i8:f32:1, {0.1:1, 0.02, 0.3:-5}>>) -> tensor<2x3x4xf32>
  %2 = qnn.dequantize %b : (tensor<5x!quant.uniform<i32:f32, 1.0e-6:12345>>) -> tensor<5xf32>
  return %0, %1, %2 : tensor<2x3x4xf32>, tensor<2x3x4xf32>, tensor<5xf32>
}

// Requantize: i8 to a 4-bit range, i8 to i16 with zero points, per axis
// (on a non-last axis) to per tensor, and a huge scale ratio whose 32-bit
// intermediates would overflow (the 64-bit path).
// RUN: %python -c "import qref as q; r = q.rng(3); a = q.ints(r, -128, 127, (3, 5)); a[0, :2] = [-128, 127]; q.save('%t.r', a=a, x=q.requantize(a, -3, 0.5 / 0.25, 1, -8, 7).astype('i1'), y=q.requantize(a, -3, 0.5 / 0.001, -1000, -32768, 32767).astype('i2'), z=q.requantize(a, [4, -4, 0], [0.1 / 0.2, 0.3 / 0.2, 0.05 / 0.2], 6, -128, 127, axis=0).astype('i1'), w=q.requantize(a, -3, 0.5 / 1.0e-8, 0, -128, 127).astype('i1'))"
// RUN: qrun %s --entry requantize --input %t.r.a.npy --expect %t.r.x.npy --expect %t.r.y.npy --expect %t.r.z.npy --expect %t.r.w.npy | FileCheck %s --check-prefix=FOUR
func.func @requantize(%a: tensor<3x5x!quant.uniform<i8:f32, 0.5:-3>>) -> (tensor<3x5x!quant.uniform<i8<-8:7>:f32, 0.25:1>>, tensor<3x5x!quant.uniform<i16:f32, 0.001:-1000>>, tensor<3x5x!quant.uniform<i8:f32, 0.2:6>>, tensor<3x5x!quant.uniform<i8:f32, 1.0e-8>>) {
  %0 = qnn.requantize %a : (tensor<3x5x!quant.uniform<i8:f32, 0.5:-3>>) -> tensor<3x5x!quant.uniform<i8<-8:7>:f32, 0.25:1>>
  %1 = qnn.requantize %a : (tensor<3x5x!quant.uniform<i8:f32, 0.5:-3>>) -> tensor<3x5x!quant.uniform<i16:f32, 0.001:-1000>>
  %c = quant.scast %a : tensor<3x5x!quant.uniform<i8:f32, 0.5:-3>> to tensor<3x5xi8>
  %p = quant.scast %c : tensor<3x5xi8> to tensor<3x5x!quant.uniform<i8:f32:0, {0.1:4, 0.3:-4, 0.05}>>
  %2 = qnn.requantize %p : (tensor<3x5x!quant.uniform<i8:f32:0, {0.1:4, 0.3:-4, 0.05}>>) -> tensor<3x5x!quant.uniform<i8:f32, 0.2:6>>
  %3 = qnn.requantize %a : (tensor<3x5x!quant.uniform<i8:f32, 0.5:-3>>) -> tensor<3x5x!quant.uniform<i8:f32, 1.0e-8>>
  return %0, %1, %2, %3 : tensor<3x5x!quant.uniform<i8<-8:7>:f32, 0.25:1>>, tensor<3x5x!quant.uniform<i16:f32, 0.001:-1000>>, tensor<3x5x!quant.uniform<i8:f32, 0.2:6>>, tensor<3x5x!quant.uniform<i8:f32, 1.0e-8>>
}

// A quantized pipeline: quantize, relu, requantize, dequantize, with the
// qnn.observe probe (an identity) left in.
// RUN: %python -c "import numpy as np, qref as q; r = q.rng(4); x = r.standard_normal((2, 6)).astype('f4'); a = q.quantize(x, 0.02, 10, -128, 127); b = q.relu_q(a, 10); c = q.requantize(b, 10, 0.02 / 0.05, -128, -128, 127); q.save('%t.p', x=x, e=q.dequantize(c, 0.05, -128))"
// RUN: qrun %s --entry pipeline --input %t.p.x.npy --expect %t.p.e.npy --atol 0 --rtol 0 | FileCheck %s
func.func @pipeline(%x: tensor<2x6xf32>) -> tensor<2x6xf32> {
  %o = qnn.observe %x {name = "x"} : tensor<2x6xf32>
  %0 = qnn.quantize %o : (tensor<2x6xf32>) -> tensor<2x6x!quant.uniform<i8:f32, 0.02:10>>
  %1 = qnn.relu %0 : tensor<2x6x!quant.uniform<i8:f32, 0.02:10>>
  %2 = qnn.requantize %1 : (tensor<2x6x!quant.uniform<i8:f32, 0.02:10>>) -> tensor<2x6x!quant.uniform<i8:f32, 0.05:-128>>
  %3 = qnn.dequantize %2 : (tensor<2x6x!quant.uniform<i8:f32, 0.05:-128>>) -> tensor<2x6xf32>
  return %3 : tensor<2x6xf32>
}

// CHECK: output 0 {{.*}}, 0 mismatches
// THREE: output 0 {{.*}}, 0 mismatches
// THREE: output 1 {{.*}}, 0 mismatches
// THREE: output 2 {{.*}}, 0 mismatches
// FOUR: output 0 {{.*}}, 0 mismatches
// FOUR: output 1 {{.*}}, 0 mismatches
// FOUR: output 2 {{.*}}, 0 mismatches
// FOUR: output 3 {{.*}}, 0 mismatches
