// Bad quantization configs: one-line errors naming the file, the layer and
// the key; qnn-quantize fails without changing anything.

// 0 and 17 bits.
// RUN: printf '%%s' '{"layers": {"conv1": {"weight_bits": 0}}}' > %t.zero.json
// RUN: not qopt %s --qnn-quantize="config=%t.zero.json" 2>&1 | FileCheck %s --check-prefix=ZERO
// ZERO: error: {{.*}}zero.json: layer 'conv1': 'weight_bits' must be an integer in [2, 16], got 0
// RUN: printf '%%s' '{"layers": {"relu1": {"activation_bits": 17}}}' > %t.big.json
// RUN: not qopt %s --qnn-quantize="config=%t.big.json" 2>&1 | FileCheck %s --check-prefix=BIG
// BIG: error: {{.*}}big.json: layer 'relu1': 'activation_bits' must be an integer in [1, 16], got 17
// RUN: printf '%%s' '{"defaults": {"output_bits": 17}}' > %t.out17.json
// RUN: not qopt %s --qnn-quantize="config=%t.out17.json" 2>&1 | FileCheck %s --check-prefix=OUT17
// OUT17: error: {{.*}}out17.json: defaults: 'output_bits' must be an integer in [1, 16], got 17
// The same for the pass options.
// RUN: not qopt %s --qnn-quantize="weight-bits=17" 2>&1 | FileCheck %s --check-prefix=OPT
// OPT: error: weight-bits must be in [2, 16], got 17

// Axes out of range, and axes no integer rule supports.
// RUN: printf '%%s' '{"layers": {"conv1": {"weight_axis": 4}}}' > %t.waxis.json
// RUN: not qopt %s --qnn-quantize="config=%t.waxis.json" 2>&1 | FileCheck %s --check-prefix=WAXIS
// WAXIS: error: {{.*}}waxis.json: layer 'conv1': weight_axis 4 is out of range for the rank-4 weights
// RUN: printf '%%s' '{"layers": {"relu1": {"activation_axis": -5, "per_tensor_activations": false}}}' > %t.aaxis.json
// RUN: not qopt %s --qnn-quantize="config=%t.aaxis.json" 2>&1 | FileCheck %s --check-prefix=AAXIS
// AAXIS: error: {{.*}}aaxis.json: layer 'relu1': activation_axis -5 is out of range for the rank-4 output
// RUN: printf '%%s' '{"layers": {"relu1": {"activation_axis": 1, "per_tensor_activations": false}}}' > %t.axis1.json
// RUN: not qopt %s --qnn-quantize="config=%t.axis1.json" 2>&1 | FileCheck %s --check-prefix=AXIS1
// AXIS1: error: {{.*}}axis1.json: layer 'relu1': activation_axis 1: per-axis activations are quantized along the channel (last) axis only

// Unknown layers and keys, keys that do not apply, layout ops, wrong op.
// RUN: printf '%%s' '{"layers": {"conv9": {"weight_bits": 4}}}' > %t.unknown.json
// RUN: not qopt %s --qnn-quantize="config=%t.unknown.json" 2>&1 | FileCheck %s --check-prefix=UNKNOWN
// UNKNOWN: error: {{.*}}unknown.json: unknown layer 'conv9' (no op of the model has this name)
// RUN: printf '%%s' '{"layers": {"conv1": {"weight_bitz": 4}}}' > %t.key.json
// RUN: not qopt %s --qnn-quantize="config=%t.key.json" 2>&1 | FileCheck %s --check-prefix=KEY
// KEY: error: {{.*}}key.json: layer 'conv1': unknown key 'weight_bitz'
// RUN: printf '%%s' '{"layers": {"relu1": {"weight_bits": 4}}}' > %t.apply.json
// RUN: not qopt %s --qnn-quantize="config=%t.apply.json" 2>&1 | FileCheck %s --check-prefix=APPLY
// APPLY: error: {{.*}}apply.json: layer 'relu1' (qnn.relu): key 'weight_bits' does not apply to qnn.relu
// RUN: printf '%%s' '{"layers": {"flatten": {"quantize": false}}}' > %t.layout.json
// RUN: not qopt %s --qnn-quantize="config=%t.layout.json" 2>&1 | FileCheck %s --check-prefix=LAYOUT
// LAYOUT: error: {{.*}}layout.json: layer 'flatten' (qnn.reshape) has no quantization settings: layout ops keep their input's quantization
// RUN: printf '%%s' '{"layers": {"conv1": {"op": "qnn.dense"}}}' > %t.op.json
// RUN: not qopt %s --qnn-quantize="config=%t.op.json" 2>&1 | FileCheck %s --check-prefix=OP
// OP: error: {{.*}}op.json: layer 'conv1' is a qnn.conv2d, not the 'qnn.dense' the config says
// RUN: printf '%%s' '{"op_types": {"qnn.conv": {}}}' > %t.type.json
// RUN: not qopt %s --qnn-quantize="config=%t.type.json" 2>&1 | FileCheck %s --check-prefix=TYPE
// TYPE: error: {{.*}}type.json: op type 'qnn.conv' is not a configurable qnn op
// RUN: not qopt %s --qnn-quantize="config=%t.missing.json" 2>&1 | FileCheck %s --check-prefix=NOFILE
// NOFILE: error: {{.*}}missing.json: cannot open
// RUN: printf '%%s' '{"layers": ' > %t.syntax.json
// RUN: not qopt %s --qnn-quantize="config=%t.syntax.json" 2>&1 | FileCheck %s --check-prefix=SYNTAX
// SYNTAX: error: {{.*}}syntax.json: invalid JSON:

