// RUN: qopt %s --split-input-file --qnn-cpu-vectorize-contractions --canonicalize --cse | FileCheck %s
// RUN: qopt %s --split-input-file --qnn-cpu-vectorize-contractions=vnni=true --canonicalize --cse | FileCheck %s --check-prefix=VNNI
// RUN: qopt %s --split-input-file --qnn-cpu-vectorize-contractions=threads=2 --canonicalize --cse | FileCheck %s --check-prefix=TEAM

// A float matrix product, 5 rows (one tile) by 20 columns (one panel of two
// vectors, the second masked to 4 lanes), K = 8; the fill becomes the
// accumulators' initial value. B is packed [k][32 columns], zero-padded.
// CHECK-LABEL: func.func @matmul
// CHECK-SAME: (%[[A:.*]]: tensor<5x8xf32>)
// CHECK-DAG: %[[ZERO:.*]] = arith.constant dense<0.000000e+00> : vector<16xf32>
// CHECK-DAG: %[[B:.*]] = arith.constant dense<"0x0000003F{{.*}}"> : tensor<256xf32>
// CHECK-DAG: %[[AF:.*]] = tensor.collapse_shape %[[A]] {{\[}}[0, 1]] : tensor<5x8xf32> into tensor<40xf32>
// CHECK: %[[ACC:.*]]:10 = scf.for %[[K:.*]] = %{{.*}} iter_args(%{{.*}} = %[[ZERO]], {{.*}}) -> (vector<16xf32>,
// CHECK: vector.transfer_read %[[B]]
// CHECK: tensor.extract %[[AF]][%[[K]]] : tensor<40xf32>
// CHECK: vector.broadcast
// CHECK-COUNT-2: vector.fma
// CHECK: scf.yield
// CHECK: %[[MASK:.*]] = vector.constant_mask [4] : vector<16xi1>
// CHECK: vector.transfer_write %[[ACC]]#1, %{{.*}}[%{{.*}}, %{{.*}}], %[[MASK]] {in_bounds = [true]} : vector<16xf32>, tensor<5x20xf32>
// CHECK-NOT: linalg.
func.func @matmul(%a: tensor<5x8xf32>) -> tensor<5x20xf32> {
  %b = arith.constant dense<0.5> : tensor<8x20xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<5x20xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<5x20xf32>) -> tensor<5x20xf32>
  %c = linalg.matmul ins(%a, %b : tensor<5x8xf32>, tensor<8x20xf32>) outs(%init : tensor<5x20xf32>) -> tensor<5x20xf32>
  return %c : tensor<5x20xf32>
}

// -----

