// RUN: qopt %s --pass-pipeline="builtin.module(func.func(convert-qnn-to-tosa))" --split-input-file | FileCheck %s

// Float relu and clip are clamps.
// CHECK-LABEL: func @act_float
// CHECK: tosa.clamp %{{.*}} {max_val = 0x7F800000 : f32, min_val = 0.000000e+00 : f32}
// CHECK: tosa.clamp %{{.*}} {max_val = 6.000000e+00 : f32, min_val = 0.000000e+00 : f32}
func.func @act_float(%x: tensor<3x7xf32>) -> (tensor<3x7xf32>, tensor<3x7xf32>) {
  %0 = qnn.relu %x : tensor<3x7xf32>
  %1 = qnn.clip %x {min = 0.0 : f32, max = 6.0 : f32} : tensor<3x7xf32>
  return %0, %1 : tensor<3x7xf32>, tensor<3x7xf32>
}

// -----

// Quantized relu clamps the storage at the zero point; clip at the bounds
// quantized with qmath::quantize (-1.0 / 0.05 - 30 = -50, 2.5 / 0.05 - 30 = 20).
// CHECK-LABEL: func @act_quant
// CHECK-SAME: (%[[X:.*]]: tensor<4x3xi8>)
// CHECK: tosa.clamp %[[X]] {max_val = 127 : i8, min_val = -30 : i8}
// CHECK: tosa.clamp %[[X]] {max_val = 20 : i8, min_val = -50 : i8}
func.func @act_quant(%x: tensor<4x3x!quant.uniform<i8:f32, 0.05:-30>>) -> (tensor<4x3x!quant.uniform<i8:f32, 0.05:-30>>, tensor<4x3x!quant.uniform<i8:f32, 0.05:-30>>) {
  %0 = qnn.relu %x : tensor<4x3x!quant.uniform<i8:f32, 0.05:-30>>
  %1 = qnn.clip %x {min = -1.0 : f32, max = 2.5 : f32} : tensor<4x3x!quant.uniform<i8:f32, 0.05:-30>>
  return %0, %1 : tensor<4x3x!quant.uniform<i8:f32, 0.05:-30>>, tensor<4x3x!quant.uniform<i8:f32, 0.05:-30>>
}

// -----

// Per-axis relu: one bound per channel with tosa.maximum/minimum.
// CHECK-LABEL: func @relu_per_axis
// CHECK: %[[LO:.*]] = "tosa.const"() <{values = dense<{{\[\[}}-5, 0, 7]]> : tensor<1x3xi8>}>
// CHECK: tosa.maximum %{{.*}}, %[[LO]]
// CHECK: tosa.minimum
func.func @relu_per_axis(%x: tensor<4x3x!quant.uniform<i8:f32:1, {0.1:-5, 0.2, 0.3:7}>>) -> tensor<4x3x!quant.uniform<i8:f32:1, {0.1:-5, 0.2, 0.3:7}>> {
  %0 = qnn.relu %x : tensor<4x3x!quant.uniform<i8:f32:1, {0.1:-5, 0.2, 0.3:7}>>
  return %0 : tensor<4x3x!quant.uniform<i8:f32:1, {0.1:-5, 0.2, 0.3:7}>>
}

// -----

// Float add broadcasts after reshaping the lower-rank operand.
// CHECK-LABEL: func @add_float
// CHECK: %[[R:.*]] = tosa.reshape %{{.*}} -> tensor<1x1x4xf32>
// CHECK: tosa.add %{{.*}}, %[[R]] : (tensor<2x3x4xf32>, tensor<1x1x4xf32>) -> tensor<2x3x4xf32>
func.func @add_float(%x: tensor<2x3x4xf32>, %y: tensor<4xf32>) -> tensor<2x3x4xf32> {
  %0 = qnn.add %x, %y : (tensor<2x3x4xf32>, tensor<4xf32>) -> tensor<2x3x4xf32>
  return %0 : tensor<2x3x4xf32>
}

// -----

// Quantized add: both inputs rescaled to i32 at scale max(sa, sb) / 2^20
// (computeRescale(0.03 / 0.07 * 2^20) and (2^20)), added, and rescaled by
// 0.07 / 2^20 / 0.08 to the output.
// CHECK-LABEL: func @add_quant
// CHECK: %[[A:.*]] = tosa.rescale %{{.*}} : (tensor<2x5x3xi8>, {{.*}}) -> tensor<2x5x3xi32>
// CHECK: %[[B:.*]] = tosa.rescale %{{.*}} : (tensor<1x5x1xi8>, {{.*}}) -> tensor<1x5x1xi32>
// CHECK: %[[S:.*]] = tosa.add %[[A]], %[[B]] : (tensor<2x5x3xi32>, tensor<1x5x1xi32>) -> tensor<2x5x3xi32>
// CHECK-DAG: %[[M:.*]] = "tosa.const"() <{values = dense<1879048192> : tensor<1xi32>}>
// CHECK-DAG: %[[SH:.*]] = "tosa.const"() <{values = dense<51> : tensor<1xi8>}>
// CHECK: tosa.rescale %[[S]], %[[M]], %[[SH]], {{.*}} -> tensor<2x5x3xi8>
func.func @add_quant(%a: tensor<2x5x3x!quant.uniform<i8:f32, 0.03:10>>, %b: tensor<5x1x!quant.uniform<i8:f32, 0.07:-4>>) -> tensor<2x5x3x!quant.uniform<i8:f32, 0.08:2>> {
  %0 = qnn.add %a, %b : (tensor<2x5x3x!quant.uniform<i8:f32, 0.03:10>>, tensor<5x1x!quant.uniform<i8:f32, 0.07:-4>>) -> tensor<2x5x3x!quant.uniform<i8:f32, 0.08:2>>
  return %0 : tensor<2x5x3x!quant.uniform<i8:f32, 0.08:2>>
}

