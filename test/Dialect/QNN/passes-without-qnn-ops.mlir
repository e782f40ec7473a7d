// RUN: qopt %s --qnn-insert-calibration --split-input-file | FileCheck %s --check-prefix=PROBE
// RUN: qopt %s --qnn-fake-quantize --split-input-file | FileCheck %s --check-prefix=FAKE

// Passes that create qnn ops load the qnn dialect themselves: on a module
// without any qnn op (where it was not loaded) they used to create ops of an
// unloaded dialect and crash (found by scripts/pass-robustness.py).

// A function that only returns its argument gets a probe on it.
// PROBE-LABEL: func.func @identity
// PROBE: %[[P:.*]] = qnn.observe %arg0 {name = "arg0"}
// PROBE: return %[[P]]
// FAKE-LABEL: func.func @identity
func.func @identity(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
  return %x : tensor<1x4xf32>
}

// -----

// A quantized argument returned as is: fake quantization dequantizes and
// requantizes it with qnn ops.
// PROBE-LABEL: func.func @quantized
// FAKE-LABEL: func.func @quantized
// FAKE: %[[D:.*]] = qnn.dequantize %arg0
// FAKE: %[[Q:.*]] = qnn.quantize %[[D]]
// FAKE: return %[[Q]]
func.func @quantized(%x: tensor<4x!quant.uniform<i8:f32, 0.5:-3>>) -> tensor<4x!quant.uniform<i8:f32, 0.5:-3>> {
  return %x : tensor<4x!quant.uniform<i8:f32, 0.5:-3>>
}