// An int8 convolution with an input zero point (the _q form TOSA lowers to),
// the bias broadcast as its init and a requantizing consumer: the consumer's
// body runs on the accumulators (no i32 tensor is written) and only the i8
// result is stored. 2x4x4 output pixels = 32 rows in tiles of 16 (one panel
// of one vector); the window is 2x2 over 3 channels: the run (kw, c) is 6
// elements long, kh the outer loop.
// Without VNNI, 32-bit multiply-adds of sign-extended bytes; the zero point
// enters as the compensation -zp * sum(B) per column.
// CHECK-LABEL: func.func @conv_q
// CHECK-DAG: %[[COMP:.*]] = arith.constant dense<{{.*}}> : tensor<16xi32>
// CHECK: scf.for
// CHECK: scf.for
// CHECK: scf.for
// CHECK: arith.extsi %{{.*}} : vector<16xi8> to vector<16xi32>
// CHECK: arith.muli %{{.*}} : vector<16xi32>
// CHECK: arith.addi %{{.*}} : vector<16xi32>
// CHECK: arith.trunci %{{.*}} : vector<16xi32> to vector<16xi8>
// CHECK: vector.transfer_write %{{.*}} : vector<16xi8>, tensor<2x4x4x5xi8>
// CHECK-NOT: linalg.
// With VNNI, bytes in groups of 4 (the run of 6 is one group and a masked
// group of 2), A made unsigned by flipping sign bits, the 4-way dot product
// written as plain vector ops for qnn-cpu-lower-vnni.
// VNNI-LABEL: func.func @conv_q
// VNNI: vector.transfer_read %{{.*}} {in_bounds = [true]} : tensor<{{[0-9]+}}xi8>, vector<4xi8>
// VNNI: arith.xori %{{.*}} : vector<16xi32>
// VNNI: arith.extui %{{.*}} : vector<64xi8> to vector<64xi32>
// VNNI: arith.extsi %{{.*}} : vector<64xi8> to vector<64xi32>
// VNNI: vector.shape_cast %{{.*}} : vector<64xi32> to vector<16x4xi32>
// VNNI: vector.multi_reduction <add>, %{{.*}} [1] : vector<16x4xi32> to vector<16xi32>
// VNNI: %[[TAIL:.*]] = vector.constant_mask [2] : vector<4xi1>
// VNNI: vector.transfer_read %{{.*}}, %[[TAIL]] {in_bounds = [true]} : tensor<{{[0-9]+}}xi8>, vector<4xi8>
#id = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#ch = affine_map<(d0, d1, d2, d3) -> (d3)>
func.func @conv_q(%x: tensor<2x5x5x3xi8>) -> tensor<2x4x4x5xi8> {
  %w = arith.constant dense<[[[[1, -2, 3], [4, -5, 6]], [[-7, 8, -9], [10, -11, 12]]], [[[13, -14, 15], [-16, 17, -18]], [[19, -20, 21], [-22, 23, -24]]], [[[25, -26, 27], [28, -29, 30]], [[-31, 32, -33], [34, -35, 36]]], [[[37, -38, 39], [-40, 41, -42]], [[43, -44, 45], [-46, 47, -48]]], [[[49, -50, 51], [52, -53, 54]], [[-55, 56, -57], [58, -59, 60]]]]> : tensor<5x2x2x3xi8>
  %bias = arith.constant dense<[100, -200, 300, -400, 500]> : tensor<5xi32>
  %izp = arith.constant -3 : i32
  %wzp = arith.constant 0 : i32
  %e = tensor.empty() : tensor<2x4x4x5xi32>
  %init = linalg.generic {indexing_maps = [#ch, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%bias : tensor<5xi32>) outs(%e : tensor<2x4x4x5xi32>) {
  ^bb0(%in: i32, %out: i32):
    linalg.yield %in : i32
  } -> tensor<2x4x4x5xi32>
  %acc = linalg.conv_2d_nhwc_fhwc_q {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w, %izp, %wzp : tensor<2x5x5x3xi8>, tensor<5x2x2x3xi8>, i32, i32) outs(%init : tensor<2x4x4x5xi32>) -> tensor<2x4x4x5xi32>
  %e8 = tensor.empty() : tensor<2x4x4x5xi8>
  %c7 = arith.constant 7 : i32
  %lo = arith.constant -128 : i32
  %hi = arith.constant 127 : i32
  %y = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%acc : tensor<2x4x4x5xi32>) outs(%e8 : tensor<2x4x4x5xi8>) {
  ^bb0(%in: i32, %out: i8):
    %s = arith.shrsi %in, %c7 : i32
    %m = arith.maxsi %s, %lo : i32
    %n = arith.minsi %m, %hi : i32
    %t = arith.trunci %n : i32 to i8
    linalg.yield %t : i8
  } -> tensor<2x4x4x5xi8>
  return %y : tensor<2x4x4x5xi8>
}

// -----

