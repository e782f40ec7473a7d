// RUN: qopt %s --pass-pipeline="builtin.module(func.func(convert-qnn-to-tosa))" --split-input-file | FileCheck %s

// Quantized function arguments and results become their storage type; the
// qnn.name attributes stay.
// CHECK-LABEL: func @signature
// CHECK-SAME: (%[[X:.*]]: tensor<4xi8> {qnn.name = "x"}) -> (tensor<4xi8> {qnn.name = "y"})
// CHECK-NEXT: return %[[X]] : tensor<4xi8>
func.func @signature(%x: tensor<4x!quant.uniform<i8:f32, 0.5>> {qnn.name = "x"}) -> (tensor<4x!quant.uniform<i8:f32, 0.5>> {qnn.name = "y"}) {
  return %x : tensor<4x!quant.uniform<i8:f32, 0.5>>
}

// -----

// Quantize: x * float(1/scale), NaN to 0, clamp to [qmin - zp, qmax - zp]
// in float, round half to even (tosa.cast), add the zero point.
// CHECK-LABEL: func @quantize
// CHECK-SAME: (%[[X:.*]]: tensor<4x8xf32>) -> tensor<4x8xi8>
// CHECK: %[[INV:.*]] = "tosa.const"() <{values = dense<2.000000e+00> : tensor<1x1xf32>}>
// CHECK: %[[Y:.*]] = tosa.mul %[[X]], %[[INV]]
// CHECK: %[[OK:.*]] = tosa.equal %[[Y]], %[[Y]]
// CHECK: %[[S:.*]] = tosa.select %[[OK]], %[[Y]],
// CHECK: %[[C:.*]] = tosa.clamp %[[S]] {max_val = 1.300000e+02 : f32, min_val = -1.250000e+02 : f32}
// CHECK: %[[I:.*]] = tosa.cast %[[C]] : (tensor<4x8xf32>) -> tensor<4x8xi32>
// CHECK: %[[Z:.*]] = tosa.add %[[I]], %{{.*}} : (tensor<4x8xi32>, tensor<1x1xi32>)
// CHECK: tosa.cast %[[Z]] : (tensor<4x8xi32>) -> tensor<4x8xi8>
func.func @quantize(%x: tensor<4x8xf32>) -> tensor<4x8x!quant.uniform<i8:f32, 0.5:-3>> {
  %0 = qnn.quantize %x : (tensor<4x8xf32>) -> tensor<4x8x!quant.uniform<i8:f32, 0.5:-3>>
  return %0 : tensor<4x8x!quant.uniform<i8:f32, 0.5:-3>>
}

// -----

// Per-axis quantize: per-channel constants along the quantized dimension.
// CHECK-LABEL: func @quantize_per_axis
// CHECK: "tosa.const"() <{values = dense<{{\[\[}}1.000000e+01], [1.000000e+02]]> : tensor<2x1xf32>}>
// CHECK: tosa.maximum
// CHECK: tosa.minimum
// CHECK: "tosa.const"() <{values = dense<{{\[\[}}0], [2]]> : tensor<2x1xi32>}>
func.func @quantize_per_axis(%x: tensor<2x4xf32>) -> tensor<2x4x!quant.uniform<i8:f32:0, {0.1, 0.01:2}>> {
  %0 = qnn.quantize %x : (tensor<2x4xf32>) -> tensor<2x4x!quant.uniform<i8:f32:0, {0.1, 0.01:2}>>
  return %0 : tensor<2x4x!quant.uniform<i8:f32:0, {0.1, 0.01:2}>>
}

// -----

// Quantize of a constant is evaluated at compile time (qmath::quantize):
// -1.0 / 0.1 = -10, 0.05 / 0.1 = 0.5 rounds to even 0, 0.15 / 0.1 = 1.5
// rounds to 2, 20.0 / 0.1 saturates to 127.
// CHECK-LABEL: func @quantize_const
// CHECK: %[[C:.*]] = "tosa.const"() <{values = dense<[-10, 0, 2, 127]> : tensor<4xi8>}>
// CHECK: return %[[C]]
func.func @quantize_const() -> tensor<4x!quant.uniform<i8:f32, 0.1>> {
  %c = arith.constant dense<[-1.0, 0.05, 0.15, 20.0]> : tensor<4xf32>
  %0 = qnn.quantize %c : (tensor<4xf32>) -> tensor<4x!quant.uniform<i8:f32, 0.1>>
  return %0 : tensor<4x!quant.uniform<i8:f32, 0.1>>
}

