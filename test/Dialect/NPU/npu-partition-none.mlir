// RUN: qopt %s --npu-partition --verify-diagnostics | FileCheck %s

// No npu op: a warning, and the IR is unchanged.
// CHECK-LABEL: func @cpu_only
// CHECK-NEXT: qnn.relu
// CHECK-NOT: npu.
// expected-warning @below {{no op runs on the accelerator: the whole model stays on the CPU}}
module {
  func.func @cpu_only(%x: tensor<4xf32>) -> tensor<4xf32> {
    %r = qnn.relu %x : tensor<4xf32>
    return %r : tensor<4xf32>
  }
}