// An int8 product with 8 columns runs on 8-lane vectors with 512-bit
// registers too (no masked-off half of a 16-lane vector): 32-bit lanes of
// 8, and with VNNI the 4-way dot product of 32 bytes into 8 lanes
// (vpdpbusd on ymm registers).
// CHECK-LABEL: func.func @conv_q_8_columns
// CHECK-NOT: vector<16xi32>
// CHECK: arith.muli %{{.*}} : vector<8xi32>
// CHECK-NOT: vector<16xi32>
// CHECK: vector.transfer_write %{{.*}} : vector<8xi32>, tensor<1x3x3x8xi32>
// VNNI-LABEL: func.func @conv_q_8_columns
// VNNI-NOT: vector<16xi32>
// VNNI: arith.xori %{{.*}} : vector<8xi32>
// VNNI: vector.shape_cast %{{.*}} : vector<32xi32> to vector<8x4xi32>
// VNNI: vector.multi_reduction <add>, %{{.*}} [1] : vector<8x4xi32> to vector<8xi32>
// VNNI-NOT: vector<16xi32>
// VNNI: vector.transfer_write %{{.*}} : vector<8xi32>, tensor<1x3x3x8xi32>
func.func @conv_q_8_columns(%x: tensor<1x3x3x5xi8>) -> tensor<1x3x3x8xi32> {
  %w = arith.constant dense<[[[[-127,-90,-53,-16,21]]],[[[58,95,-123,-86,-49]]],[[[-12,25,62,99,-119]]],[[[-82,-45,-8,29,66]]],[[[103,-115,-78,-41,-4]]],[[[33,70,107,-111,-74]]],[[[-37,0,37,74,111]]],[[[-107,-70,-33,4,41]]]]> : tensor<8x1x1x5xi8>
  %izp = arith.constant 5 : i32
  %wzp = arith.constant 0 : i32
  %c0 = arith.constant 0 : i32
  %e = tensor.empty() : tensor<1x3x3x8xi32>
  %init = linalg.fill ins(%c0 : i32) outs(%e : tensor<1x3x3x8xi32>) -> tensor<1x3x3x8xi32>
  %acc = linalg.conv_2d_nhwc_fhwc_q {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w, %izp, %wzp : tensor<1x3x3x5xi8>, tensor<8x1x1x5xi8>, i32, i32) outs(%init : tensor<1x3x3x8xi32>) -> tensor<1x3x3x8xi32>
  return %acc : tensor<1x3x3x8xi32>
}

// -----

// Left to the reference lowering: weights that are not constants, a
// depthwise convolution with a channel multiplier of 2 (the channel is then
// a parallel dimension in A, B and C besides the column), and a nonzero
// weight zero point.
// CHECK-LABEL: func.func @not_handled
// CHECK: linalg.matmul
// CHECK: linalg.depthwise_conv_2d_nhwc_hwcm
// CHECK: linalg.conv_2d_nhwc_fhwc_q
// CHECK-NOT: vector.
func.func @not_handled(%a: tensor<4x8xf32>, %b: tensor<8x16xf32>, %x: tensor<1x5x5x4xf32>, %q: tensor<1x3x3x4xi8>) -> (tensor<4x16xf32>, tensor<1x3x3x4x2xf32>, tensor<1x2x2x2xi32>) {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x16xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<4x16xf32>) -> tensor<4x16xf32>
  %c = linalg.matmul ins(%a, %b : tensor<4x8xf32>, tensor<8x16xf32>) outs(%init : tensor<4x16xf32>) -> tensor<4x16xf32>
  %dw = arith.constant dense<1.0> : tensor<3x3x4x2xf32>
  %e2 = tensor.empty() : tensor<1x3x3x4x2xf32>
  %init2 = linalg.fill ins(%zero : f32) outs(%e2 : tensor<1x3x3x4x2xf32>) -> tensor<1x3x3x4x2xf32>
  %d = linalg.depthwise_conv_2d_nhwc_hwcm {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %dw : tensor<1x5x5x4xf32>, tensor<3x3x4x2xf32>) outs(%init2 : tensor<1x3x3x4x2xf32>) -> tensor<1x3x3x4x2xf32>
  %w = arith.constant dense<1> : tensor<2x2x2x4xi8>
  %izp = arith.constant 0 : i32
  %wzp = arith.constant 1 : i32
  %z = arith.constant 0 : i32
  %e3 = tensor.empty() : tensor<1x2x2x2xi32>
  %init3 = linalg.fill ins(%z : i32) outs(%e3 : tensor<1x2x2x2xi32>) -> tensor<1x2x2x2xi32>
  %qc = linalg.conv_2d_nhwc_fhwc_q {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%q, %w, %izp, %wzp : tensor<1x3x3x4xi8>, tensor<2x2x2x4xi8>, i32, i32) outs(%init3 : tensor<1x2x2x2xi32>) -> tensor<1x2x2x2xi32>
  return %c, %d, %qc : tensor<4x16xf32>, tensor<1x3x3x4x2xf32>, tensor<1x2x2x2xi32>
}

