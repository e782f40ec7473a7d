// qnn-adaround rounds weights up or down by the layer's output on the
// samples and records the scheme; qnn-quantize uses exactly those weights.
// RUN: %python -c "import numpy as np; np.save('%t.ones.npy', np.ones((4, 4), 'f4'))"
// RUN: qopt %s --qnn-adaround="samples=%t.ones.npy weight-bits=4 verbose=true" 2>%t.err | FileCheck %s
// RUN: FileCheck %s --check-prefix=VERBOSE < %t.err
// RUN: qopt %s --qnn-adaround="samples=%t.ones.npy weight-bits=4" --qnn-insert-calibration --qnn-calibrate="samples=%t.ones.npy" --qnn-quantize="weight-bits=4" 2>/dev/null | FileCheck %s --check-prefix=QUANT
// A different scheme in qnn-quantize is an error naming the layer.
// RUN: qopt %s --qnn-adaround="samples=%t.ones.npy weight-bits=4" --qnn-insert-calibration --qnn-calibrate="samples=%t.ones.npy" 2>/dev/null -o %t.cal.mlir
// RUN: not qopt %t.cal.mlir --qnn-quantize 2>&1 | FileCheck %s --check-prefix=MISMATCH
// RUN: not qopt %t.cal.mlir --qnn-quantize="weight-bits=4 per-axis-weights=false" 2>&1 | FileCheck %s --check-prefix=MISMATCH-PT

// 4-bit per-axis weights, scale 0.7 / 7 = 0.1; the inputs are always
// [1, 1, 1, 1], so the output error is (0.1 * sum q - sum w)^2 with
// w / 0.1 = [7, 0.6, 0.62, 0.64]. Nearest rounds to [7, 1, 1, 1] (error
// 0.01 * 1.14^2 = 0.012996); rounding one of the last three down gives
// 0.01 * 0.14^2 = 0.000196, the best. The weight 0.7 at the end of the
// range keeps 7.
// CHECK-LABEL: func @main
// CHECK: %[[W:.*]] = arith.constant dense<{{\[\[}}0.699999988, 0.000000e+00, 1.000000e-01, 1.000000e-01]]> : tensor<1x4xf32>
// CHECK: qnn.dense %{{.*}}, %[[W]] {qnn.adaround = {bits = 4 : i64, per_axis = true}}
// VERBOSE: qnn-adaround: dense_0: output MSE {{1\.2996[0-9]*|1\.2995[0-9]*}}e-02 -> {{1\.9599[0-9]*|1\.96[0-9]*}}e-04 (1 of 4 weights rounded the other way)
// QUANT: arith.constant dense<{{\[\[}}7, 0, 1, 1]]> : tensor<1x4xi8>
// QUANT: qnn.dense {{.*}}qnn.adaround = {bits = 4 : i64, per_axis = true}
// MISMATCH: error: layer 'dense_0': its weights were rounded by qnn-adaround for 4-bit per-axis weights but are quantized to 8-bit per-axis weights (give qnn-adaround qnn-quantize's options and config)
// MISMATCH-PT: error: layer 'dense_0': its weights were rounded by qnn-adaround for 4-bit per-axis weights but are quantized to 4-bit per-tensor weights
func.func @main(%x: tensor<2x4xf32> {qnn.name = "x"}) -> tensor<2x1xf32> {
  %w = arith.constant dense<[[0.7, 0.06, 0.062, 0.064]]> : tensor<1x4xf32>
  %0 = qnn.dense %x, %w : (tensor<2x4xf32>, tensor<1x4xf32>) -> tensor<2x1xf32>
  return %0 : tensor<2x1xf32>
}
