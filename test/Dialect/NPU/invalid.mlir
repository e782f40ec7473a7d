// RUN: qopt %s --split-input-file --verify-diagnostics

func.func @transfer_types(%x: tensor<4x!quant.uniform<i8:f32, 0.5>>) -> tensor<4xi16> {
  // expected-error @below {{transfers a !quant tensor to the integer tensor of its storage type, or back}}
  %t = npu.transfer %x : tensor<4x!quant.uniform<i8:f32, 0.5>> -> tensor<4xi16>
  return %t : tensor<4xi16>
}

// -----

func.func @transfer_shape(%x: tensor<4x!quant.uniform<i8:f32, 0.5>>) -> tensor<2xi8> {
  // expected-error @below {{input and output shapes differ}}
  %t = npu.transfer %x : tensor<4x!quant.uniform<i8:f32, 0.5>> -> tensor<2xi8>
  return %t : tensor<2xi8>
}

// -----

func.func @multipliers(%x: tensor<1x4xi8>, %w: tensor<2x4xi8>) -> tensor<1x2xi8> {
  // expected-error @below {{needs one multiplier and shift, or one per output channel (2), got 3 and 3}}
  %d = npu.dense %x, %w {acc_bits = 32, input_bits = 8, input_zp = 0, multiplier = array<i32: 1, 2, 3>, output_bits = 8, output_zp = 0, qmax = 127, qmin = -128, shift = array<i32: 30, 30, 30>, weight_bits = 8} : (tensor<1x4xi8>, tensor<2x4xi8>) -> tensor<1x2xi8>
  return %d : tensor<1x2xi8>
}

// -----

func.func @shift(%x: tensor<4xi8>) -> tensor<4xi8> {
  // expected-error @below {{shift must be in [2, 62], got 1}}
  %r = npu.rescale %x {input_bits = 8, input_zp = 0, multiplier = array<i32: 1073741824>, output_bits = 8, output_zp = 0, qmax = 127, qmin = -128, shift = array<i32: 1>} : (tensor<4xi8>) -> tensor<4xi8>
  return %r : tensor<4xi8>
}

// -----

func.func @clamp_range(%x: tensor<4xi8>) -> tensor<4xi8> {
  // expected-error @below {{clamp range [-128, 127] is not within 4-bit values}}
  %r = npu.rescale %x {input_bits = 8, input_zp = 0, multiplier = array<i32: 1073741824>, output_bits = 4, output_zp = 0, qmax = 127, qmin = -128, shift = array<i32: 30>} : (tensor<4xi8>) -> tensor<4xi8>
  return %r : tensor<4xi8>
}

// -----

func.func @bits_storage(%x: tensor<4xi8>) -> tensor<4xi8> {
  // expected-error @below {{bits 12 does not fit its storage type 'i8'}}
  %r = npu.clamp %x {bits = 12, max = 7, min = 0} : tensor<4xi8>
  return %r : tensor<4xi8>
}

// -----

func.func @acc_bits(%x: tensor<1x4xi8>, %w: tensor<2x4xi8>) -> tensor<1x2xi8> {
  // expected-error @below {{acc_bits must be in [2, 32], got 40}}
  %d = npu.dense %x, %w {acc_bits = 40, input_bits = 8, input_zp = 0, multiplier = array<i32: 1073741824>, output_bits = 8, output_zp = 0, qmax = 127, qmin = -128, shift = array<i32: 30>, weight_bits = 8} : (tensor<1x4xi8>, tensor<2x4xi8>) -> tensor<1x2xi8>
  return %d : tensor<1x2xi8>
}

// -----

func.func @bias(%x: tensor<1x4xi8>, %w: tensor<2x4xi8>, %b: tensor<3xi32>) -> tensor<1x2xi8> {
  // expected-error @below {{bias must be tensor<2xi32>}}
  %d = npu.dense %x, %w, %b {acc_bits = 32, input_bits = 8, input_zp = 0, multiplier = array<i32: 1073741824>, output_bits = 8, output_zp = 0, qmax = 127, qmin = -128, shift = array<i32: 30>, weight_bits = 8} : (tensor<1x4xi8>, tensor<2x4xi8>, tensor<3xi32>) -> tensor<1x2xi8>
  return %d : tensor<1x2xi8>
}

// -----

func.func @segment_yield(%x: tensor<4xi8>) -> tensor<4xi8> {
  // expected-error @below {{npu.yield operands must match the results}}
  %s = npu.segment 0 (%x) : (tensor<4xi8>) -> tensor<4xi8> {
  ^bb0(%a: tensor<4xi8>):
    npu.yield
  }
  return %s : tensor<4xi8>
}

// -----