// -----

// Channelwise: a depthwise convolution (multiplier 1) reads A as vectors
// along the channels (5 of 16 lanes: masked) and multiplies them by packed
// weight vectors; its bias-add and scale consumers, the second behind a
// collapse_shape of the [..., C, 1] result's unit dimension, are both fused.
// (16 rows: one tile, no row loop.)
// CHECK-LABEL: func.func @depthwise
// CHECK-DAG: %[[W:.*]] = arith.constant dense<{{.*}}> : tensor<144xf32>
// CHECK: scf.for
// CHECK: vector.transfer_read %[[W]]
// CHECK: vector.transfer_read %{{.*}}, %{{.*}}, %{{.*}} : tensor<{{[0-9]+}}xf32>, vector<16xf32>
// CHECK: vector.fma
// CHECK: arith.addf %{{.*}} : vector<16xf32>
// CHECK: arith.mulf %{{.*}} : vector<16xf32>
// CHECK: vector.transfer_write {{.*}} : vector<16xf32>, tensor<1x4x4x5xf32>
// CHECK-NOT: linalg.
// CHECK: return %{{.*}} : tensor<1x4x4x5xf32>
#id5 = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d3, d4)>
#id4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#ch4 = affine_map<(d0, d1, d2, d3) -> (d3)>
func.func @depthwise(%x: tensor<1x6x6x5xf32>) -> tensor<1x4x4x5xf32> {
  %w = arith.constant dense<0.5> : tensor<3x3x5x1xf32>
  %zero = arith.constant 0.0 : f32
  %one = arith.constant 1.0 : f32
  %e = tensor.empty() : tensor<1x4x4x5x1xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<1x4x4x5x1xf32>) -> tensor<1x4x4x5x1xf32>
  %d = linalg.depthwise_conv_2d_nhwc_hwcm {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w : tensor<1x6x6x5xf32>, tensor<3x3x5x1xf32>) outs(%init : tensor<1x4x4x5x1xf32>) -> tensor<1x4x4x5x1xf32>
  %b = linalg.generic {indexing_maps = [#id5, #id5], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel"]} ins(%d : tensor<1x4x4x5x1xf32>) outs(%e : tensor<1x4x4x5x1xf32>) {
  ^bb0(%in: f32, %out: f32):
    %s = arith.addf %in, %one : f32
    linalg.yield %s : f32
  } -> tensor<1x4x4x5x1xf32>
  %c = tensor.collapse_shape %b [[0], [1], [2], [3, 4]] : tensor<1x4x4x5x1xf32> into tensor<1x4x4x5xf32>
  %scale = arith.constant dense<[1.0, 2.0, 3.0, 4.0, 5.0]> : tensor<5xf32>
  %e4 = tensor.empty() : tensor<1x4x4x5xf32>
  %y = linalg.generic {indexing_maps = [#id4, #ch4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%c, %scale : tensor<1x4x4x5xf32>, tensor<5xf32>) outs(%e4 : tensor<1x4x4x5xf32>) {
  ^bb0(%in: f32, %sc: f32, %out: f32):
    %m = arith.mulf %in, %sc : f32
    linalg.yield %m : f32
  } -> tensor<1x4x4x5xf32>
  return %y : tensor<1x4x4x5xf32>
}

// -----

// Channelwise without weights: int8 max pooling keeps i8 accumulators
// initialized by the fill; int8 sum pooling sign-extends A to i32.
// CHECK-LABEL: func.func @pools
// CHECK-DAG: %[[LOW:.*]] = arith.constant dense<-128> : vector<16xi8>
// CHECK: scf.for {{.*}} iter_args(%{{.*}} = %[[LOW]]
// CHECK: arith.maxsi %{{.*}} : vector<16xi8>
// CHECK: vector.transfer_write {{.*}} : vector<16xi8>, tensor<2x3x3x20xi8>
// CHECK: arith.extsi %{{.*}} : vector<16xi8> to vector<16xi32>
// CHECK: arith.addi %{{.*}} : vector<16xi32>
// CHECK: vector.transfer_write {{.*}} : vector<16xi32>, tensor<2x3x3x20xi32>
// CHECK-NOT: linalg.pooling
func.func @pools(%x: tensor<2x6x6x20xi8>) -> (tensor<2x3x3x20xi8>, tensor<2x3x3x20xi32>) {
  %low = arith.constant -128 : i8
  %z = arith.constant 0 : i32
  %win = tensor.empty() : tensor<2x2xi8>
  %e = tensor.empty() : tensor<2x3x3x20xi8>
  %init = linalg.fill ins(%low : i8) outs(%e : tensor<2x3x3x20xi8>) -> tensor<2x3x3x20xi8>
  %m = linalg.pooling_nhwc_max {dilations = dense<1> : vector<2xi64>, strides = dense<2> : vector<2xi64>} ins(%x, %win : tensor<2x6x6x20xi8>, tensor<2x2xi8>) outs(%init : tensor<2x3x3x20xi8>) -> tensor<2x3x3x20xi8>
  %win32 = tensor.empty() : tensor<2x2xi32>
  %e32 = tensor.empty() : tensor<2x3x3x20xi32>
  %init32 = linalg.fill ins(%z : i32) outs(%e32 : tensor<2x3x3x20xi32>) -> tensor<2x3x3x20xi32>
  %s = linalg.pooling_nhwc_sum {dilations = dense<1> : vector<2xi64>, strides = dense<2> : vector<2xi64>} ins(%x, %win32 : tensor<2x6x6x20xi8>, tensor<2x2xi32>) outs(%init32 : tensor<2x3x3x20xi32>) -> tensor<2x3x3x20xi32>
  return %m, %s : tensor<2x3x3x20xi8>, tensor<2x3x3x20xi32>
}

// -----

// A result that the next convolution pads: the kernel writes into the
// interior of the padded tensor, of which only the borders are filled (4
// disjoint fills: the whole top and bottom rows, then the left and right
// columns between them), and the pad copy is gone; the second kernel reads
// the padded tensor, the result's other use (returned) its interior.
// CHECK-LABEL: func.func @padded_result
// CHECK: %[[E:.*]] = bufferization.alloc_tensor() : tensor<1x6x7x16xf32>
// CHECK: tensor.extract_slice %{{.*}}[0, 0, 0, 0] [1, 1, 7, 16] [1, 1, 1, 1]
// CHECK: linalg.fill
// CHECK: tensor.extract_slice %{{.*}}[0, 5, 0, 0] [1, 1, 7, 16] [1, 1, 1, 1]
// CHECK: linalg.fill
// CHECK: tensor.extract_slice %{{.*}}[0, 1, 0, 0] [1, 4, 1, 16] [1, 1, 1, 1]
// CHECK: linalg.fill
// CHECK: tensor.extract_slice %{{.*}}[0, 1, 6, 0] [1, 4, 1, 16] [1, 1, 1, 1]
// CHECK: linalg.fill
// CHECK-NOT: linalg.fill
// CHECK: %[[IN:.*]] = tensor.extract_slice %{{.*}}[0, 1, 1, 0] [1, 4, 5, 16] [1, 1, 1, 1] : tensor<1x6x7x16xf32> to tensor<1x4x5x16xf32>
// CHECK: scf.for {{.*}} iter_args(%{{.*}} = %[[IN]])
// CHECK: vector.transfer_write
// CHECK: %[[P:.*]] = tensor.insert_slice %[[Y:.*]] into %{{.*}}[0, 1, 1, 0] [1, 4, 5, 16] [1, 1, 1, 1] : tensor<1x4x5x16xf32> into tensor<1x6x7x16xf32>
// CHECK: tensor.collapse_shape %[[P]] {{\[}}[0, 1, 2, 3]] : tensor<1x6x7x16xf32> into tensor<672xf32>
// CHECK-NOT: tensor.pad
// CHECK: return %[[Y]], %{{.*}} : tensor<1x4x5x16xf32>, tensor<1x4x5x16xf32>
func.func @padded_result(%x: tensor<1x4x5x3xf32>) -> (tensor<1x4x5x16xf32>, tensor<1x4x5x16xf32>) {
  %w1 = arith.constant dense<0.5> : tensor<16x1x1x3xf32>
  %w2 = arith.constant dense<0.25> : tensor<16x3x3x16xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x4x5x16xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<1x4x5x16xf32>) -> tensor<1x4x5x16xf32>
  %y = linalg.conv_2d_nhwc_fhwc {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w1 : tensor<1x4x5x3xf32>, tensor<16x1x1x3xf32>) outs(%init : tensor<1x4x5x16xf32>) -> tensor<1x4x5x16xf32>
  %p = tensor.pad %y low[0, 1, 1, 0] high[0, 1, 1, 0] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %zero : f32
  } : tensor<1x4x5x16xf32> to tensor<1x6x7x16xf32>
  %y2 = linalg.conv_2d_nhwc_fhwc {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%p, %w2 : tensor<1x6x7x16xf32>, tensor<16x3x3x16xf32>) outs(%init : tensor<1x4x5x16xf32>) -> tensor<1x4x5x16xf32>
  return %y, %y2 : tensor<1x4x5x16xf32>, tensor<1x4x5x16xf32>
}

