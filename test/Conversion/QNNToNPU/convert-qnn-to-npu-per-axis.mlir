// RUN: qopt %s --convert-qnn-to-npu=target=%qmlir_src/targets/int8.json | FileCheck %s
// RUN: qopt %s --convert-qnn-to-npu=target=%S/Inputs/per-tensor.json | FileCheck %s --check-prefix=PT

// Per-axis activations (docs/Quantization.md) on a target that allows them
// (the int8 preset): the numbers the CPU integer path computes, as
// attributes. conv1's output has a scale and zero point per channel: its
// multipliers are 0.5 * s_w[c] / s_out[c] = 0.02, 0.08, and output_zps the
// channels' zero points. The clip bounds are quantized per channel:
// [0, 6] -> [-128, -104] at 0.25:-128 and [5, 53] at 0.125:5. conv2 reads
// the tensor qnn-quantize reinterpreted with one scale (the two quant.scast;
// the integers are unchanged, so the accelerator reads the clamp's output
// directly): per-channel input_zps, ratios 0.25 * s_w[c] / 0.5. The
// requantization to one scale: ratios 0.25 / 0.5 and 0.125 / 0.5 with the
// input's per-channel zero points.
// CHECK-LABEL: func @per_axis
// CHECK: %[[T:.*]] = npu.transfer %arg0
// CHECK: %[[C:.*]] = npu.conv2d %[[T]], {{.*}}input_zp = -3 : i64, multiplier = array<i32: 1374389535, 1374389535>, output_bits = 8 : i64, output_zp = -128 : i64, output_zps = array<i64: -128, 5>, {{.*}}shift = array<i32: 36, 34>
// CHECK: %[[R:.*]] = npu.clamp %[[C]] {bits = 8 : i64, max = -104 : i64, maxs = array<i64: -104, 53>, min = -128 : i64, mins = array<i64: -128, 5>} : tensor<1x4x4x2xi8>
// CHECK: %[[C2:.*]] = npu.conv2d %[[R]], {{.*}}input_zp = -128 : i64, input_zps = array<i64: -128, 5>, multiplier = array<i32: 1374389535, 1374389535, 1374389535>, output_bits = 8 : i64, output_zp = 1 : i64, {{.*}}shift = array<i32: 38, 37, 36>
// CHECK-NOT: output_zps
// CHECK: npu.transfer %[[C2]] : tensor<1x4x4x3xi8> -> tensor<1x4x4x3x!quant.uniform<i8:f32, 5.000000e-01:1>>
// CHECK: %[[Q:.*]] = npu.rescale %[[R]] {input_bits = 8 : i64, input_zp = -128 : i64, input_zps = array<i64: -128, 5>, multiplier = array<i32: 1073741824, 1073741824>, output_bits = 8 : i64, output_zp = 1 : i64, qmax = 127 : i64, qmin = -128 : i64, shift = array<i32: 31, 32>}
// CHECK-NOT: quant.scast
// CHECK-NOT: qnn.

// A target with per-tensor activations only leaves every op that reads or
// writes a per-axis tensor on the CPU.
// PT-LABEL: func @per_axis
// PT: qnn.conv2d
// PT: qnn.clip
// PT: quant.scast
// PT: quant.scast
// PT: qnn.conv2d
// PT: qnn.requantize
// PT-NOT: npu.
!qx = !quant.uniform<i8:f32, 0.5:-3>
!qw = !quant.uniform<i8<-127:127>:f32:0, {0.01, 0.02}>
!qb = !quant.uniform<i32:f32:0, {0.005, 0.01}>
!qpa = !quant.uniform<i8:f32:3, {0.25:-128, 0.125:5}>
!qre = !quant.uniform<i8:f32:3, {0.25:-128, 0.25:5}>
!qw2 = !quant.uniform<i8<-127:127>:f32:0, {0.01, 0.02, 0.04}>
!qb2 = !quant.uniform<i32:f32:0, {0.0025, 0.005, 0.01}>
!qy = !quant.uniform<i8:f32, 0.5:1>

func.func @per_axis(%x: tensor<1x4x4x1x!qx>) -> (tensor<1x4x4x3x!qy>, tensor<1x4x4x2x!qy>) {
  %wi = arith.constant dense<1> : tensor<2x3x3x1xi8>
  %w = quant.scast %wi : tensor<2x3x3x1xi8> to tensor<2x3x3x1x!qw>
  %bi = arith.constant dense<[10, -20]> : tensor<2xi32>
  %b = quant.scast %bi : tensor<2xi32> to tensor<2x!qb>
  %c = qnn.conv2d %x, %w, %b {padding = array<i64: 1, 1, 1, 1>} : (tensor<1x4x4x1x!qx>, tensor<2x3x3x1x!qw>, tensor<2x!qb>) -> tensor<1x4x4x2x!qpa>
  %r = qnn.clip %c {min = 0.0 : f32, max = 6.0 : f32} : tensor<1x4x4x2x!qpa>
  %s1 = quant.scast %r : tensor<1x4x4x2x!qpa> to tensor<1x4x4x2xi8>
  %s2 = quant.scast %s1 : tensor<1x4x4x2xi8> to tensor<1x4x4x2x!qre>
  %w2i = arith.constant dense<[[[[1, -2]]], [[[3, 4]]], [[[-5, 6]]]]> : tensor<3x1x1x2xi8>
  %w2 = quant.scast %w2i : tensor<3x1x1x2xi8> to tensor<3x1x1x2x!qw2>
  %b2i = arith.constant dense<[7, 8, 9]> : tensor<3xi32>
  %b2 = quant.scast %b2i : tensor<3xi32> to tensor<3x!qb2>
  %c2 = qnn.conv2d %s2, %w2, %b2 : (tensor<1x4x4x2x!qre>, tensor<3x1x1x2x!qw2>, tensor<3x!qb2>) -> tensor<1x4x4x3x!qy>
  %q = qnn.requantize %r : (tensor<1x4x4x2x!qpa>) -> tensor<1x4x4x2x!qy>
  return %c2, %q : tensor<1x4x4x3x!qy>, tensor<1x4x4x2x!qy>
}
