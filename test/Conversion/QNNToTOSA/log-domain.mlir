// RUN: qopt %s --pass-pipeline="builtin.module(func.func(convert-qnn-to-tosa))" --split-input-file | FileCheck %s
// RUN: qopt %s --pass-pipeline="builtin.module(func.func(convert-qnn-to-tosa,qnn-finalize-tosa-export))" --split-input-file | FileCheck %s --check-prefix=EXPORT

// The log-domain forms lower to TOSA only, in i32 (they export, and pass
// mlir-opt --tosa-validate: no i32 clamp, no i64).
// EXPORT-NOT: linalg
// EXPORT-NOT: arith.
// EXPORT-NOT: tosa.clamp
// EXPORT-NOT: i64

// Quantized reduce prod: the logarithm table of the 256 input values, its
// int32 sum, the count of negatives (parity) and of zeros; U = sum - outLog
// (rint(2^16 log2 0.05) = -283242); e = U >> 16; the 4096-entry mantissa
// table (G = 8 + 4) at bits 4..15 of U; a rounding shift by 29 - e
// (saturate at <= 0, 0 at >= 31); the sign; the zero point where an element
// was zero.
// CHECK-LABEL: func @prod
// CHECK: %[[L:.*]] = tosa.gather %{{.*}} : (tensor<1x256x1xi32>, tensor<1x6xi32>)
// CHECK: %[[T:.*]] = tosa.reduce_sum %{{.*}} {axis = 1 : i32} : (tensor<2x3xi32>) -> tensor<2x1xi32>
// CHECK: %[[NEG:.*]] = tosa.greater
// CHECK: tosa.reduce_sum {{.*}} -> tensor<2x1xi32>
// CHECK: tosa.equal
// CHECK: %[[ZEROS:.*]] = tosa.reduce_max {{.*}} -> tensor<2x1xi32>
// CHECK: tosa.bitwise_and
// CHECK: dense<-283242>
// CHECK: %[[U:.*]] = tosa.sub %[[T]]
// CHECK: tosa.arithmetic_right_shift %[[U]]
// CHECK: tosa.gather %{{.*}} : (tensor<1x4096x1xi32>, tensor<1x2xi32>)
// CHECK: tosa.maximum
// CHECK: tosa.minimum
// CHECK: tosa.logical_left_shift
// CHECK: tosa.select
// CHECK: tosa.select
// CHECK: tosa.select
// CHECK: tosa.maximum
// CHECK: tosa.minimum
// CHECK: tosa.greater %[[ZEROS]]
// CHECK: tosa.select
// CHECK: tosa.cast {{.*}} -> tensor<2x1xi8>
// CHECK: tosa.reshape {{.*}} -> tensor<2xi8>
func.func @prod(%x: tensor<2x3x!quant.uniform<i8:f32, 0.02:7>>) -> tensor<2x!quant.uniform<i8:f32, 0.05:-10>> {
  %0 = qnn.reduce prod %x {axes = array<i64: 1>, keep_dims = false} : (tensor<2x3x!quant.uniform<i8:f32, 0.02:7>>) -> tensor<2x!quant.uniform<i8:f32, 0.05:-10>>
  return %0 : tensor<2x!quant.uniform<i8:f32, 0.05:-10>>
}

// -----
// Quantized div: one logarithm table per operand (65,536 entries for the
// 16-bit lhs, 256 for the 8-bit rhs, broadcast), their difference, the
// signs' xor; x / 0 and 0 / y are selected last.
// CHECK-LABEL: func @div
// CHECK: tosa.gather %{{.*}} : (tensor<1x65536x1xi32>, tensor<1x6xi32>)
// CHECK: tosa.gather %{{.*}} : (tensor<1x256x1xi32>, tensor<1x3xi32>)
// CHECK: tosa.sub {{.*}} : (tensor<2x3xi32>, tensor<1x3xi32>) -> tensor<2x3xi32>
// CHECK: tosa.logical_xor
// CHECK: tosa.gather %{{.*}} : (tensor<1x4096x1xi32>, tensor<1x6xi32>)
// CHECK: tosa.select
// CHECK: tosa.cast {{.*}} -> tensor<2x3xi8>
func.func @div(%a: tensor<2x3x!quant.uniform<i16:f32, 0.001:5>>, %b: tensor<3x!quant.uniform<i8:f32, 0.25>>) -> tensor<2x3x!quant.uniform<i8:f32, 0.05:-10>> {
  %0 = qnn.div %a, %b : (tensor<2x3x!quant.uniform<i16:f32, 0.001:5>>, tensor<3x!quant.uniform<i8:f32, 0.25>>) -> tensor<2x3x!quant.uniform<i8:f32, 0.05:-10>>
  return %0 : tensor<2x3x!quant.uniform<i8:f32, 0.05:-10>>
}

// -----
// Quantized pow: the exponent's fixed-point value and kind (tables over the
// rhs), the base's logarithm, their product as one i32 tosa.mul with a
// rounding shift r = E + 16 - F (max|b| = 32 gives E = 25; F = 16), clamped
// to +-(|outLog| + 2^21) before the exponential.
// CHECK-LABEL: func @pow
// CHECK: tosa.gather %{{.*}} : (tensor<1x256x1xi32>, tensor<1x3xi32>)
// CHECK: tosa.gather %{{.*}} : (tensor<1x256x1xi32>, tensor<1x3xi32>)
// CHECK: %[[LA:.*]] = tosa.gather %{{.*}} : (tensor<1x65536x1xi32>, tensor<1x6xi32>)
// CHECK: %[[SH:.*]] = "tosa.const"() <{values = dense<25> : tensor<1xi8>}>
// CHECK: tosa.mul %{{.*}}, %{{.*}}, %[[SH]] : {{.*}} -> tensor<2x3xi32>
// CHECK: dense<-2380394>
// CHECK: tosa.maximum
// CHECK: dense<2380394>
// CHECK: tosa.minimum
// CHECK: tosa.logical_and
// CHECK: tosa.gather %{{.*}} : (tensor<1x4096x1xi32>, tensor<1x6xi32>)
// CHECK: tosa.cast {{.*}} -> tensor<2x3xi8>
func.func @pow(%a: tensor<2x3x!quant.uniform<i16:f32, 0.001:5>>, %b: tensor<3x!quant.uniform<i8:f32, 0.25>>) -> tensor<2x3x!quant.uniform<i8:f32, 0.05:-10>> {
  %0 = qnn.pow %a, %b : (tensor<2x3x!quant.uniform<i16:f32, 0.001:5>>, tensor<3x!quant.uniform<i8:f32, 0.25>>) -> tensor<2x3x!quant.uniform<i8:f32, 0.05:-10>>
  return %0 : tensor<2x3x!quant.uniform<i8:f32, 0.05:-10>>
}