func.func @segment_args(%x: tensor<4xi8>) -> tensor<4xi8> {
  // expected-error @below {{body arguments must match the inputs}}
  %s = npu.segment 0 (%x) : (tensor<4xi8>) -> tensor<4xi8> {
  ^bb0(%a: tensor<4xi16>):
    npu.yield %a : tensor<4xi16>
  }
  return %s : tensor<4xi8>
}

// -----

func.func @transpose_dims(%x: tensor<1x2x3xi8>) -> tensor<1x2x3xi8> {
  // expected-error @below {{output dimension 1 is not input dimension 2}}
  %t = npu.transpose %x {permutation = array<i64: 0, 2, 1>} : (tensor<1x2x3xi8>) -> tensor<1x2x3xi8>
  return %t : tensor<1x2x3xi8>
}

// -----

func.func @tile_channels(%x: tensor<1x4xi8>, %w: tensor<2x4xi8>) -> tensor<1x2xi8> {
  // expected-error @below {{tile_channels must be in [1, 2], got 3}}
  %y = npu.dense %x, %w {acc_bits = 32, input_bits = 8, input_zp = 0, multiplier = array<i32: 1073741824>, output_bits = 8, output_zp = 0, qmax = 127, qmin = -128, shift = array<i32: 40>, weight_bits = 8, tile_channels = 3} : (tensor<1x4xi8>, tensor<2x4xi8>) -> tensor<1x2xi8>
  return %y : tensor<1x2xi8>
}

// -----

func.func @tile_rows(%x: tensor<1x4x4x1xi8>, %w: tensor<2x1x1x1xi8>) -> tensor<1x4x4x2xi8> {
  // expected-error @below {{tile_rows must be in [1, 4], got 0}}
  %y = npu.conv2d %x, %w {acc_bits = 32, dilations = array<i64: 1, 1>, groups = 1, input_bits = 8, input_zp = 0, multiplier = array<i32: 1073741824>, output_bits = 8, output_zp = 0, padding = array<i64: 0, 0, 0, 0>, qmax = 127, qmin = -128, shift = array<i32: 40>, strides = array<i64: 1, 1>, weight_bits = 8, tile_rows = 0} : (tensor<1x4x4x1xi8>, tensor<2x1x1x1xi8>) -> tensor<1x4x4x2xi8>
  return %y : tensor<1x4x4x2xi8>
}

// -----

func.func @add_shapes(%x: tensor<1x4xi8>, %y: tensor<1x2xi8>) -> tensor<1x4xi8> {
  // expected-error @below {{inputs must have one type and the output's shape}}
  %z = npu.add %x, %y {input_bits = 8, input_multiplier = array<i32: 1073741824, 1073741824>, input_shift = array<i32: 10, 10>, lhs_zp = 0, rhs_zp = 0, multiplier = array<i32: 1073741824>, output_bits = 8, output_zp = 0, qmax = 127, qmin = -128, shift = array<i32: 50>} : (tensor<1x4xi8>, tensor<1x2xi8>) -> tensor<1x4xi8>
  return %z : tensor<1x4xi8>
}

// -----

func.func @add_input_rescales(%x: tensor<1x4xi8>) -> tensor<1x4xi8> {
  // expected-error @below {{needs two input multipliers and shifts}}
  %z = npu.add %x, %x {input_bits = 8, input_multiplier = array<i32: 1073741824>, input_shift = array<i32: 10>, lhs_zp = 0, rhs_zp = 0, multiplier = array<i32: 1073741824>, output_bits = 8, output_zp = 0, qmax = 127, qmin = -128, shift = array<i32: 50>} : (tensor<1x4xi8>, tensor<1x4xi8>) -> tensor<1x4xi8>
  return %z : tensor<1x4xi8>
}

// -----

func.func @concat_sum(%x: tensor<1x4xi8>) -> tensor<1x9xi8> {
  // expected-error @below {{inputs sum to 8 along axis 1, the output has 9}}
  %z = npu.concat %x, %x {axis = 1, bits = 8} : (tensor<1x4xi8>, tensor<1x4xi8>) -> tensor<1x9xi8>
  return %z : tensor<1x9xi8>
}

// -----

func.func @concat_axis(%x: tensor<1x4xi8>) -> tensor<1x8xi8> {
  // expected-error @below {{axis 2 is out of range}}
  %z = npu.concat %x, %x {axis = 2, bits = 8} : (tensor<1x4xi8>, tensor<1x4xi8>) -> tensor<1x8xi8>
  return %z : tensor<1x8xi8>
}

// -----