// A layer whose worst-case accumulator does not fit buffer_bits.
// RUN: printf '%%s' '{"layers": {"fc": {"buffer_bits": 16}}}' > %t.buffer.json
// RUN: not qopt %s --qnn-quantize="config=%t.buffer.json" 2>&1 | FileCheck %s --check-prefix=BUFFER
// BUFFER: error: {{.*}}layer 'fc': the accumulator needs 21 bits in the worst case (|acc| <= 621792: 32 products of 8-bit inputs and 8-bit weights, plus the bias) but buffer_bits is 16: use fewer bits for this layer
// 16-bit activations and weights overflow 32 bits.
// RUN: not qopt %s --qnn-quantize="weight-bits=16 activation-bits=16" 2>&1 | FileCheck %s --check-prefix=WIDE
// WIDE: error: {{.*}}layer 'conv1': the accumulator needs 33 bits in the worst case (|acc| <= 3757907970: 2 products of 16-bit inputs and 16-bit weights, plus the bias) but buffer_bits is 32

// Per-axis activations need per-channel ranges from qnn-calibrate.
// RUN: not qopt %s --qnn-quantize="per-tensor-activations=false" 2>&1 | FileCheck %s --check-prefix=CHANNELS
// CHANNELS: error: {{.*}}tensor is quantized per axis but has no per-channel ranges: give qnn-calibrate the same config (or per-tensor-activations=false)

// A range chosen (by entropy or MSE) for another type than the one used.
// RUN: sed -e 's/name = "fc:0",/name = "fc:0", bits = 8, symmetric = false,/' %s > %t.bits.mlir
// RUN: not qopt %t.bits.mlir --qnn-quantize="activation-bits=4" 2>&1 | FileCheck %s --check-prefix=BITS
// BITS: error: 'qnn.observe' op tensor 'fc:0' was calibrated for 8-bit asymmetric quantization but is quantized to 4-bit asymmetric: give qnn-calibrate the same config (or activation-bits and symmetric-activations)
func.func @main(%x: tensor<1x4x4x2xf32> {qnn.name = "input"}) -> tensor<1x3xf32> {
  %x0 = qnn.observe %x {name = "input", min = 0.0, max = 1.0} : tensor<1x4x4x2xf32>
  %w1 = arith.constant dense<[[[[0.5, -0.25]]], [[[1.0, 0.75]]]]> : tensor<2x1x1x2xf32>
  %c1 = qnn.conv2d %x0, %w1 : (tensor<1x4x4x2xf32>, tensor<2x1x1x2xf32>) -> tensor<1x4x4x2xf32> loc("conv1")
  %c1o = qnn.observe %c1 {name = "conv1:0", min = -1.0, max = 2.0} : tensor<1x4x4x2xf32>
  %r1 = qnn.relu %c1o : tensor<1x4x4x2xf32> loc("relu1")
  %r1o = qnn.observe %r1 {name = "relu1:0", min = 0.0, max = 2.0, channel_min = array<f64: 0.0, 0.0>, channel_max = array<f64: 1.0, 2.0>} : tensor<1x4x4x2xf32>
  %w2 = arith.constant dense<[[[[0.5, -0.5]]], [[[0.25, 1.0]]]]> : tensor<2x1x1x2xf32>
  %b2 = arith.constant dense<[0.1, -0.2]> : tensor<2xf32>
  %c2 = qnn.conv2d %r1o, %w2, %b2 : (tensor<1x4x4x2xf32>, tensor<2x1x1x2xf32>, tensor<2xf32>) -> tensor<1x4x4x2xf32> loc("conv2")
  %c2o = qnn.observe %c2 {name = "conv2:0", min = -2.0, max = 3.0} : tensor<1x4x4x2xf32>
  %f = qnn.reshape %c2o : (tensor<1x4x4x2xf32>) -> tensor<1x32xf32> loc("flatten")
  %w3 = arith.constant dense<0.5> : tensor<3x32xf32>
  %d = qnn.dense %f, %w3 : (tensor<1x32xf32>, tensor<3x32xf32>) -> tensor<1x3xf32> loc("fc")
  %do = qnn.observe %d {name = "fc:0", min = -4.0, max = 4.0} : tensor<1x3xf32>
  return %do : tensor<1x3xf32>
}
