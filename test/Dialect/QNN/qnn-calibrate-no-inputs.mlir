// qnn-calibrate on a function without inputs (all constants, as an ONNX
// window function imports) is one error line, not a crash.

// RUN: not qopt %s --qnn-insert-calibration --qnn-calibrate=num-samples=4 2>&1 | FileCheck %s
// RUN: not qopt %s --qnn-insert-calibration --qnn-calibrate=num-samples=4 2>&1 | grep -c error: | FileCheck %s --check-prefix=ONE
// CHECK: error: qnn-calibrate: function 'main' has no inputs: there are no samples to calibrate over
// ONE: 1
func.func @main() -> tensor<4xf32> {
  %c = arith.constant dense<[0.0, 1.0, 2.0, 3.0]> : tensor<4xf32>
  %0 = qnn.unary cos %c : tensor<4xf32>
  return %0 : tensor<4xf32>
}