func.func @pad_shape(%x: tensor<1x4xi8>) -> tensor<1x7xi8> {
  // expected-error @below {{output dimension 1 is not the input's plus its padding}}
  %z = npu.pad %x {padding = array<i64: 0, 0, 1, 1>, value = 0, bits = 8} : (tensor<1x4xi8>) -> tensor<1x7xi8>
  return %z : tensor<1x7xi8>
}

// -----

func.func @pad_value(%x: tensor<1x4xi8>) -> tensor<1x6xi8> {
  // expected-error @below {{value 8 is not a 4-bit value}}
  %z = npu.pad %x {padding = array<i64: 0, 0, 1, 1>, value = 8, bits = 4} : (tensor<1x4xi8>) -> tensor<1x6xi8>
  return %z : tensor<1x6xi8>
}

// -----

func.func @input_zps_count(%x: tensor<1x4x4x2xi8>) -> tensor<1x4x4x3xi8> {
  %w = arith.constant dense<1> : tensor<3x1x1x2xi8>
  // expected-error @below {{input_zps needs one zero point per input channel (2), got 3}}
  %c = npu.conv2d %x, %w {acc_bits = 32, dilations = array<i64: 1, 1>, groups = 1, input_bits = 8, input_zp = 0, input_zps = array<i64: 0, 1, 2>, multiplier = array<i32: 1073741824>, output_bits = 8, output_zp = 0, padding = array<i64: 0, 0, 0, 0>, qmax = 127, qmin = -128, shift = array<i32: 31>, strides = array<i64: 1, 1>, weight_bits = 8} : (tensor<1x4x4x2xi8>, tensor<3x1x1x2xi8>) -> tensor<1x4x4x3xi8>
  return %c : tensor<1x4x4x3xi8>
}

// -----

func.func @output_zps_count(%x: tensor<1x4x4x2xi8>) -> tensor<1x4x4x3xi8> {
  %w = arith.constant dense<1> : tensor<3x1x1x2xi8>
  // expected-error @below {{output_zps needs one zero point per output channel (3), got 2}}
  %c = npu.conv2d %x, %w {acc_bits = 32, dilations = array<i64: 1, 1>, groups = 1, input_bits = 8, input_zp = 0, multiplier = array<i32: 1073741824>, output_bits = 8, output_zp = 0, output_zps = array<i64: 0, 1>, padding = array<i64: 0, 0, 0, 0>, qmax = 127, qmin = -128, shift = array<i32: 31>, strides = array<i64: 1, 1>, weight_bits = 8} : (tensor<1x4x4x2xi8>, tensor<3x1x1x2xi8>) -> tensor<1x4x4x3xi8>
  return %c : tensor<1x4x4x3xi8>
}

// -----

func.func @output_zps_range(%x: tensor<1x4xi8>) -> tensor<1x4xi8> {
  // expected-error @below {{output_zps 200 is not a 8-bit value}}
  %r = npu.rescale %x {input_bits = 8, input_zp = 0, multiplier = array<i32: 1073741824>, output_bits = 8, output_zp = 0, output_zps = array<i64: 0, 1, 200, 3>, qmax = 127, qmin = -128, shift = array<i32: 31>} : (tensor<1x4xi8>) -> tensor<1x4xi8>
  return %r : tensor<1x4xi8>
}

// -----

func.func @dense_input_zps(%x: tensor<2x2xi8>) -> tensor<1x2xi8> {
  %w = arith.constant dense<1> : tensor<2x4xi8>
  // expected-error @below {{input_zps need an input whose last dimension is the reduction}}
  %d = npu.dense %x, %w {acc_bits = 32, input_bits = 8, input_zp = 0, input_zps = array<i64: 0, 1, 2, 3>, multiplier = array<i32: 1073741824>, output_bits = 8, output_zp = 0, qmax = 127, qmin = -128, shift = array<i32: 31>, weight_bits = 8} : (tensor<2x2xi8>, tensor<2x4xi8>) -> tensor<1x2xi8>
  return %d : tensor<1x2xi8>
}

// -----

func.func @clamp_channels(%x: tensor<1x3xi8>) -> tensor<1x3xi8> {
  // expected-error @below {{mins and maxs need one bound per channel (3) each}}
  %r = npu.clamp %x {bits = 8, min = 0, max = 10, mins = array<i64: 0, 1, 2>} : tensor<1x3xi8>
  return %r : tensor<1x3xi8>
}

// -----

func.func @clamp_order(%x: tensor<1x2xi8>) -> tensor<1x2xi8> {
  // expected-error @below {{min 5 > max 4}}
  %r = npu.clamp %x {bits = 8, min = 0, max = 10, mins = array<i64: 0, 5>, maxs = array<i64: 10, 4>} : tensor<1x2xi8>
  return %r : tensor<1x2xi8>
}
