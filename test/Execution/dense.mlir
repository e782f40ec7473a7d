// End-to-end: qnn.dense and qnn.batch_norm through the CPU JIT.

// Float dense on a 3-D input with bias.
// RUN: %python -c "import qref as q; r = q.rng(1); x = r.standard_normal((2, 3, 16)).astype('f4'); w = r.standard_normal((5, 16)).astype('f4'); b = r.standard_normal(5).astype('f4'); q.save('%t.f', x=x, w=w, b=b, e=q.dense(x, w, b))"
// RUN: qrun %s --entry dense_float --input %t.f.x.npy --input %t.f.w.npy --input %t.f.b.npy --expect %t.f.e.npy | FileCheck %s
func.func @dense_float(%x: tensor<2x3x16xf32>, %w: tensor<5x16xf32>, %b: tensor<5xf32>) -> tensor<2x3x5xf32> {
  %0 = qnn.dense %x, %w, %b : (tensor<2x3x16xf32>, tensor<5x16xf32>, tensor<5xf32>) -> tensor<2x3x5xf32>
  return %0 : tensor<2x3x5xf32>
}

// Quantized dense: per-axis weights, bias, asymmetric input and output.
// RUN: %python -c "import qref as q; r = q.rng(2); x = q.ints(r, -128, 127, (4, 32)); w = q.ints(r, -127, 127, (3, 32)); b = q.ints(r, -20000, 20000, (3,), 'i4'); q.save('%t.q', x=x, w=w, b=b, e=q.dense_q(x, 5, 0.02, w, 0, [0.004, 0.01, 0.002], b, -20, 0.3))"
// RUN: qrun %s --entry dense_quant --input %t.q.x.npy --input %t.q.w.npy --input %t.q.b.npy --expect %t.q.e.npy | FileCheck %s
func.func @dense_quant(%x: tensor<4x32x!quant.uniform<i8:f32, 0.02:5>>, %w: tensor<3x32x!quant.uniform<i8:f32:0, {0.004, 0.01, 0.002}>>, %b: tensor<3x!quant.uniform<i32:f32:0, {8.0e-5, 2.0e-4, 4.0e-5}>>) -> tensor<4x3x!quant.uniform<i8:f32, 0.3:-20>> {
  %0 = qnn.dense %x, %w, %b : (tensor<4x32x!quant.uniform<i8:f32, 0.02:5>>, tensor<3x32x!quant.uniform<i8:f32:0, {0.004, 0.01, 0.002}>>, tensor<3x!quant.uniform<i32:f32:0, {8.0e-5, 2.0e-4, 4.0e-5}>>) -> tensor<4x3x!quant.uniform<i8:f32, 0.3:-20>>
  return %0 : tensor<4x3x!quant.uniform<i8:f32, 0.3:-20>>
}

// Per-axis activations: input with one scale and per-feature zero points,
// output with a scale and zero point per feature.
// RUN: %python -c "import qref as q; r = q.rng(5); x = q.ints(r, -128, 127, (3, 4)); w = q.ints(r, -127, 127, (2, 4)); q.save('%t.pa', x=x, w=w, e=q.dense_q(x, [1, -2, 0, 5], 0.02, w, 0, [0.004, 0.01], None, [-20, 6], [0.3, 0.1]))"
// RUN: qrun %s --entry dense_per_axis_act --input %t.pa.x.npy --input %t.pa.w.npy --expect %t.pa.e.npy | FileCheck %s
func.func @dense_per_axis_act(%x: tensor<3x4x!quant.uniform<i8:f32:1, {0.02:1, 0.02:-2, 0.02, 0.02:5}>>, %w: tensor<2x4x!quant.uniform<i8:f32:0, {0.004, 0.01}>>) -> tensor<3x2x!quant.uniform<i8:f32:1, {0.3:-20, 0.1:6}>> {
  %0 = qnn.dense %x, %w : (tensor<3x4x!quant.uniform<i8:f32:1, {0.02:1, 0.02:-2, 0.02, 0.02:5}>>, tensor<2x4x!quant.uniform<i8:f32:0, {0.004, 0.01}>>) -> tensor<3x2x!quant.uniform<i8:f32:1, {0.3:-20, 0.1:6}>>
  return %0 : tensor<3x2x!quant.uniform<i8:f32:1, {0.3:-20, 0.1:6}>>
}