// -----

// Quantized mul: (qa - za) * (qb - zb) in i32, rescaled by sa * sb / so.
// CHECK-LABEL: func @mul_quant
// CHECK: %[[A:.*]] = tosa.sub {{.*}} -> tensor<2x5x3xi32>
// CHECK: %[[B:.*]] = tosa.sub {{.*}} -> tensor<1x5x1xi32>
// CHECK: %[[P:.*]] = tosa.mul %[[A]], %[[B]], %{{.*}} : {{.*}} -> tensor<2x5x3xi32>
// CHECK: tosa.rescale %[[P]], {{.*}} -> tensor<2x5x3xi8>
func.func @mul_quant(%a: tensor<2x5x3x!quant.uniform<i8:f32, 0.03:10>>, %b: tensor<5x1x!quant.uniform<i8:f32, 0.07:-4>>) -> tensor<2x5x3x!quant.uniform<i8:f32, 0.2:-3>> {
  %0 = qnn.mul %a, %b : (tensor<2x5x3x!quant.uniform<i8:f32, 0.03:10>>, tensor<5x1x!quant.uniform<i8:f32, 0.07:-4>>) -> tensor<2x5x3x!quant.uniform<i8:f32, 0.2:-3>>
  return %0 : tensor<2x5x3x!quant.uniform<i8:f32, 0.2:-3>>
}

// -----

// 16-bit mul whose centered product can exceed 32 bits: 64-bit product,
// saturated to 32 bits before the rescale.
// CHECK-LABEL: func @mul_quant_wide
// CHECK: tosa.mul {{.*}} -> tensor<8xi64>
// CHECK: tosa.clamp {{.*}} {max_val = 2147483647 : i64, min_val = -2147483648 : i64}
// CHECK: tosa.cast {{.*}} -> tensor<8xi32>
// CHECK: tosa.rescale
func.func @mul_quant_wide(%a: tensor<8x!quant.uniform<i16:f32, 0.001:-20000>>, %b: tensor<8x!quant.uniform<i16:f32, 0.001:20000>>) -> tensor<8x!quant.uniform<i16:f32, 0.05>> {
  %0 = qnn.mul %a, %b : (tensor<8x!quant.uniform<i16:f32, 0.001:-20000>>, tensor<8x!quant.uniform<i16:f32, 0.001:20000>>) -> tensor<8x!quant.uniform<i16:f32, 0.05>>
  return %0 : tensor<8x!quant.uniform<i16:f32, 0.05>>
}

// -----

// Softmax: exp(x - max) * reciprocal(sum).
// CHECK-LABEL: func @softmax
// CHECK: %[[MAX:.*]] = tosa.reduce_max %[[X:.*]] {axis = 1 : i32} : (tensor<3x10xf32>) -> tensor<3x1xf32>
// CHECK: %[[SUB:.*]] = tosa.sub %[[X]], %[[MAX]]
// CHECK: %[[EXP:.*]] = tosa.exp %[[SUB]]
// CHECK: %[[SUM:.*]] = tosa.reduce_sum %[[EXP]] {axis = 1 : i32}
// CHECK: %[[INV:.*]] = tosa.reciprocal %[[SUM]]
// CHECK: tosa.mul %[[EXP]], %[[INV]]
func.func @softmax(%x: tensor<3x10xf32>) -> tensor<3x10xf32> {
  %0 = qnn.softmax %x : (tensor<3x10xf32>) -> tensor<3x10xf32>
  return %0 : tensor<3x10xf32>
}

// -----
// An i8 -> i8 table becomes tosa.table over all 256 storage values (the
// entries outside the input's narrow range repeat the nearest one).
// CHECK-LABEL: func @table8
// CHECK: %[[T:.*]] = "tosa.const"() <{values = dense<"0xF8F8{{(F8)*}}000707{{(07)*}}"> : tensor<256xi8>}>
// CHECK: tosa.table %{{.*}}, %[[T]] : (tensor<2xi8>, tensor<256xi8>) -> tensor<2xi8>
func.func @table8(%q: tensor<2x!quant.uniform<i8<-2:1>:f32, 0.5>>) -> tensor<2x!quant.uniform<i8<-8:7>:f32, 0.25:-8>> {
  %0 = qnn.table %q {table = array<i32: -8, 0, 7, 7>} : (tensor<2x!quant.uniform<i8<-2:1>:f32, 0.5>>) -> tensor<2x!quant.uniform<i8<-8:7>:f32, 0.25:-8>>
  return %0 : tensor<2x!quant.uniform<i8<-8:7>:f32, 0.25:-8>>
}

// -----
// Quantized softmax: max, table index, gathered exponentials, sum, division.
// CHECK-LABEL: func @softmax_quant
// CHECK: tosa.reduce_max {{.*}} : (tensor<2x4xi32>) -> tensor<2x1xi32>
// CHECK: tosa.gather
// CHECK: tosa.reduce_sum {{.*}} : (tensor<2x4xi32>) -> tensor<2x1xi32>
// CHECK: tosa.intdiv
func.func @softmax_quant(%x: tensor<2x4x!quant.uniform<i8:f32, 0.1>>) -> tensor<2x4x!quant.uniform<i8:f32, 0.00390625:-128>> {
  %0 = qnn.softmax %x : (tensor<2x4x!quant.uniform<i8:f32, 0.1>>) -> tensor<2x4x!quant.uniform<i8:f32, 0.00390625:-128>>
  return %0 : tensor<2x4x!quant.uniform<i8:f32, 0.00390625:-128>>
}
