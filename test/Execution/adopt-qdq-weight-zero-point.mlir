// RUN: %python -c "import numpy as np; np.save('%t.x.npy', np.random.default_rng(1).uniform(-1, 1, (1, 2, 2, 2)).astype('f4'))"
// RUN: qrun %s --input %t.x.npy --output %t.f.npy
// RUN: qopt %s --qnn-adopt-qdq --qnn-quantize -o %t.q.mlir
// RUN: FileCheck %s < %t.q.mlir
// RUN: qrun %t.q.mlir --input %t.x.npy --expect %t.f.npy --atol 0 --rtol 0 | FileCheck %s --check-prefix=NUM
//
// Weights the model quantized asymmetrically (zero point 3, a -128 in the
// full int8 range, as uint8 weights with a zero point other than 128 come
// out of the importer's shift) are used as they are by qnn-quantize, and
// the integer conv computes exactly what the QDQ model computes in float.
// CHECK: quant.scast {{.*}} to tensor<2x1x1x2x!quant.uniform<i8:f32, 1.000000e-02:3>>
// CHECK: qnn.conv2d {{.*}} -> tensor<1x2x2x2x!quant.uniform<i8:f32, 1.000000e-02:-5>>
// NUM: 0 mismatches of 8
func.func @main(%x: tensor<1x2x2x2xf32> {qnn.name = "x"}) -> tensor<1x2x2x2xf32> {
  %q = qnn.quantize %x : (tensor<1x2x2x2xf32>) -> tensor<1x2x2x2x!quant.uniform<i8:f32, 0.05:1>>
  %d = qnn.dequantize %q : (tensor<1x2x2x2x!quant.uniform<i8:f32, 0.05:1>>) -> tensor<1x2x2x2xf32>
  %wi = arith.constant dense<[[[[-128, 3]]], [[[5, 7]]]]> : tensor<2x1x1x2xi8>
  %wq = quant.scast %wi : tensor<2x1x1x2xi8> to tensor<2x1x1x2x!quant.uniform<i8:f32, 0.01:3>>
  %w = qnn.dequantize %wq : (tensor<2x1x1x2x!quant.uniform<i8:f32, 0.01:3>>) -> tensor<2x1x1x2xf32>
  %c = qnn.conv2d %d, %w : (tensor<1x2x2x2xf32>, tensor<2x1x1x2xf32>) -> tensor<1x2x2x2xf32>
  %cq = qnn.quantize %c : (tensor<1x2x2x2xf32>) -> tensor<1x2x2x2x!quant.uniform<i8:f32, 0.01:-5>>
  %cd = qnn.dequantize %cq : (tensor<1x2x2x2x!quant.uniform<i8:f32, 0.01:-5>>) -> tensor<1x2x2x2xf32>
  return %cd : tensor<1x2x2x2xf32>
}