// -----

// Two results padded to the same shape (the two convolutions of a residual
// block): each kernel writes into a padded tensor of its own. (With
// tensor.empty, CSE merged the two and bufferization copied the padded
// tensors around the second kernel.)
// CHECK-LABEL: func.func @two_padded_results
// CHECK: bufferization.alloc_tensor() : tensor<1x6x7x16xf32>
// CHECK: bufferization.alloc_tensor() : tensor<1x6x7x16xf32>
// CHECK-NOT: bufferization.alloc_tensor
// CHECK: return
func.func @two_padded_results(%x: tensor<1x4x5x16xf32>) -> (tensor<1x4x5x16xf32>, tensor<1x4x5x16xf32>) {
  %w = arith.constant dense<0.5> : tensor<16x1x1x16xf32>
  %w2 = arith.constant dense<0.25> : tensor<16x3x3x16xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x4x5x16xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<1x4x5x16xf32>) -> tensor<1x4x5x16xf32>
  %y = linalg.conv_2d_nhwc_fhwc {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w : tensor<1x4x5x16xf32>, tensor<16x1x1x16xf32>) outs(%init : tensor<1x4x5x16xf32>) -> tensor<1x4x5x16xf32>
  %p = tensor.pad %y low[0, 1, 1, 0] high[0, 1, 1, 0] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %zero : f32
  } : tensor<1x4x5x16xf32> to tensor<1x6x7x16xf32>
  %y2 = linalg.conv_2d_nhwc_fhwc {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%p, %w2 : tensor<1x6x7x16xf32>, tensor<16x3x3x16xf32>) outs(%init : tensor<1x4x5x16xf32>) -> tensor<1x4x5x16xf32>
  %p2 = tensor.pad %y2 low[0, 1, 1, 0] high[0, 1, 1, 0] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %zero : f32
  } : tensor<1x4x5x16xf32> to tensor<1x6x7x16xf32>
  %y3 = linalg.conv_2d_nhwc_fhwc {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%p2, %w2 : tensor<1x6x7x16xf32>, tensor<16x3x3x16xf32>) outs(%init : tensor<1x4x5x16xf32>) -> tensor<1x4x5x16xf32>
  return %y, %y3 : tensor<1x4x5x16xf32>, tensor<1x4x5x16xf32>
}

