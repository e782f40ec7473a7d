// RUN: qopt %s --pass-pipeline="builtin.module(func.func(convert-qnn-to-tosa))" --split-input-file | FileCheck %s

// Plain integer add/sub/mul wrap (arith.addi/subi/muli in one generic each,
// i64 included), the rank-1 operand broadcast.
// CHECK-LABEL: func @add_sub_mul
// CHECK: linalg.generic
// CHECK:   arith.addi {{.*}} : i64
// CHECK: linalg.generic
// CHECK:   arith.subi {{.*}} : i64
// CHECK: linalg.generic
// CHECK:   arith.muli {{.*}} : i64
func.func @add_sub_mul(%x: tensor<2x3xi64>, %y: tensor<3xi64>) -> tensor<2x3xi64> {
  %0 = qnn.add %x, %y : (tensor<2x3xi64>, tensor<3xi64>) -> tensor<2x3xi64>
  %1 = qnn.sub %0, %y : (tensor<2x3xi64>, tensor<3xi64>) -> tensor<2x3xi64>
  %2 = qnn.mul %1, %x : (tensor<2x3xi64>, tensor<2x3xi64>) -> tensor<2x3xi64>
  return %2 : tensor<2x3xi64>
}

// -----

// Integer division truncates toward zero and never traps: the divisor is
// made 1 where it is 0 (result 0) or -1 (result 0 - x).
// CHECK-LABEL: func @div
// CHECK: linalg.generic
// CHECK:   arith.cmpi eq
// CHECK:   arith.divsi {{.*}} : i32
// CHECK:   arith.subi
// CHECK:   arith.select
func.func @div(%x: tensor<4xi32>, %y: tensor<4xi32>) -> tensor<4xi32> {
  %0 = qnn.div %x, %y : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi32>
  return %0 : tensor<4xi32>
}

// -----

// Signed maximum and minimum.
// CHECK-LABEL: func @max_min
// CHECK: arith.maxsi {{.*}} : i8
// CHECK: arith.minsi {{.*}} : i8
func.func @max_min(%x: tensor<4xi8>, %y: tensor<4xi8>) -> tensor<4xi8> {
  %0 = qnn.maximum %x, %y : (tensor<4xi8>, tensor<4xi8>) -> tensor<4xi8>
  %1 = qnn.minimum %0, %y : (tensor<4xi8>, tensor<4xi8>) -> tensor<4xi8>
  return %1 : tensor<4xi8>
}

// -----

// Pow with an integer side: integer ** float and float ** integer in f64,
// integer ** integer by square-and-multiply.
// CHECK-LABEL: func @pow
// CHECK: linalg.generic
// CHECK:   arith.sitofp {{.*}} : i64 to f64
// CHECK:   math.powf {{.*}} : f64
// CHECK:   arith.fptosi {{.*}} : f64 to i64
// CHECK: linalg.generic
// CHECK:   arith.sitofp {{.*}} : i32 to f64
// CHECK:   math.powf
// CHECK:   arith.truncf {{.*}} : f64 to f32
// CHECK: linalg.generic
// CHECK:   arith.extsi {{.*}} : i32 to i64
// CHECK:   arith.muli
// CHECK:   arith.shrui
// CHECK-NOT: math.powf
// CHECK: return
func.func @pow(%a: tensor<3xi64>, %f: tensor<3xf32>, %i: tensor<3xi32>) -> (tensor<3xi64>, tensor<3xf32>, tensor<3xi64>) {
  %0 = qnn.pow %a, %f : (tensor<3xi64>, tensor<3xf32>) -> tensor<3xi64>
  %1 = qnn.pow %f, %i : (tensor<3xf32>, tensor<3xi32>) -> tensor<3xf32>
  %2 = qnn.pow %a, %i : (tensor<3xi64>, tensor<3xi32>) -> tensor<3xi64>
  return %0, %1, %2 : tensor<3xi64>, tensor<3xf32>, tensor<3xi64>
}

// -----

// Casts: narrowing keeps the low bits, widening sign-extends, floats truncate
// toward zero.
// CHECK-LABEL: func @cast
// CHECK: arith.trunci {{.*}} : i64 to i8
// CHECK: arith.extsi {{.*}} : i8 to i32
// CHECK: arith.sitofp {{.*}} : i32 to f32
// CHECK: arith.fptosi {{.*}} : f32 to i64
func.func @cast(%x: tensor<4xi64>) -> tensor<4xi64> {
  %0 = qnn.cast %x : tensor<4xi64> to tensor<4xi8>
  %1 = qnn.cast %0 : tensor<4xi8> to tensor<4xi32>
  %2 = qnn.cast %1 : tensor<4xi32> to tensor<4xf32>
  %3 = qnn.cast %2 : tensor<4xf32> to tensor<4xi64>
  return %3 : tensor<4xi64>
}
