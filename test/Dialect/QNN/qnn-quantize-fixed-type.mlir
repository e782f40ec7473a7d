// RUN: qopt %s --qnn-quantize --split-input-file --verify-diagnostics | FileCheck %s

// Probes with qnn.fixed_type (qnn-adopt-qdq) give their tensors exactly that
// type, whatever min/max and the scheme say; a relu that is its input's
// only user keeps the input's fixed type and requantizes to its own.
// CHECK-LABEL: func @fixed
// CHECK:       %[[X:.*]] = qnn.quantize %arg0 {{.*}} -> tensor<1x4x!quant.uniform<i8<-100:100>:f32, 2.000000e-02:3>>
// CHECK:       %[[D:.*]] = qnn.dense %[[X]], %{{.*}} -> tensor<1x2x!quant.uniform<i8:f32, 5.000000e-02:-7>>
// CHECK:       %[[R:.*]] = qnn.relu %[[D]] : tensor<1x2x!quant.uniform<i8:f32, 5.000000e-02:-7>>
// CHECK:       qnn.requantize %[[R]] {{.*}} -> tensor<1x2x!quant.uniform<i8:f32, 2.500000e-02:-128>>
func.func @fixed(%x: tensor<1x4xf32>) -> tensor<1x2xf32> {
  %p = qnn.observe %x {name = "x", min = -1.0, max = 1.0, qnn.fixed_type = !quant.uniform<i8<-100:100>:f32, 0.02:3>} : tensor<1x4xf32>
  %w = arith.constant dense<[[1.0, 2.0, 3.0, 4.0], [0.5, 0.5, 0.5, 0.5]]> : tensor<2x4xf32>
  %d = qnn.dense %p, %w : (tensor<1x4xf32>, tensor<2x4xf32>) -> tensor<1x2xf32>
  %pd = qnn.observe %d {name = "d", min = -5.0, max = 5.0, qnn.fixed_type = !quant.uniform<i8:f32, 0.05:-7>} : tensor<1x2xf32>
  %r = qnn.relu %pd : tensor<1x2xf32>
  %pr = qnn.observe %r {name = "r", min = 0.0, max = 6.0, qnn.fixed_type = !quant.uniform<i8:f32, 0.025:-128>} : tensor<1x2xf32>
  return %pr : tensor<1x2xf32>
}

// -----

// A fixed type must be a uniform quantized type of the tensor's float type.
func.func @not_quantized(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{tensor 'x': qnn.fixed_type must be a !quant.uniform type expressed in 'f32'}}
  %p = qnn.observe %x {name = "x", min = -1.0, max = 1.0, qnn.fixed_type = i8} : tensor<4xf32>
  %r = qnn.relu %p : tensor<4xf32>
  return %r : tensor<4xf32>
}

// -----

// Weights the model quantized per axis along another dimension than the
// output channels cannot be used as they are.
func.func @weights_wrong_axis(%x: tensor<1x4xf32>) -> tensor<1x2xf32> {
  %p = qnn.observe %x {name = "x", min = -1.0, max = 1.0, qnn.fixed_type = !quant.uniform<i8:f32, 0.02>} : tensor<1x4xf32>
  %wi = arith.constant dense<[[1, 2, 3, 4], [5, 6, 7, 8]]> : tensor<2x4xi8>
  %wq = quant.scast %wi : tensor<2x4xi8> to tensor<2x4x!quant.uniform<i8:f32:1, {0.1, 0.2, 0.3, 0.4}>>
  %w = qnn.dequantize %wq : (tensor<2x4x!quant.uniform<i8:f32:1, {0.1, 0.2, 0.3, 0.4}>>) -> tensor<2x4xf32>
  // expected-error @+1 {{per axis 1 of the layer's layout; only per output channel (axis 0 of OHWI / [out, in]) is supported}}
  %d = qnn.dense %p, %w : (tensor<1x4xf32>, tensor<2x4xf32>) -> tensor<1x2xf32>
  %pd = qnn.observe %d {name = "d", min = -5.0, max = 5.0, qnn.fixed_type = !quant.uniform<i8:f32, 0.05>} : tensor<1x2xf32>
  return %pd : tensor<1x2xf32>
}