// -----

// A result that is padded and also read through a slice of itself (a 1x1
// stride-2 convolution reads the top-left part, as resnet's downsampling
// does): the second kernel reads the padded tensor at the slice's offsets,
// not the first kernel's own result (which would make bufferization copy
// the interior out of the padded tensor and back).
// CHECK-LABEL: func.func @slice_of_padded_result
// CHECK: %[[P:.*]] = tensor.insert_slice %{{.*}} into %{{.*}}[0, 1, 1, 0] [1, 4, 5, 16] [1, 1, 1, 1] : tensor<1x4x5x16xf32> into tensor<1x6x7x16xf32>
// CHECK-NOT: tensor.collapse_shape %{{.*}} : tensor<1x4x5x16xf32>
// CHECK: tensor.collapse_shape %[[P]] {{\[}}[0, 1, 2, 3]] : tensor<1x6x7x16xf32> into tensor<672xf32>
// CHECK-NOT: tensor.collapse_shape %{{.*}} : tensor<1x4x5x16xf32>
// CHECK: return
func.func @slice_of_padded_result(%x: tensor<1x4x5x16xf32>) -> (tensor<1x4x5x16xf32>, tensor<1x2x2x16xf32>) {
  %w = arith.constant dense<0.5> : tensor<16x1x1x16xf32>
  %w2 = arith.constant dense<0.25> : tensor<16x3x3x16xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x4x5x16xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<1x4x5x16xf32>) -> tensor<1x4x5x16xf32>
  %y = linalg.conv_2d_nhwc_fhwc {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w : tensor<1x4x5x16xf32>, tensor<16x1x1x16xf32>) outs(%init : tensor<1x4x5x16xf32>) -> tensor<1x4x5x16xf32>
  %p = tensor.pad %y low[0, 1, 1, 0] high[0, 1, 1, 0] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %zero : f32
  } : tensor<1x4x5x16xf32> to tensor<1x6x7x16xf32>
  %y2 = linalg.conv_2d_nhwc_fhwc {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%p, %w2 : tensor<1x6x7x16xf32>, tensor<16x3x3x16xf32>) outs(%init : tensor<1x4x5x16xf32>) -> tensor<1x4x5x16xf32>
  %s = tensor.extract_slice %y[0, 0, 0, 0] [1, 3, 3, 16] [1, 1, 1, 1] : tensor<1x4x5x16xf32> to tensor<1x3x3x16xf32>
  %e3 = tensor.empty() : tensor<1x2x2x16xf32>
  %init3 = linalg.fill ins(%zero : f32) outs(%e3 : tensor<1x2x2x16xf32>) -> tensor<1x2x2x16xf32>
  %y3 = linalg.conv_2d_nhwc_fhwc {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%s, %w : tensor<1x3x3x16xf32>, tensor<16x1x1x16xf32>) outs(%init3 : tensor<1x2x2x16xf32>) -> tensor<1x2x2x16xf32>
  return %y2, %y3 : tensor<1x4x5x16xf32>, tensor<1x2x2x16xf32>
}

