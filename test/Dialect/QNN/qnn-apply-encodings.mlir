// qnn-apply-encodings sets the probes' ranges and the weights' scales from
// an AIMET encodings file instead of qnn-calibrate; qnn-quantize derives the
// types from them.

// Per-tensor activations; the weights get the given per-channel scales (not
// max |w| / 127), from string and JSON booleans; the bias encoding is
// accepted and ignored (its scale is s_in * s_w).
// RUN: printf '%%s' '{"activation_encodings": {"x": [{"bitwidth": 8, "dtype": "int", "is_symmetric": "False", "min": -1.0, "max": 1.0, "offset": -128, "scale": 0.00784313725490196}], "fc:0": [{"bitwidth": 8, "dtype": "int", "is_symmetric": "False", "min": -2.0, "max": 3.1, "offset": -102, "scale": 0.02}]}, "param_encodings": {"fc.weight": [{"bitwidth": 8, "dtype": "int", "is_symmetric": "True", "min": -1.27, "max": 1.27, "offset": -127, "scale": 0.01}, {"bitwidth": 8, "dtype": "int", "is_symmetric": true, "min": -2.54, "max": 2.54, "offset": -127, "scale": 0.02}], "fc.bias": [{"bitwidth": 32, "dtype": "int", "is_symmetric": "True", "min": -1, "max": 1, "offset": 0, "scale": 1}]}}' > %t.ok.json
// RUN: qopt %s --qnn-insert-calibration --qnn-apply-encodings=file=%t.ok.json | FileCheck %s --check-prefix=PROBE
// RUN: %qopt_locs %s --qnn-insert-calibration | qopt --pass-pipeline="builtin.module(qnn-apply-encodings{file=%t.ok.json})" | FileCheck %s --check-prefix=PROBE
// RUN: qopt %s --qnn-insert-calibration --qnn-apply-encodings=file=%t.ok.json --qnn-quantize | FileCheck %s --check-prefix=QUANT
// PROBE: qnn.observe %{{.*}} {bits = 8 : i64, max = 1.000000e+00 : f64, min = -1.000000e+00 : f64, name = "x", symmetric = false}
// PROBE: qnn.dense {{.*}} {qnn.weight_encoding = {bits = 8 : i64, scales = array<f64: 1.000000e-02, 2.000000e-02>}}
// PROBE: qnn.observe %{{.*}} {bits = 8 : i64, max = 3.100000e+00 : f64, min = -2.000000e+00 : f64, name = "fc:0", symmetric = false}
// QUANT: qnn.quantize %{{.*}} -> tensor<1x3x!quant.uniform<i8:f32, 0.0078431372549019607:-1>>
// QUANT: arith.constant dense<{{\[\[}}100, -50, 25], [5, 10, -100]]> : tensor<2x3xi8>
// QUANT-NEXT: quant.scast {{.*}} to tensor<2x3x!quant.uniform<i8<-127:127>:f32:0, {1.000000e-02,2.000000e-02}>>
// QUANT: qnn.dense {{.*}}) -> tensor<1x2x!quant.uniform<i8:f32, 0.01999999{{[0-9]*}}:-28>>
// QUANT-NOT: qnn.weight_encoding

