// RUN: qopt %s --qnn-lower-to-llvm | FileCheck %s

// The whole pipeline: a quantized conv + relu becomes one LLVM function
// whose quantized arguments and result are i8 memref descriptors, the result
// an out-parameter; the C interface wrapper is emitted on request. No TOSA,
// linalg or memref op survives, and nothing is left for a runtime library.
// CHECK-NOT: tosa.
// CHECK-NOT: linalg.
// CHECK-NOT: memrefCopy
// CHECK: llvm.func @main(%{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr, %{{.*}}: i64
// CHECK: llvm.func @_mlir_ciface_main(%{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr)
// CHECK-NOT: tosa.
// CHECK-NOT: linalg.
func.func @main(%x: tensor<1x4x4x2x!quant.uniform<i8:f32, 0.05:-7>>, %w: tensor<3x3x3x2x!quant.uniform<i8:f32:0, {0.01, 0.02, 0.03}>>) -> tensor<1x2x2x3x!quant.uniform<i8:f32, 0.5:4>> attributes {llvm.emit_c_interface} {
  %0 = qnn.conv2d %x, %w : (tensor<1x4x4x2x!quant.uniform<i8:f32, 0.05:-7>>, tensor<3x3x3x2x!quant.uniform<i8:f32:0, {0.01, 0.02, 0.03}>>) -> tensor<1x2x2x3x!quant.uniform<i8:f32, 0.5:4>>
  %1 = qnn.relu %0 : tensor<1x2x2x3x!quant.uniform<i8:f32, 0.5:4>>
  return %1 : tensor<1x2x2x3x!quant.uniform<i8:f32, 0.5:4>>
}