// -----

// One loop over the kernel's work items, (panel, row block) pairs panel by
// panel, marked for qnn-cpu-parallelize: 100 columns are one panel of 64
// and one of 36 (3 vectors, the last masked), 3 rows of 7-pixel segments
// (tiles of 4 + 3 rows): 2 x 3 = 6 items; an item of the narrow panel
// branches to its own code.
// CHECK-LABEL: func.func @work_items
// CHECK: scf.for %[[W:.*]] = %{{.*}} to %c6 step %c1 iter_args
// CHECK: %[[P:.*]] = arith.divui %[[W]], %c3 : index
// CHECK: %[[R:.*]] = arith.remui %[[W]], %c3 : index
// CHECK: %[[FULL:.*]] = arith.cmpi ult, %[[P]], %c1 : index
// CHECK: scf.if %[[FULL]]
// CHECK: } else {
// CHECK: vector.constant_mask [4] : vector<16xi1>
// CHECK: } {qnn.parallel}
// With a team of threads and small weights the items go row block by row
// block (block = item / 2 panels, panel = item % 2), for contiguous shares.
// TEAM-LABEL: func.func @work_items
// TEAM: scf.for %[[W:.*]] = %{{.*}} to %c6 step %c1 iter_args
// TEAM: %[[R:.*]] = arith.divui %[[W]], %c2 : index
// TEAM: %[[P:.*]] = arith.remui %[[W]], %c2 : index
// TEAM: arith.cmpi ult, %[[P]], %c1 : index
// TEAM: } {qnn.parallel, qnn.parallel_contiguous}
func.func @work_items(%x: tensor<1x3x7x8xf32>) -> tensor<1x3x7x100xf32> {
  %w = arith.constant dense<0.5> : tensor<100x1x1x8xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x3x7x100xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<1x3x7x100xf32>) -> tensor<1x3x7x100xf32>
  %y = linalg.conv_2d_nhwc_fhwc {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w : tensor<1x3x7x8xf32>, tensor<100x1x1x8xf32>) outs(%init : tensor<1x3x7x100xf32>) -> tensor<1x3x7x100xf32>
  return %y : tensor<1x3x7x100xf32>
}

