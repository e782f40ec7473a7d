// RUN: qopt %s --split-input-file --npu-partition | FileCheck %s

!qa = !quant.uniform<i8:f32, 0.5:-3>
!qs = !quant.uniform<i8:f32, 1.0:-2>

// Two runs of npu ops separated by a CPU op (qnn.add) become two segments,
// numbered in program order; the weights move inside; the transfer that
// read the first run's result moves after its segment.
// CHECK-LABEL: func @two_segments
// CHECK: %[[T:.*]] = npu.transfer %arg0
// CHECK: %[[S0:.*]] = npu.segment 0(%[[T]]) : (tensor<1x4xi8>) -> tensor<1x4xi8> {
// CHECK-NEXT: ^bb0(%[[A:.*]]: tensor<1x4xi8>):
// CHECK-NEXT: %[[C:.*]] = npu.clamp %[[A]]
// CHECK-NEXT: npu.yield %[[C]]
// CHECK: %[[H:.*]] = npu.transfer %[[S0]]
// CHECK: %[[ADD:.*]] = qnn.add %[[H]], %[[H]]
// CHECK: %[[T2:.*]] = npu.transfer %[[ADD]]
// CHECK: %[[S1:.*]] = npu.segment 1(%[[T2]]) : (tensor<1x4xi8>) -> tensor<1x2xi8> {
// CHECK: arith.constant dense<1> : tensor<2x4xi8>
// CHECK: npu.clamp
// CHECK: npu.dense
// CHECK: npu.yield
// CHECK: npu.transfer %[[S1]]
func.func @two_segments(%x: tensor<1x4x!qa>) -> tensor<1x2x!qs> {
  %t = npu.transfer %x : tensor<1x4x!qa> -> tensor<1x4xi8>
  %r = npu.clamp %t {bits = 8, max = 127, min = -3} : tensor<1x4xi8>
  %h = npu.transfer %r : tensor<1x4xi8> -> tensor<1x4x!qa>
  %a = qnn.add %h, %h : (tensor<1x4x!qa>, tensor<1x4x!qa>) -> tensor<1x4x!qs>
  %t2 = npu.transfer %a : tensor<1x4x!qs> -> tensor<1x4xi8>
  %r2 = npu.clamp %t2 {bits = 8, max = 127, min = -2} : tensor<1x4xi8>
  %w = arith.constant dense<1> : tensor<2x4xi8>
  %d = npu.dense %r2, %w {acc_bits = 32, input_bits = 8, input_zp = -2, multiplier = array<i32: 1073741824>, output_bits = 8, output_zp = -2, qmax = 127, qmin = -128, shift = array<i32: 30>, weight_bits = 8} : (tensor<1x4xi8>, tensor<2x4xi8>) -> tensor<1x2xi8>
  %o = npu.transfer %d : tensor<1x2xi8> -> tensor<1x2x!qs>
  return %o : tensor<1x2x!qs>
}

// -----

!qa = !quant.uniform<i8:f32, 0.5:-3>

// A result used both inside the run and by the CPU is a segment result.
// CHECK-LABEL: func @shared_result
// CHECK: %[[S:.*]]:2 = npu.segment 0
// CHECK: npu.yield %{{.*}}, %{{.*}} : tensor<4xi8>, tensor<4xi8>
// CHECK: npu.transfer %[[S]]#0
// CHECK: npu.transfer %[[S]]#1
func.func @shared_result(%x: tensor<4x!qa>) -> (tensor<4x!qa>, tensor<4x!qa>) {
  %t = npu.transfer %x : tensor<4x!qa> -> tensor<4xi8>
  %r = npu.clamp %t {bits = 8, max = 127, min = -3} : tensor<4xi8>
  %h = npu.transfer %r : tensor<4xi8> -> tensor<4x!qa>
  %r2 = npu.clamp %r {bits = 8, max = 100, min = -3} : tensor<4xi8>
  %h2 = npu.transfer %r2 : tensor<4xi8> -> tensor<4x!qa>
  return %h, %h2 : tensor<4x!qa>, tensor<4x!qa>
}
