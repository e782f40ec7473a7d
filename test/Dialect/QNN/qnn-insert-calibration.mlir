// RUN: qopt %s --qnn-insert-calibration --split-input-file | FileCheck %s
// RUN: qopt %s --qnn-insert-calibration --qnn-insert-calibration --split-input-file | FileCheck %s --check-prefix=TWICE

// Probes on the argument (named by qnn.name) and after each layer op (named
// by its location), none after layout-only ops.
// CHECK-LABEL: func @chain
// CHECK: %[[X:.*]] = qnn.observe %arg0 {name = "input"}
// CHECK: %[[C:.*]] = qnn.conv2d %[[X]]
// CHECK: %[[CO:.*]] = qnn.observe %[[C]] {name = "conv1:0"}
// CHECK: %[[R:.*]] = qnn.relu %[[CO]]
// CHECK: %[[RO:.*]] = qnn.observe %[[R]] {name = "relu1:0"}
// CHECK: %[[T:.*]] = qnn.reshape %[[RO]]
// CHECK-NOT: qnn.observe
// CHECK: return %[[T]]
// TWICE-LABEL: func @chain
// TWICE-COUNT-3: qnn.observe
// TWICE-NOT: qnn.observe
// TWICE-LABEL: func @unnamed
func.func @chain(%x: tensor<1x4x4x1xf32> {qnn.name = "input"}) -> tensor<1x32xf32> {
  %w = arith.constant dense<1.0> : tensor<2x1x1x1xf32>
  %0 = qnn.conv2d %x, %w : (tensor<1x4x4x1xf32>, tensor<2x1x1x1xf32>) -> tensor<1x4x4x2xf32> loc("conv1")
  %1 = qnn.relu %0 : tensor<1x4x4x2xf32> loc("relu1")
  %2 = qnn.reshape %1 : (tensor<1x4x4x2xf32>) -> tensor<1x32xf32> loc("flatten")
  return %2 : tensor<1x32xf32>
}

// -----
// Unnamed ops and arguments get positional names; every use of a probed
// value goes through its probe.
// CHECK-LABEL: func @unnamed
// CHECK: %[[X:.*]] = qnn.observe %arg0 {name = "arg0"}
// CHECK: %[[A:.*]] = qnn.add %[[X]], %[[X]]
// CHECK: %[[AO:.*]] = qnn.observe %[[A]] {name = "add_0:0"}
// CHECK: qnn.mul %[[AO]], %[[AO]]
func.func @unnamed(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = qnn.add %x, %x : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %1 = qnn.mul %0, %0 : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %1 : tensor<4xf32>
}