// -----

// Flat tiles (rows of 3 pixels, narrower than 6): each row block is one
// tile of the 2x4x3 = 24 flat rows, a full one of 16 rows and a last one of
// 8 rows, chosen by the block index.
// CHECK-LABEL: func.func @flat_blocks
// CHECK: scf.for %[[W:.*]] = %{{.*}} to %c2 step %c1 iter_args
// CHECK: %[[FULL:.*]] = arith.cmpi ult, %[[W]], %c1 : index
// CHECK: scf.if %[[FULL]]
// CHECK: } {qnn.parallel}
func.func @flat_blocks(%x: tensor<2x4x3x8xf32>) -> tensor<2x4x3x16xf32> {
  %w = arith.constant dense<0.5> : tensor<16x1x1x8xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x4x3x16xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<2x4x3x16xf32>) -> tensor<2x4x3x16xf32>
  %y = linalg.conv_2d_nhwc_fhwc {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w : tensor<2x4x3x8xf32>, tensor<16x1x1x8xf32>) outs(%init : tensor<2x4x3x16xf32>) -> tensor<2x4x3x16xf32>
  return %y : tensor<2x4x3x16xf32>
}

// -----

// Another linalg op whose only user pads its result (the transpose of an
// NCHW input before the first convolution) writes into the interior of the
// padded tensor too: only the borders are filled, and no tensor.pad is
// left for bufferization to fill and copy in full.
// CHECK-LABEL: func.func @transpose_into_pad
// CHECK: %[[E:.*]] = bufferization.alloc_tensor() : tensor<1x5x6x3xf32>
// CHECK: tensor.extract_slice %{{.*}}[0, 0, 0, 0] [1, 1, 6, 3] [1, 1, 1, 1]
// CHECK: linalg.fill
// CHECK: tensor.extract_slice %{{.*}}[0, 1, 0, 0] [1, 4, 1, 3] [1, 1, 1, 1]
// CHECK: linalg.fill
// CHECK: %[[IN:.*]] = tensor.extract_slice %{{.*}}[0, 1, 1, 0] [1, 4, 5, 3] [1, 1, 1, 1] : tensor<1x5x6x3xf32> to tensor<1x4x5x3xf32>
// CHECK: %[[T:.*]] = linalg.transpose ins(%{{.*}} : tensor<1x3x4x5xf32>) outs(%[[IN]] : tensor<1x4x5x3xf32>)
// CHECK: %[[P:.*]] = tensor.insert_slice %[[T]] into %{{.*}}[0, 1, 1, 0] [1, 4, 5, 3] [1, 1, 1, 1]
// CHECK-NOT: tensor.pad
// CHECK: return %[[P]]
func.func @transpose_into_pad(%x: tensor<1x3x4x5xf32>) -> tensor<1x5x6x3xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x4x5x3xf32>
  %t = linalg.transpose ins(%x : tensor<1x3x4x5xf32>) outs(%e : tensor<1x4x5x3xf32>) permutation = [0, 2, 3, 1]
  %p = tensor.pad %t low[0, 1, 1, 0] high[0, 0, 0, 0] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %zero : f32
  } : tensor<1x4x5x3xf32> to tensor<1x5x6x3xf32>
  return %p : tensor<1x5x6x3xf32>
}

// -----

// A producer with another user keeps its own result: the pad stays.
// CHECK-LABEL: func.func @shared_producer_keeps_pad
// CHECK: tensor.pad
func.func @shared_producer_keeps_pad(%x: tensor<1x3x4x5xf32>) -> (tensor<1x5x6x3xf32>, tensor<1x4x5x3xf32>) {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x4x5x3xf32>
  %t = linalg.transpose ins(%x : tensor<1x3x4x5xf32>) outs(%e : tensor<1x4x5x3xf32>) permutation = [0, 2, 3, 1]
  %p = tensor.pad %t low[0, 1, 1, 0] high[0, 0, 0, 0] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %zero : f32
  } : tensor<1x4x5x3xf32> to tensor<1x5x6x3xf32>
  return %p, %t : tensor<1x5x6x3xf32>, tensor<1x4x5x3xf32>
}
