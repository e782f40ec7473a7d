// RUN: qopt %s --qnn-fake-quantize | FileCheck %s

// A quantized conv -> relu -> requantize -> table chain in float: the input
// quantize gets its dequantize, weights and bias become their dequantized
// float constants, each layer runs in float and rounds its result through
// its quantized type, the requantize is a quantize/dequantize pair, and the
// table (no float form) runs on its operand re-quantized from the simulated
// values.
// CHECK-LABEL: func @sim
// CHECK: %[[Q:.*]] = qnn.quantize %arg0 : (tensor<1x4x4x2xf32>) -> tensor<1x4x4x2x!quant.uniform<i8:f32, 1.000000e-01:-10>>
// CHECK: %[[X:.*]] = qnn.dequantize %[[Q]]
// CHECK-DAG: %[[W:.*]] = arith.constant dense<{{\[\[\[\[}}1.270000e+00, -6.400000e-01]]], {{\[\[\[}}6.400000e-01, 2.540000e+00]]]]> : tensor<2x1x1x2xf32>
// CHECK-DAG: %[[B:.*]] = arith.constant dense<[1.000000e-01, -1.000000e-01]> : tensor<2xf32>
// CHECK: %[[C:.*]] = qnn.conv2d %[[X]], %[[W]], %[[B]] : (tensor<1x4x4x2xf32>, tensor<2x1x1x2xf32>, tensor<2xf32>) -> tensor<1x4x4x2xf32>
// CHECK: %[[CQ:.*]] = qnn.quantize %[[C]] : {{.*}} -> tensor<1x4x4x2x!quant.uniform<i8:f32, 5.000000e-02:-128>>
// CHECK: %[[CD:.*]] = qnn.dequantize %[[CQ]]
// CHECK: %[[R:.*]] = qnn.relu %[[CD]] : tensor<1x4x4x2xf32>
// CHECK: %[[RQ:.*]] = qnn.quantize %[[R]]
// CHECK: %[[RD:.*]] = qnn.dequantize %[[RQ]]
// CHECK: %[[NQ:.*]] = qnn.quantize %[[RD]] : {{.*}} -> tensor<1x4x4x2x!quant.uniform<i8<-2:1>:f32, 5.000000e-01>>
// CHECK: %[[ND:.*]] = qnn.dequantize %[[NQ]]
// CHECK: %[[TQ:.*]] = qnn.quantize %[[ND]] : {{.*}} -> tensor<1x4x4x2x!quant.uniform<i8<-2:1>:f32, 5.000000e-01>>
// CHECK: %[[T:.*]] = qnn.table %[[TQ]]
// CHECK: %[[TD:.*]] = qnn.dequantize %[[T]]
// CHECK: return %[[ND]], %[[TD]]
func.func @sim(%x: tensor<1x4x4x2xf32>) -> (tensor<1x4x4x2xf32>, tensor<1x4x4x2xf32>) {
  %q = qnn.quantize %x : (tensor<1x4x4x2xf32>) -> tensor<1x4x4x2x!quant.uniform<i8:f32, 0.1:-10>>
  %wi = arith.constant dense<[[[[127, -64]]], [[[32, 127]]]]> : tensor<2x1x1x2xi8>
  %w = quant.scast %wi : tensor<2x1x1x2xi8> to tensor<2x1x1x2x!quant.uniform<i8<-127:127>:f32:0, {0.01, 0.02}>>
  %bi = arith.constant dense<[100, -50]> : tensor<2xi32>
  %b = quant.scast %bi : tensor<2xi32> to tensor<2x!quant.uniform<i32:f32:0, {0.001, 0.002}>>
  %c = qnn.conv2d %q, %w, %b : (tensor<1x4x4x2x!quant.uniform<i8:f32, 0.1:-10>>, tensor<2x1x1x2x!quant.uniform<i8<-127:127>:f32:0, {0.01, 0.02}>>, tensor<2x!quant.uniform<i32:f32:0, {0.001, 0.002}>>) -> tensor<1x4x4x2x!quant.uniform<i8:f32, 0.05:-128>>
  %r = qnn.relu %c : tensor<1x4x4x2x!quant.uniform<i8:f32, 0.05:-128>>
  %n = qnn.requantize %r : (tensor<1x4x4x2x!quant.uniform<i8:f32, 0.05:-128>>) -> tensor<1x4x4x2x!quant.uniform<i8<-2:1>:f32, 0.5>>
  %t = qnn.table %n {table = array<i32: -8, 0, 7, 7>} : (tensor<1x4x4x2x!quant.uniform<i8<-2:1>:f32, 0.5>>) -> tensor<1x4x4x2x!quant.uniform<i8<-8:7>:f32, 0.25:-8>>
  %d = qnn.dequantize %n : (tensor<1x4x4x2x!quant.uniform<i8<-2:1>:f32, 0.5>>) -> tensor<1x4x4x2xf32>
  %e = qnn.dequantize %t : (tensor<1x4x4x2x!quant.uniform<i8<-8:7>:f32, 0.25:-8>>) -> tensor<1x4x4x2xf32>
  return %d, %e : tensor<1x4x4x2xf32>, tensor<1x4x4x2xf32>
}

