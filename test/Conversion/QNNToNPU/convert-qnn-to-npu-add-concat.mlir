// RUN: qopt %s --split-input-file --convert-qnn-to-npu=target=%S/Inputs/add-concat.json | FileCheck %s

// add and concat within the target's limits become npu ops; outside them
// (channels, broadcasting, number of inputs, axis) they stay on the CPU.

!qa = !quant.uniform<i8:f32, 0.5:-3>
!qb = !quant.uniform<i8:f32, 0.25:4>
!qs = !quant.uniform<i8:f32, 1.0:-2>

// CHECK-LABEL: func @add_limits
// CHECK: npu.add {{.*}} -> tensor<1x2x2x8xi8>
// 16 channels exceed max_output_channels.
// CHECK: qnn.add {{.*}} -> tensor<1x2x2x16x
// Broadcasting: the accelerator adds tensors of one shape only.
// CHECK: qnn.add {{.*}} -> tensor<1x2x2x8x
func.func @add_limits(%x: tensor<1x2x2x8x!qa>, %y: tensor<1x2x2x8x!qb>, %x16: tensor<1x2x2x16x!qa>, %y1: tensor<1x1x1x8x!qb>) -> (tensor<1x2x2x8x!qs>, tensor<1x2x2x16x!qs>, tensor<1x2x2x8x!qs>) {
  %a = qnn.add %x, %y : (tensor<1x2x2x8x!qa>, tensor<1x2x2x8x!qb>) -> tensor<1x2x2x8x!qs>
  %b = qnn.add %x16, %x16 : (tensor<1x2x2x16x!qa>, tensor<1x2x2x16x!qa>) -> tensor<1x2x2x16x!qs>
  %c = qnn.add %x, %y1 : (tensor<1x2x2x8x!qa>, tensor<1x1x1x8x!qb>) -> tensor<1x2x2x8x!qs>
  return %a, %b, %c : tensor<1x2x2x8x!qs>, tensor<1x2x2x16x!qs>, tensor<1x2x2x8x!qs>
}

// -----

!qa = !quant.uniform<i8:f32, 0.5:-3>

// CHECK-LABEL: func @concat_limits
// CHECK: npu.concat {{.*}} {axis = 3 : i64, bits = 8 : i64} : (tensor<1x2x2x1xi8>, tensor<1x2x2x1xi8>) -> tensor<1x2x2x2xi8>
// Three inputs exceed max_inputs.
// CHECK: qnn.concat {{.*}} -> tensor<1x2x2x3x
// Axis 1 is not in axes.
// CHECK: qnn.concat {{.*}} -> tensor<1x4x2x1x
func.func @concat_limits(%x: tensor<1x2x2x1x!qa>) -> (tensor<1x2x2x2x!qa>, tensor<1x2x2x3x!qa>, tensor<1x4x2x1x!qa>) {
  %a = qnn.concat %x, %x {axis = 3 : i64} : (tensor<1x2x2x1x!qa>, tensor<1x2x2x1x!qa>) -> tensor<1x2x2x2x!qa>
  %b = qnn.concat %x, %x, %x {axis = 3 : i64} : (tensor<1x2x2x1x!qa>, tensor<1x2x2x1x!qa>, tensor<1x2x2x1x!qa>) -> tensor<1x2x2x3x!qa>
  %c = qnn.concat %x, %x {axis = 1 : i64} : (tensor<1x2x2x1x!qa>, tensor<1x2x2x1x!qa>) -> tensor<1x4x2x1x!qa>
  return %a, %b, %c : tensor<1x2x2x2x!qa>, tensor<1x2x2x3x!qa>, tensor<1x4x2x1x!qa>
}