// Tensor and parameter names the model does not have, and probes without an
// encoding, are errors naming them.
// RUN: printf '%%s' '{"activation_encodings": {"x": [{"bitwidth": 8, "dtype": "int", "is_symmetric": "False", "min": -1.0, "max": 1.0, "offset": -128, "scale": 0.00784313725490196}], "fc:0": [{"bitwidth": 8, "dtype": "int", "is_symmetric": "False", "min": -2.0, "max": 3.1, "offset": -102, "scale": 0.02}], "fc:1": [{"bitwidth": 8, "dtype": "int", "is_symmetric": "False", "min": -2.0, "max": 3.1, "offset": -102, "scale": 0.02}], "relu9:0": [{"bitwidth": 8, "dtype": "int", "is_symmetric": "False", "min": -2.0, "max": 3.1, "offset": -102, "scale": 0.02}]}, "param_encodings": {}}' > %t.unknown.json
// RUN: not qopt %s --qnn-insert-calibration --qnn-apply-encodings=file=%t.unknown.json 2>&1 | FileCheck %s --check-prefix=UNKNOWN
// UNKNOWN: error: qnn-apply-encodings: {{.*}}unknown.json: activation_encodings names tensors the model does not have: 'fc:1', 'relu9:0'
// RUN: printf '%%s' '{"activation_encodings": {"x": [{"bitwidth": 8, "dtype": "int", "is_symmetric": "False", "min": -1.0, "max": 1.0, "offset": -128, "scale": 0.00784313725490196}]}, "param_encodings": {}}' > %t.missing.json
// RUN: not qopt %s --qnn-insert-calibration --qnn-apply-encodings=file=%t.missing.json 2>&1 | FileCheck %s --check-prefix=MISSING
// MISSING: error: qnn-apply-encodings: {{.*}}missing.json: no activation encoding for tensors 'fc:0'
// RUN: printf '%%s' '{"activation_encodings": {"x": [{"bitwidth": 8, "dtype": "int", "is_symmetric": "False", "min": -1.0, "max": 1.0, "offset": -128, "scale": 0.00784313725490196}], "fc:0": [{"bitwidth": 8, "dtype": "int", "is_symmetric": "False", "min": -2.0, "max": 3.1, "offset": -102, "scale": 0.02}]}, "param_encodings": {"conv1.weight": [{"bitwidth": 8, "dtype": "int", "is_symmetric": "True", "min": -1.27, "max": 1.27, "offset": -127, "scale": 0.01}]}}' > %t.unkparam.json
// RUN: not qopt %s --qnn-insert-calibration --qnn-apply-encodings=file=%t.unkparam.json 2>&1 | FileCheck %s --check-prefix=UNKPARAM
// UNKPARAM: error: qnn-apply-encodings: {{.*}}unkparam.json: param_encodings names parameters the model does not have: 'conv1.weight'

// Weight encodings must match the config: bit width, per-axis or per-tensor,
// symmetric.
// RUN: printf '%%s' '{"activation_encodings": {"x": [{"bitwidth": 8, "dtype": "int", "is_symmetric": "False", "min": -1.0, "max": 1.0, "offset": -128, "scale": 0.00784313725490196}], "fc:0": [{"bitwidth": 8, "dtype": "int", "is_symmetric": "False", "min": -2.0, "max": 3.1, "offset": -102, "scale": 0.02}]}, "param_encodings": {"fc.weight": [{"bitwidth": 4, "dtype": "int", "is_symmetric": "True", "min": -0.7, "max": 0.7, "offset": -7, "scale": 0.1}, {"bitwidth": 4, "dtype": "int", "is_symmetric": "True", "min": -0.7, "max": 0.7, "offset": -7, "scale": 0.1}]}}' > %t.w4.json
// RUN: not qopt %s --qnn-insert-calibration --qnn-apply-encodings=file=%t.w4.json --qnn-quantize 2>&1 | FileCheck %s --check-prefix=W4
// W4: error: {{.*}}layer 'fc': its weight encoding is 4-bit but the config quantizes its weights to 8 bits
// RUN: qopt %s --qnn-insert-calibration --qnn-apply-encodings=file=%t.w4.json --qnn-quantize=weight-bits=4 | FileCheck %s --check-prefix=W4OK
// W4OK: tensor<2x3x!quant.uniform<i8<-7:7>:f32:0, {1.000000e-01,1.000000e-01}>>
// RUN: printf '%%s' '{"activation_encodings": {"x": [{"bitwidth": 8, "dtype": "int", "is_symmetric": "False", "min": -1.0, "max": 1.0, "offset": -128, "scale": 0.00784313725490196}], "fc:0": [{"bitwidth": 8, "dtype": "int", "is_symmetric": "False", "min": -2.0, "max": 3.1, "offset": -102, "scale": 0.02}]}, "param_encodings": {"fc.weight": [{"bitwidth": 8, "dtype": "int", "is_symmetric": "True", "min": -1.27, "max": 1.27, "offset": -127, "scale": 0.01}]}}' > %t.wpt.json
// RUN: not qopt %s --qnn-insert-calibration --qnn-apply-encodings=file=%t.wpt.json --qnn-quantize 2>&1 | FileCheck %s --check-prefix=WPT
// WPT: error: {{.*}}layer 'fc': its weight encoding has 1 scales but the config quantizes its weights per axis (2 output channels)
// RUN: printf '%%s' '{"activation_encodings": {"x": [{"bitwidth": 8, "dtype": "int", "is_symmetric": "False", "min": -1.0, "max": 1.0, "offset": -128, "scale": 0.00784313725490196}], "fc:0": [{"bitwidth": 8, "dtype": "int", "is_symmetric": "False", "min": -2.0, "max": 3.1, "offset": -102, "scale": 0.02}]}, "param_encodings": {"fc.weight": [{"bitwidth": 8, "dtype": "int", "is_symmetric": "True", "min": -1.27, "max": 1.27, "offset": -127, "scale": 0.01}, {"bitwidth": 8, "dtype": "int", "is_symmetric": "False", "min": -2.54, "max": 2.54, "offset": -127, "scale": 0.02}]}}' > %t.wasym.json
// RUN: not qopt %s --qnn-insert-calibration --qnn-apply-encodings=file=%t.wasym.json 2>&1 | FileCheck %s --check-prefix=WASYM
// WASYM: error: {{.*}}qnn-apply-encodings: {{.*}}wasym.json: param_encodings 'fc.weight': qmlir quantizes weights symmetrically with one bit width

