// RUN: qopt %s --qnn-cpu-lower-vnni | FileCheck %s

// The 4-way u8 x s8 dot product of 64 bytes into 16 lanes is one vpdpbusd
// (either operand order of the multiply).
// CHECK-LABEL: func.func @dot4
// CHECK-SAME: (%[[A:.*]]: vector<64xi8>, %[[B:.*]]: vector<64xi8>, %[[ACC:.*]]: vector<16xi32>)
// CHECK: %[[R:.*]] = llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.512"(%[[ACC]], %[[A]], %[[B]]) : (vector<16xi32>, vector<64xi8>, vector<64xi8>) -> vector<16xi32>
// CHECK: %[[S:.*]] = llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.512"(%[[R]], %[[A]], %[[B]])
// CHECK: return %[[S]]
func.func @dot4(%a: vector<64xi8>, %b: vector<64xi8>, %acc: vector<16xi32>) -> vector<16xi32> {
  %ea = arith.extui %a : vector<64xi8> to vector<64xi32>
  %eb = arith.extsi %b : vector<64xi8> to vector<64xi32>
  %p = arith.muli %ea, %eb : vector<64xi32>
  %g = vector.shape_cast %p : vector<64xi32> to vector<16x4xi32>
  %r = vector.multi_reduction <add>, %g, %acc [1] : vector<16x4xi32> to vector<16xi32>
  %q = arith.muli %eb, %ea : vector<64xi32>
  %h = vector.shape_cast %q : vector<64xi32> to vector<16x4xi32>
  %s = vector.multi_reduction <add>, %h, %r [1] : vector<16x4xi32> to vector<16xi32>
  return %s : vector<16xi32>
}

// Not vpdpbusd: signed x signed bytes, and groups of 8.
// CHECK-LABEL: func.func @not_dot4
// CHECK-NOT: llvm.call_intrinsic
// CHECK-COUNT-2: vector.multi_reduction
func.func @not_dot4(%a: vector<64xi8>, %b: vector<64xi8>, %acc: vector<16xi32>, %acc8: vector<8xi32>) -> (vector<16xi32>, vector<8xi32>) {
  %sa = arith.extsi %a : vector<64xi8> to vector<64xi32>
  %eb = arith.extsi %b : vector<64xi8> to vector<64xi32>
  %p = arith.muli %sa, %eb : vector<64xi32>
  %g = vector.shape_cast %p : vector<64xi32> to vector<16x4xi32>
  %r = vector.multi_reduction <add>, %g, %acc [1] : vector<16x4xi32> to vector<16xi32>
  %ea = arith.extui %a : vector<64xi8> to vector<64xi32>
  %q = arith.muli %ea, %eb : vector<64xi32>
  %h = vector.shape_cast %q : vector<64xi32> to vector<8x8xi32>
  %s = vector.multi_reduction <add>, %h, %acc8 [1] : vector<8x8xi32> to vector<8xi32>
  return %r, %s : vector<16xi32>, vector<8xi32>
}

// The 2-way s16 x s16 dot product of the channelwise int8 kernels (32
// halves into 16 lanes) is one vpdpwssd.
// CHECK-LABEL: func.func @dot2
// CHECK-SAME: (%[[A:.*]]: vector<32xi16>, %[[B:.*]]: vector<32xi16>, %[[ACC:.*]]: vector<16xi32>)
// CHECK: %[[R:.*]] = llvm.call_intrinsic "llvm.x86.avx512.vpdpwssd.512"(%[[ACC]], %[[A]], %[[B]]) : (vector<16xi32>, vector<32xi16>, vector<32xi16>) -> vector<16xi32>
// CHECK: return %[[R]]
func.func @dot2(%a: vector<32xi16>, %b: vector<32xi16>, %acc: vector<16xi32>) -> vector<16xi32> {
  %ea = arith.extsi %a : vector<32xi16> to vector<32xi32>
  %eb = arith.extsi %b : vector<32xi16> to vector<32xi32>
  %p = arith.muli %ea, %eb : vector<32xi32>
  %g = vector.shape_cast %p : vector<32xi32> to vector<16x2xi32>
  %r = vector.multi_reduction <add>, %g, %acc [1] : vector<16x2xi32> to vector<16xi32>
  return %r : vector<16xi32>
}