// Quantized dense with 16-bit activations, a per-tensor weight with a zero
// point, and no bias.
// RUN: %python -c "import qref as q; r = q.rng(3); x = q.ints(r, -32768, 32767, (2, 8), 'i2'); w = q.ints(r, -128, 127, (6, 8)); q.save('%t.q16', x=x, w=w, e=q.dense_q(x, 0, 0.001, w, 3, 0.01, None, 7, 0.002, qmin=-32768, qmax=32767, dtype='i2'))"
// RUN: qrun %s --entry dense_quant16 --input %t.q16.x.npy --input %t.q16.w.npy --expect %t.q16.e.npy | FileCheck %s
func.func @dense_quant16(%x: tensor<2x8x!quant.uniform<i16:f32, 0.001>>, %w: tensor<6x8x!quant.uniform<i8:f32, 0.01:3>>) -> tensor<2x6x!quant.uniform<i16:f32, 0.002:7>> {
  %0 = qnn.dense %x, %w : (tensor<2x8x!quant.uniform<i16:f32, 0.001>>, tensor<6x8x!quant.uniform<i8:f32, 0.01:3>>) -> tensor<2x6x!quant.uniform<i16:f32, 0.002:7>>
  return %0 : tensor<2x6x!quant.uniform<i16:f32, 0.002:7>>
}

// Batch norm with constant parameters (folded to x * a + b at compile time).
// RUN: %python -c "import numpy as np, qref as q; r = q.rng(4); x = r.standard_normal((2, 3, 3, 3)).astype('f4'); f = lambda v: np.array(v, 'f4'); q.save('%t.bn', x=x, e=q.batch_norm(x, f([1.5, -0.5, 2.0]), f([0.1, 0.2, -0.3]), f([0.5, -1.0, 0.0]), f([0.25, 4.0, 1.0]), 1e-3))"
// RUN: qrun %s --entry batch_norm_const --input %t.bn.x.npy --expect %t.bn.e.npy | FileCheck %s
func.func @batch_norm_const(%x: tensor<2x3x3x3xf32>) -> tensor<2x3x3x3xf32> {
  %s = arith.constant dense<[1.5, -0.5, 2.0]> : tensor<3xf32>
  %b = arith.constant dense<[0.1, 0.2, -0.3]> : tensor<3xf32>
  %m = arith.constant dense<[0.5, -1.0, 0.0]> : tensor<3xf32>
  %v = arith.constant dense<[0.25, 4.0, 1.0]> : tensor<3xf32>
  %0 = qnn.batch_norm %x, %s, %b, %m, %v {epsilon = 1.0e-3 : f32} : (tensor<2x3x3x3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<2x3x3x3xf32>
  return %0 : tensor<2x3x3x3xf32>
}

// Batch norm with runtime parameters (TOSA ops).
// RUN: %python -c "import qref as q; r = q.rng(5); x = r.standard_normal((4, 6)).astype('f4'); s, b, m = (r.standard_normal(6).astype('f4') for _ in range(3)); v = r.uniform(0.1, 2, 6).astype('f4'); q.save('%t.bv', x=x, s=s, b=b, m=m, v=v, e=q.batch_norm(x, s, b, m, v))"
// RUN: qrun %s --entry batch_norm_args --input %t.bv.x.npy --input %t.bv.s.npy --input %t.bv.b.npy --input %t.bv.m.npy --input %t.bv.v.npy --expect %t.bv.e.npy | FileCheck %s
func.func @batch_norm_args(%x: tensor<4x6xf32>, %s: tensor<6xf32>, %b: tensor<6xf32>, %m: tensor<6xf32>, %v: tensor<6xf32>) -> tensor<4x6xf32> {
  %0 = qnn.batch_norm %x, %s, %b, %m, %v : (tensor<4x6xf32>, tensor<6xf32>, tensor<6xf32>, tensor<6xf32>, tensor<6xf32>) -> tensor<4x6xf32>
  return %0 : tensor<4x6xf32>
}

// CHECK: output 0 {{.*}}, 0 mismatches
