// RUN: qopt %s --qnn-custom-to-call --split-input-file --verify-diagnostics | FileCheck %s
// RUN: qopt %s --split-input-file --verify-diagnostics --qnn-lower-to-llvm | FileCheck %s --check-prefix=LLVM

// Each custom op becomes a call of its own external declaration: the
// call-site descriptor (a constant whose text is also attached readably:
// op and node name, buffer types, attributes sorted by name, floats in hex,
// strings length-prefixed, types printed), the operands as read-only
// buffers, and result buffers allocated at the call; the results are those
// buffers as tensors.
// CHECK:       memref.global "private" constant @__qmlir_custom_meta_0 : memref<[[N:[0-9]+]]xi8>
// CHECK-SAME:  {qnn.call_site = "qmlir.custom.v1\0Aop 9:MyOp::Pow\0Anode 4:pd/1\0Ain f32 2 2 4\0Ain f32 1 4\0Aout f32 2 2 4\0Aout i32 1 2\0Aattr 4:axes ints 2 0 -1\0Aattr 4:flag int 1\0Aattr 4:mode string 7:reflect\0Aattr 3:pow int 3\0Aattr 5:scale float 0x1p-1\0Aattr 1:t string 3:f32\0Aattr 1:w floats 2 0x1p+0 0x1.8p+1\0Aend\0A"}
// CHECK:       func.func private @qmlir_custom_call_0(memref<[[N]]xi8>, memref<2x4xf32>, memref<4xf32>, memref<2x4xf32>, memref<2xi32>) attributes {llvm.emit_c_interface}
// CHECK-LABEL: func @main
// CHECK-SAME:  (%[[X:.*]]: tensor<2x4xf32>, %[[Y:.*]]: tensor<4xf32>)
// CHECK:       %[[M:.*]] = memref.get_global @__qmlir_custom_meta_0
// CHECK:       %[[XB:.*]] = bufferization.to_buffer %[[X]] read_only : tensor<2x4xf32> to memref<2x4xf32>
// CHECK:       %[[YB:.*]] = bufferization.to_buffer %[[Y]] read_only
// CHECK:       %[[O0:.*]] = memref.alloc() : memref<2x4xf32>
// CHECK:       %[[O1:.*]] = memref.alloc() : memref<2xi32>
// CHECK:       call @qmlir_custom_call_0(%[[M]], %[[XB]], %[[YB]], %[[O0]], %[[O1]])
// CHECK:       %[[R0:.*]] = bufferization.to_tensor %[[O0]] restrict writable : memref<2x4xf32> to tensor<2x4xf32>
// CHECK:       %[[R1:.*]] = bufferization.to_tensor %[[O1]] restrict writable
// CHECK:       return %[[R0]], %[[R1]]
//
// Lowered, the declaration takes one descriptor pointer per memref: the
// signature the JIT binds to its trampoline.
// LLVM: llvm.func @_mlir_ciface_qmlir_custom_call_0(!llvm.ptr, !llvm.ptr, !llvm.ptr, !llvm.ptr, !llvm.ptr)
func.func @main(%x: tensor<2x4xf32>, %y: tensor<4xf32>) -> (tensor<2x4xf32>, tensor<2xi32>) {
  %0:2 = qnn.custom "MyOp::Pow"(%x, %y) {op_attrs = {pow = 3 : i64, scale = 0.5 : f32, flag = true, mode = "reflect", t = f32, axes = array<i64: 0, -1>, w = dense<[1.0, 3.0]> : tensor<2xf32>}} : (tensor<2x4xf32>, tensor<4xf32>) -> (tensor<2x4xf32>, tensor<2xi32>) loc("pd/1")
  return %0#0, %0#1 : tensor<2x4xf32>, tensor<2xi32>
}

// -----

// Quantized operands cannot reach a plugin.
func.func @quantized(%x: tensor<4x!quant.uniform<i8:f32, 0.1>>) -> tensor<4xf32> {
  // expected-error @+1 {{'qnn.custom' op operand #0 has element type '!quant.uniform<i8:f32, 1.000000e-01>', which cannot be passed to a plugin (float or signless integer tensors only; dequantize quantized values first)}}
  %0 = qnn.custom "Op"(%x) : (tensor<4x!quant.uniform<i8:f32, 0.1>>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// Nor can lists of strings.
func.func @string_list(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'qnn.custom' op attribute 'names' (["a", "b"]) cannot be passed to a plugin: only integers, floats, strings, types and lists of integers or floats can}}
  %0 = qnn.custom "Op"(%x) {op_attrs = {names = ["a", "b"]}} : (tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}