// A float function is left alone.
// CHECK-LABEL: func @float
// CHECK-NEXT: qnn.relu %arg0 : tensor<4xf32>
func.func @float(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = qnn.relu %x : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// The log-domain forms (quantized reduce prod, div) are simulated by their
// float ops on the simulated operands, rounded through their result types.
// CHECK-LABEL: func @sim_log_domain
// CHECK: %[[X:.*]] = qnn.dequantize
// CHECK: %[[Y:.*]] = qnn.dequantize
// CHECK: %[[P:.*]] = qnn.reduce prod %[[X]] {axes = array<i64: 1>} : (tensor<2x4xf32>) -> tensor<2x1xf32>
// CHECK: qnn.quantize %[[P]] : (tensor<2x1xf32>) -> tensor<2x1x!quant.uniform<i16:f32, 1.000000e-04>>
// CHECK: %[[D:.*]] = qnn.div %[[X]], %[[Y]] : (tensor<2x4xf32>, tensor<4xf32>) -> tensor<2x4xf32>
// CHECK: qnn.quantize %[[D]] : (tensor<2x4xf32>) -> tensor<2x4x!quant.uniform<i16:f32, 1.000000e-02>>
func.func @sim_log_domain(%x: tensor<2x4xf32>, %y: tensor<4xf32>) -> (tensor<2x1xf32>, tensor<2x4xf32>) {
  %qx = qnn.quantize %x : (tensor<2x4xf32>) -> tensor<2x4x!quant.uniform<i16:f32, 0.001>>
  %qy = qnn.quantize %y : (tensor<4xf32>) -> tensor<4x!quant.uniform<i16:f32, 0.002>>
  %p = qnn.reduce prod %qx {axes = array<i64: 1>} : (tensor<2x4x!quant.uniform<i16:f32, 0.001>>) -> tensor<2x1x!quant.uniform<i16:f32, 0.0001>>
  %d = qnn.div %qx, %qy : (tensor<2x4x!quant.uniform<i16:f32, 0.001>>, tensor<4x!quant.uniform<i16:f32, 0.002>>) -> tensor<2x4x!quant.uniform<i16:f32, 0.01>>
  %0 = qnn.dequantize %p : (tensor<2x1x!quant.uniform<i16:f32, 0.0001>>) -> tensor<2x1xf32>
  %1 = qnn.dequantize %d : (tensor<2x4x!quant.uniform<i16:f32, 0.01>>) -> tensor<2x4xf32>
  return %0, %1 : tensor<2x1xf32>, tensor<2x4xf32>
}