// -----

// Dequantize: float(q - zp) * float(scale), per channel along axis 1.
// CHECK-LABEL: func @dequantize_per_axis
// CHECK: %[[I:.*]] = tosa.cast %{{.*}} : (tensor<2x3xi8>) -> tensor<2x3xi32>
// CHECK: %[[ZP:.*]] = "tosa.const"() <{values = dense<{{\[\[}}1, 0, -5]]> : tensor<1x3xi32>}>
// CHECK: %[[C:.*]] = tosa.sub %[[I]], %[[ZP]]
// CHECK: %[[F:.*]] = tosa.cast %[[C]] : (tensor<2x3xi32>) -> tensor<2x3xf32>
// CHECK: %[[S:.*]] = "tosa.const"() <{values = dense<{{\[\[}}1.000000e-01, 2.000000e-02, 3.000000e-01]]> : tensor<1x3xf32>}>
// CHECK: tosa.mul %[[F]], %[[S]]
func.func @dequantize_per_axis(%a: tensor<2x3x!quant.uniform<i8:f32:1, {0.1:1, 0.02, 0.3:-5}>>) -> tensor<2x3xf32> {
  %0 = qnn.dequantize %a : (tensor<2x3x!quant.uniform<i8:f32:1, {0.1:1, 0.02, 0.3:-5}>>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// Requantize i8 -> i8 is one tosa.rescale with both zero points; computeRescale(2.0)
// is 2^30 * 2^-29.
// CHECK-LABEL: func @requantize
// CHECK-SAME: (%[[X:.*]]: tensor<1x4xi8>)
// CHECK-DAG: %[[M:.*]] = "tosa.const"() <{values = dense<1073741824> : tensor<1xi32>}>
// CHECK-DAG: %[[S:.*]] = "tosa.const"() <{values = dense<29> : tensor<1xi8>}>
// CHECK-DAG: %[[IZ:.*]] = "tosa.const"() <{values = dense<-3> : tensor<1xi8>}>
// CHECK-DAG: %[[OZ:.*]] = "tosa.const"() <{values = dense<1> : tensor<1xi8>}>
// CHECK: %[[R:.*]] = tosa.rescale %[[X]], %[[M]], %[[S]], %[[IZ]], %[[OZ]] {input_unsigned = false, output_unsigned = false, per_channel = false, rounding_mode = SINGLE_ROUND, scale32 = true}
// CHECK: return %[[R]]
func.func @requantize(%x: tensor<1x4x!quant.uniform<i8:f32, 0.5:-3>>) -> tensor<1x4x!quant.uniform<i8:f32, 0.25:1>> {
  %0 = qnn.requantize %x : (tensor<1x4x!quant.uniform<i8:f32, 0.5:-3>>) -> tensor<1x4x!quant.uniform<i8:f32, 0.25:1>>
  return %0 : tensor<1x4x!quant.uniform<i8:f32, 0.25:1>>
}

// -----

// Requantize to i16 with a zero point: TOSA only takes i8 output zero points,
// so rescale to i32, clamp to [qmin - zp, qmax - zp], add zp, cast.
// CHECK-LABEL: func @requantize_i16
// CHECK: %[[R:.*]] = tosa.rescale {{.*}} -> tensor<4xi32>
// CHECK: %[[C:.*]] = tosa.clamp %[[R]] {max_val = 33767 : i32, min_val = -31768 : i32}
// CHECK: %[[A:.*]] = tosa.add %[[C]], %{{.*}}
// CHECK: tosa.cast %[[A]] : (tensor<4xi32>) -> tensor<4xi16>
func.func @requantize_i16(%x: tensor<4x!quant.uniform<i8:f32, 0.5:-3>>) -> tensor<4x!quant.uniform<i16:f32, 0.001:-1000>> {
  %0 = qnn.requantize %x : (tensor<4x!quant.uniform<i8:f32, 0.5:-3>>) -> tensor<4x!quant.uniform<i16:f32, 0.001:-1000>>
  return %0 : tensor<4x!quant.uniform<i16:f32, 0.001:-1000>>
}

// -----

// Per-axis requantize along a non-last axis: tosa.rescale's per-channel
// multipliers apply to the last dimension, so transpose around it.
// CHECK-LABEL: func @requantize_per_axis
// CHECK: %[[T:.*]] = tosa.transpose %{{.*}} {perms = array<i32: 1, 0>} : (tensor<3x5xi8>) -> tensor<5x3xi8>
// CHECK: %[[R:.*]] = tosa.rescale %[[T]], {{.*}} per_channel = true{{.*}} -> tensor<5x3xi8>
// CHECK: tosa.transpose %[[R]] {perms = array<i32: 1, 0>} : (tensor<5x3xi8>) -> tensor<3x5xi8>
func.func @requantize_per_axis(%x: tensor<3x5x!quant.uniform<i8:f32:0, {0.1:4, 0.3:4, 0.05:4}>>) -> tensor<3x5x!quant.uniform<i8:f32, 0.2:6>> {
  %0 = qnn.requantize %x : (tensor<3x5x!quant.uniform<i8:f32:0, {0.1:4, 0.3:4, 0.05:4}>>) -> tensor<3x5x!quant.uniform<i8:f32, 0.2:6>>
  return %0 : tensor<3x5x!quant.uniform<i8:f32, 0.2:6>>
}

// -----

// A scale ratio so large that tosa.rescale's 32-bit result could overflow:
// the exact 64-bit form (multiply, add the rounding bit, shift, saturate).
// CHECK-LABEL: func @requantize_wide
// CHECK: tosa.cast %{{.*}} : (tensor<4xi8>) -> tensor<4xi64>
// CHECK: tosa.mul
// CHECK: tosa.add
// CHECK: tosa.arithmetic_right_shift {{.*}} {round = false}
// CHECK: tosa.clamp {{.*}} {max_val = 2147483647 : i64, min_val = -2147483648 : i64}
// CHECK: tosa.clamp {{.*}} {max_val = 127 : i64, min_val = -128 : i64}
// CHECK: tosa.cast {{.*}} -> tensor<4xi8>
func.func @requantize_wide(%x: tensor<4x!quant.uniform<i8:f32, 0.5>>) -> tensor<4x!quant.uniform<i8:f32, 1.0e-8>> {
  %0 = qnn.requantize %x : (tensor<4x!quant.uniform<i8:f32, 0.5>>) -> tensor<4x!quant.uniform<i8:f32, 1.0e-8>>
  return %0 : tensor<4x!quant.uniform<i8:f32, 1.0e-8>>
}

// -----

// observe is an identity; quant.scast only retypes storage values.
// CHECK-LABEL: func @identities
// CHECK-SAME: (%[[X:.*]]: tensor<4xf32>, %[[Y:.*]]: tensor<4xi8>)
// CHECK-NEXT: return %[[X]], %[[Y]] : tensor<4xf32>, tensor<4xi8>
func.func @identities(%x: tensor<4xf32>, %y: tensor<4xi8>) -> (tensor<4xf32>, tensor<4x!quant.uniform<i8:f32, 0.1>>) {
  %0 = qnn.observe %x {name = "x"} : tensor<4xf32>
  %1 = quant.scast %y : tensor<4xi8> to tensor<4x!quant.uniform<i8:f32, 0.1>>
  return %0, %1 : tensor<4xf32>, tensor<4x!quant.uniform<i8:f32, 0.1>>
}

// -----

// uint8 <-> int8 with the same scale and zero points 128 apart is the same
// bits with the top one flipped.
// CHECK-LABEL: func @signedness_flip
// CHECK-SAME: (%[[X:.*]]: tensor<4xi8>)
// CHECK: %[[M:.*]] = "tosa.const"() <{values = dense<-128> : tensor<1xi8>}>
// CHECK: tosa.bitwise_xor %[[X]], %[[M]] : (tensor<4xi8>, tensor<1xi8>) -> tensor<4xi8>
func.func @signedness_flip(%x: tensor<4x!quant.uniform<u8:f32, 0.5:130>>) -> tensor<4x!quant.uniform<i8:f32, 0.5:2>> {
  %0 = qnn.requantize %x : (tensor<4x!quant.uniform<u8:f32, 0.5:130>>) -> tensor<4x!quant.uniform<i8:f32, 0.5:2>>
  return %0 : tensor<4x!quant.uniform<i8:f32, 0.5:2>>
}