// Per-channel activation encodings need one per channel (last dimension).
// RUN: printf '%%s' '{"activation_encodings": {"x": [{"bitwidth": 8, "dtype": "int", "is_symmetric": "False", "min": -1.0, "max": 1.0, "offset": -128, "scale": 0.00784313725490196}, {"bitwidth": 8, "dtype": "int", "is_symmetric": "False", "min": -1.0, "max": 1.0, "offset": -128, "scale": 0.00784313725490196}], "fc:0": [{"bitwidth": 8, "dtype": "int", "is_symmetric": "False", "min": -2.0, "max": 3.1, "offset": -102, "scale": 0.02}]}, "param_encodings": {}}' > %t.chan.json
// RUN: not qopt %s --qnn-insert-calibration --qnn-apply-encodings=file=%t.chan.json 2>&1 | FileCheck %s --check-prefix=CHAN
// CHAN: error: {{.*}}qnn-apply-encodings: {{.*}}chan.json: activation_encodings 'x' has 2 channel encodings but the tensor 'tensor<1x3xf32>' has a different number of channels (its last dimension)

// Files that cannot be read or parsed.
// RUN: not qopt %s --qnn-insert-calibration --qnn-apply-encodings=file=%t.none.json 2>&1 | FileCheck %s --check-prefix=NOFILE
// NOFILE: error: qnn-apply-encodings: {{.*}}none.json: cannot read: No such file or directory
// RUN: printf '%%s' '{"activation_encodings": {"x": {"bitwidth": 8}}}' > %t.bad.json
// RUN: not qopt %s --qnn-insert-calibration --qnn-apply-encodings=file=%t.bad.json 2>&1 | FileCheck %s --check-prefix=BAD
// BAD: error: qnn-apply-encodings: {{.*}}bad.json: activation_encodings 'x': missing key 'dtype'
// RUN: not qopt %s --qnn-apply-encodings=file=%t.ok.json 2>&1 | FileCheck %s --check-prefix=NOPROBE
// NOPROBE: error: qnn-apply-encodings: the module has no qnn.observe probes: run qnn-insert-calibration first

func.func @main(%x: tensor<1x3xf32> {qnn.name = "x"}) -> tensor<1x2xf32> {
  %w = arith.constant dense<[[1.0, -0.5, 0.25], [0.1, 0.2, -2.0]]> : tensor<2x3xf32> loc("fc.weight")
  %b = arith.constant dense<[0.5, -0.5]> : tensor<2xf32> loc("fc.bias")
  %y = qnn.dense %x, %w, %b : (tensor<1x3xf32>, tensor<2x3xf32>, tensor<2xf32>) -> tensor<1x2xf32> loc("fc")
  return %y : tensor<1x2xf32>
}
