// RUN: qopt %s --split-input-file --verify-diagnostics --qnn-legalize-bitwidth=target=%S/../Inputs/narrow-acc.json


// 512 products of 4-bit weights overflow 12 bits even with 2-bit inputs:
// an error naming the layer.
func.func @too_wide(%x: tensor<1x512xf32>) -> tensor<1x2xf32> {
  %x0 = qnn.observe %x {name = "x", min = 0.0, max = 1.0} : tensor<1x512xf32>
  %w = arith.constant dense<0.5> : tensor<2x512xf32>
  // expected-remark @below {{layer 'dense_0': weight_bits 8 -> 4 (target 'narrow-acc' allows 4)}}
  // expected-remark @below {{layer 'dense_0': buffer_bits 32 -> 12 (target 'narrow-acc' accumulates in 12 bits)}}
  // expected-error @below {{layer 'dense_0': the accumulator needs 21 bits in the worst case with its 8-bit input, and no input width target 'narrow-acc' allows brings it within its 12-bit accumulator: use fewer weight bits for this layer}}
  %d = qnn.dense %x0, %w : (tensor<1x512xf32>, tensor<2x512xf32>) -> tensor<1x2xf32>
  %do = qnn.observe %d {name = "d", min = -1.0, max = 1.0} : tensor<1x2xf32>
  return %do : tensor<1x2xf32>
}
