// RUN: qopt %s --split-input-file --convert-qnn-to-npu=target=%qmlir_src/targets/int8.json | FileCheck %s
// RUN: qopt %s --split-input-file --pass-pipeline="builtin.module(convert-qnn-to-npu{target=%qmlir_src/targets/int8.json})" | FileCheck %s

!qx = !quant.uniform<i8:f32, 0.5:-3>
!qy = !quant.uniform<i8:f32, 0.25:-128>
!qw = !quant.uniform<i8<-127:127>:f32:0, {0.01, 0.02}>
!qb = !quant.uniform<i32:f32:0, {0.005, 0.01}>

// A chain the int8 target runs: the ops talk to each other directly; one
// transfer in, one out. Multiplier/shift per channel: 0.5 * 0.01 / 0.25 =
// 0.02 and 0.04 (qmath::computeRescale); relu clamps to [zp, qmax].
// CHECK-LABEL: func @chain
// CHECK: %[[T:.*]] = npu.transfer %arg0 : tensor<1x4x4x1x!quant.uniform<i8:f32, 5.000000e-01:-3>> -> tensor<1x4x4x1xi8>
// CHECK: %[[C:.*]] = npu.conv2d %[[T]], %{{.*}}, %{{.*}} {acc_bits = 32 : i64, {{.*}}input_bits = 8 : i64, input_zp = -3 : i64, multiplier = array<i32: 1374389535, 1374389535>, output_bits = 8 : i64, output_zp = -128 : i64, {{.*}}qmax = 127 : i64, qmin = -128 : i64, shift = array<i32: 36, 35>, {{.*}}weight_bits = 8 : i64}
// CHECK-SAME: (tensor<1x4x4x1xi8>, tensor<2x3x3x1xi8>, tensor<2xi32>) -> tensor<1x4x4x2xi8>
// CHECK: %[[R:.*]] = npu.clamp %[[C]] {bits = 8 : i64, max = 127 : i64, min = -128 : i64}
// CHECK: %[[P:.*]] = npu.max_pool2d %[[R]] {bits = 8 : i64, kernel = array<i64: 2, 2>, padding = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>}
// CHECK: %[[F:.*]] = npu.reshape %[[P]] : (tensor<1x2x2x2xi8>) -> tensor<1x8xi8>
// CHECK: %[[B:.*]] = npu.transfer %[[F]] : tensor<1x8xi8> -> tensor<1x8x!quant.uniform<i8:f32, 2.500000e-01:-128>>
// CHECK: return %[[B]]
// CHECK-NOT: qnn.
func.func @chain(%x: tensor<1x4x4x1x!qx>) -> tensor<1x8x!qy> {
  %wi = arith.constant dense<1> : tensor<2x3x3x1xi8>
  %w = quant.scast %wi : tensor<2x3x3x1xi8> to tensor<2x3x3x1x!qw>
  %bi = arith.constant dense<[10, -20]> : tensor<2xi32>
  %b = quant.scast %bi : tensor<2xi32> to tensor<2x!qb>
  %c = qnn.conv2d %x, %w, %b {padding = array<i64: 1, 1, 1, 1>} : (tensor<1x4x4x1x!qx>, tensor<2x3x3x1x!qw>, tensor<2x!qb>) -> tensor<1x4x4x2x!qy>
  %r = qnn.relu %c : tensor<1x4x4x2x!qy>
  %p = qnn.max_pool2d %r {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (tensor<1x4x4x2x!qy>) -> tensor<1x2x2x2x!qy>
  %f = qnn.reshape %p : (tensor<1x2x2x2x!qy>) -> tensor<1x8x!qy>
  return %f : tensor<1x8x!qy>
}

// -----

!qa = !quant.uniform<i8:f32, 0.5:-3>
!qs = !quant.uniform<i8:f32, 1.0:-2>

// An op the converter does not lower (mul) stays on the CPU; the tensors
// around it cross both ways.
// CHECK-LABEL: func @cpu_between
// CHECK: %[[T:.*]] = npu.transfer %arg0 : {{.*}} -> tensor<1x4xi8>
// CHECK: %[[R:.*]] = npu.clamp %[[T]] {bits = 8 : i64, max = 127 : i64, min = -3 : i64} : tensor<1x4xi8>
// CHECK: %[[H:.*]] = npu.transfer %[[R]] : tensor<1x4xi8> -> tensor<1x4x!quant.uniform<i8:f32, 5.000000e-01:-3>>
// CHECK: %[[A:.*]] = qnn.mul %[[H]], %[[H]]
// CHECK: %[[T2:.*]] = npu.transfer %[[A]] : {{.*}} -> tensor<1x4xi8>
// CHECK: npu.clamp %[[T2]] {bits = 8 : i64, max = 127 : i64, min = -2 : i64}
func.func @cpu_between(%x: tensor<1x4x!qa>) -> tensor<1x4x!qs> {
  %r = qnn.relu %x : tensor<1x4x!qa>
  %a = qnn.mul %r, %r : (tensor<1x4x!qa>, tensor<1x4x!qa>) -> tensor<1x4x!qs>
  %r2 = qnn.relu %a : tensor<1x4x!qs>
  return %r2 : tensor<1x4x!qs>
}

// -----

!qa = !quant.uniform<i8:f32, 0.5:-3>
!qb = !quant.uniform<i8:f32, 0.25:4>
!qs = !quant.uniform<i8:f32, 1.0:-2>

// A residual add of two inputs of different scales: the CPU lowering's
// rescales (qmath::computeAddRescale): shift 20, both inputs to scale
// 0.5 / 2^20 (multipliers 2^30 and 2^29 with shift 10, i.e. 2^20 and
// 2^19), the sum to 1.0 (2^-20 * 0.5: multiplier 2^30, shift 51).
// CHECK-LABEL: func @residual_add
// CHECK: npu.add %{{.*}}, %{{.*}} {input_bits = 8 : i64, input_multiplier = array<i32: 1073741824, 1073741824>, input_shift = array<i32: 10, 11>, lhs_zp = -3 : i64, multiplier = array<i32: 1073741824>, output_bits = 8 : i64, output_zp = -2 : i64, qmax = 127 : i64, qmin = -128 : i64, rhs_zp = 4 : i64, shift = array<i32: 51>} : (tensor<1x4x4x8xi8>, tensor<1x4x4x8xi8>) -> tensor<1x4x4x8xi8>
// CHECK-NOT: qnn.add
func.func @residual_add(%x: tensor<1x4x4x8x!qa>, %y: tensor<1x4x4x8x!qb>) -> tensor<1x4x4x8x!qs> {
  %a = qnn.add %x, %y : (tensor<1x4x4x8x!qa>, tensor<1x4x4x8x!qb>) -> tensor<1x4x4x8x!qs>
  return %a : tensor<1x4x4x8x!qs>
}

// -----

!qa = !quant.uniform<i8:f32, 0.5:-3>
!qb = !quant.uniform<i8:f32, 0.25:4>

// A concat of an input of the output's type and one of another scale: the
// second is rescaled first (0.25 / 0.5), as the CPU lowering requantizes it.
// CHECK-LABEL: func @concat
// CHECK: %[[B:.*]] = npu.rescale %{{.*}} {input_bits = 8 : i64, input_zp = 4 : i64, multiplier = array<i32: 1073741824>, output_bits = 8 : i64, output_zp = -3 : i64, qmax = 127 : i64, qmin = -128 : i64, shift = array<i32: 31>} : (tensor<1x2x2x3xi8>) -> tensor<1x2x2x3xi8>
// CHECK: npu.concat %{{.*}}, %[[B]] {axis = 3 : i64, bits = 8 : i64} : (tensor<1x2x2x5xi8>, tensor<1x2x2x3xi8>) -> tensor<1x2x2x8xi8>
func.func @concat(%x: tensor<1x2x2x5x!qa>, %y: tensor<1x2x2x3x!qb>) -> tensor<1x2x2x8x!qa> {
  %c = qnn.concat %x, %y {axis = 3 : i64} : (tensor<1x2x2x5x!qa>, tensor<1x2x2x3x!qb>) -> tensor<1x2x2x8x!qa>
  return %c : tensor<1x2x2x8x!qa>
}

// -----

!q8 = !quant.uniform<i8:f32, 0.5:-3>
!q4 = !quant.uniform<i8<-8:7>:f32, 0.5:-3>

// A 4-bit tensor is not an activation width the int8 target allows: the
// relu stays on the CPU. Float ops always do.
// CHECK-LABEL: func @not_allowed
// CHECK-NOT: npu.
// CHECK: qnn.relu %arg0
// CHECK: qnn.relu %arg1
func.func @not_allowed(%x: tensor<4x!q4>, %y: tensor<4xf32>) -> (tensor<4x!q4>, tensor<4xf32>) {
  %r = qnn.relu %x : tensor<4x!q4>
  %f = qnn.relu %y : tensor<4xf32>
  return %r, %f : tensor<4x!q4>, tensor<4xf32>
}

// -----

!qi = !quant.uniform<i8:f32, 0.5:-3>
!qo = !quant.uniform<i8:f32, 0.125:5>

// qnn.requantize becomes npu.rescale (0.5 / 0.125 = 4 = 2^30 * 2^-28).
// CHECK-LABEL: func @requantize
// CHECK: npu.rescale %{{.*}} {input_bits = 8 : i64, input_zp = -3 : i64, multiplier = array<i32: 1073741824>, output_bits = 8 : i64, output_zp = 5 : i64, qmax = 127 : i64, qmin = -128 : i64, shift = array<i32: 28>}
func.func @requantize(%x: tensor<4x!qi>) -> tensor<4x!qo> {
  %r = qnn.requantize %x : (tensor<4x!qi>) -> tensor<4x!qo>
  return %r : tensor<4x!qo>
}

// -----

!qp = !quant.uniform<i8:f32, 0.5:-3>

// Average pooling without padding and global average pooling become
// npu.avg_pool2d (TOSA's division); a padded one stays on the CPU;
// transposes move storage values.
// CHECK-LABEL: func @pools
// CHECK: npu.avg_pool2d %{{.*}} {bits = 8 : i64, input_zp = -3 : i64, kernel = array<i64: 2, 2>, output_zp = -3 : i64, qmax = 127 : i64, qmin = -128 : i64, strides = array<i64: 2, 2>} : (tensor<1x4x4x2xi8>) -> tensor<1x2x2x2xi8>
// CHECK: npu.avg_pool2d %{{.*}} {{{.*}}kernel = array<i64: 4, 4>{{.*}}strides = array<i64: 1, 1>} : (tensor<1x4x4x2xi8>) -> tensor<1x1x1x2xi8>
// CHECK: npu.transpose %{{.*}} {permutation = array<i64: 0, 3, 1, 2>} : (tensor<1x4x4x2xi8>) -> tensor<1x2x4x4xi8>
// CHECK: qnn.avg_pool2d {{.*}}padding = array<i64: 1, 1, 1, 1>
func.func @pools(%x: tensor<1x4x4x2x!qp>) -> (tensor<1x2x2x2x!qp>, tensor<1x1x1x2x!qp>, tensor<1x2x4x4x!qp>, tensor<1x3x3x2x!qp>) {
  %a = qnn.avg_pool2d %x {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (tensor<1x4x4x2x!qp>) -> tensor<1x2x2x2x!qp>
  %g = qnn.global_avg_pool %x : (tensor<1x4x4x2x!qp>) -> tensor<1x1x1x2x!qp>
  %t = qnn.transpose %x {permutation = array<i64: 0, 3, 1, 2>} : (tensor<1x4x4x2x!qp>) -> tensor<1x2x4x4x!qp>
  %p = qnn.avg_pool2d %x {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>, padding = array<i64: 1, 1, 1, 1>} : (tensor<1x4x4x2x!qp>) -> tensor<1x3x3x2x!qp>
  return %a, %g, %t, %p : tensor<1x2x2x2x!qp>, tensor<1x1x1x2x!qp>, tensor<1x2x4x4x!qp>, tensor<1x3x3x2x!qp>
}