// Not vpdpwssd: an unsigned operand, and pairs of bytes.
// CHECK-LABEL: func.func @not_dot2
// CHECK-NOT: llvm.call_intrinsic
// CHECK-COUNT-2: vector.multi_reduction
func.func @not_dot2(%a: vector<32xi16>, %b: vector<32xi16>, %c: vector<32xi8>, %acc: vector<16xi32>) -> (vector<16xi32>, vector<16xi32>) {
  %ua = arith.extui %a : vector<32xi16> to vector<32xi32>
  %eb = arith.extsi %b : vector<32xi16> to vector<32xi32>
  %p = arith.muli %ua, %eb : vector<32xi32>
  %g = vector.shape_cast %p : vector<32xi32> to vector<16x2xi32>
  %r = vector.multi_reduction <add>, %g, %acc [1] : vector<16x2xi32> to vector<16xi32>
  %ec = arith.extsi %c : vector<32xi8> to vector<32xi32>
  %q = arith.muli %ec, %ec : vector<32xi32>
  %h = vector.shape_cast %q : vector<32xi32> to vector<16x2xi32>
  %s = vector.multi_reduction <add>, %h, %acc [1] : vector<16x2xi32> to vector<16xi32>
  return %r, %s : vector<16xi32>, vector<16xi32>
}

// The 8-lane form (32 bytes into 8 lanes, the kernels with 8 or 24
// columns) is vpdpbusd on ymm registers (AVX512-VL).
// CHECK-LABEL: func.func @dot4_ymm
// CHECK-SAME: (%[[A:.*]]: vector<32xi8>, %[[B:.*]]: vector<32xi8>, %[[ACC:.*]]: vector<8xi32>)
// CHECK: %[[R:.*]] = llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.256"(%[[ACC]], %[[A]], %[[B]]) : (vector<8xi32>, vector<32xi8>, vector<32xi8>) -> vector<8xi32>
// CHECK: return %[[R]]
func.func @dot4_ymm(%a: vector<32xi8>, %b: vector<32xi8>, %acc: vector<8xi32>) -> vector<8xi32> {
  %ea = arith.extui %a : vector<32xi8> to vector<32xi32>
  %eb = arith.extsi %b : vector<32xi8> to vector<32xi32>
  %p = arith.muli %ea, %eb : vector<32xi32>
  %g = vector.shape_cast %p : vector<32xi32> to vector<8x4xi32>
  %r = vector.multi_reduction <add>, %g, %acc [1] : vector<8x4xi32> to vector<8xi32>
  return %r : vector<8xi32>
}

// Not vpdpbusd: 4 lanes (no such instruction), and 8 lanes of 64 bytes.
// CHECK-LABEL: func.func @not_dot4_ymm
// CHECK-NOT: llvm.call_intrinsic
// CHECK-COUNT-2: vector.multi_reduction
func.func @not_dot4_ymm(%a: vector<16xi8>, %b: vector<64xi8>, %acc4: vector<4xi32>, %acc8: vector<8xi32>) -> (vector<4xi32>, vector<8xi32>) {
  %ea = arith.extui %a : vector<16xi8> to vector<16xi32>
  %eb = arith.extsi %a : vector<16xi8> to vector<16xi32>
  %p = arith.muli %ea, %eb : vector<16xi32>
  %g = vector.shape_cast %p : vector<16xi32> to vector<4x4xi32>
  %r = vector.multi_reduction <add>, %g, %acc4 [1] : vector<4x4xi32> to vector<4xi32>
  %fa = arith.extui %b : vector<64xi8> to vector<64xi32>
  %fb = arith.extsi %b : vector<64xi8> to vector<64xi32>
  %q = arith.muli %fa, %fb : vector<64xi32>
  %h = vector.shape_cast %q : vector<64xi32> to vector<8x8xi32>
  %s = vector.multi_reduction <add>, %h, %acc8 [1] : vector<8x8xi32> to vector<8xi32>
  return %r, %s : vector<4xi32>, vector<8xi32>
}
