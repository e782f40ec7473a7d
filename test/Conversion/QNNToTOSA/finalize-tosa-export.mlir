// RUN: qopt %s --split-input-file --verify-diagnostics --qnn-finalize-tosa-export | FileCheck %s

// Tensor arith.constants become tosa.const; TOSA ops and the function
// structure stay.
// CHECK-LABEL: func.func @consts
// CHECK: %[[W:.*]] = "tosa.const"() <{values = dense<{{\[\[}}1, -2]]> : tensor<1x2xi8>}> : () -> tensor<1x2xi8>
// CHECK-NOT: arith.constant
// CHECK: tosa.add %arg0, %[[W]]
func.func @consts(%x: tensor<1x2xi8>) -> tensor<1x2xi8> {
  %w = arith.constant dense<[[1, -2]]> : tensor<1x2xi8>
  %0 = tosa.add %x, %w : (tensor<1x2xi8>, tensor<1x2xi8>) -> tensor<1x2xi8>
  return %0 : tensor<1x2xi8>
}

// -----
// Anything that is not TOSA is an error naming the op.
func.func @not_tosa(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{qnn.relu}}
  %0 = qnn.relu %x : tensor<4xf32>
  return %0 : tensor<4xf32>
}
