// The options of --qnn-lower-to-llvm: bad values are one-line errors; the
// reference codegen leaves no vector kernel, the fast one makes the
// convolution one (16-lane multiply-adds); cpu-features decides between
// vpdpbusd and 32-bit multiply-adds for int8, and without AVX-512 the
// kernels use 8-lane (256-bit) vectors.
// RUN: not qopt %s --qnn-lower-to-llvm=cpu-codegen=fastest 2>&1 | FileCheck %s --check-prefix=CODEGEN
// RUN: not qopt %s --qnn-lower-to-llvm=cpu-features=+avx512nope 2>&1 | FileCheck %s --check-prefix=FEATURE
// RUN: qopt %s --qnn-lower-to-llvm=cpu-codegen=reference | FileCheck %s --check-prefix=REF
// RUN: qopt %s --qnn-lower-to-llvm=cpu-codegen=fast | FileCheck %s --check-prefix=FAST
// RUN: qopt %s --qnn-lower-to-llvm="cpu-codegen=fast cpu-features=+avx512vnni" | FileCheck %s --check-prefix=VNNI
// RUN: qopt %s --qnn-lower-to-llvm=cpu-features=-avx512vnni | FileCheck %s --check-prefix=NOVNNI
// RUN: qopt %s --qnn-lower-to-llvm=cpu-features=-avx512f | FileCheck %s --check-prefix=AVX2

// CODEGEN: error: qnn-lower-to-llvm: cpu-codegen must be 'fast' or 'reference', got 'fastest'
// FEATURE: error: qnn-lower-to-llvm: unknown CPU feature 'avx512nope' (expected an LLVM feature name of this host, e.g. avx512vnni)
// REF-NOT: vector<16x
// FAST: llvm.intr.fmuladd{{.*}}vector<16xf32>
// VNNI: llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.512"
// NOVNNI-NOT: vpdpbusd
// NOVNNI: llvm.mul {{.*}} : vector<16xi32>
// NOVNNI-NOT: vpdpbusd
// AVX2-NOT: vector<16x
// AVX2: llvm.intr.fmuladd{{.*}}vector<8xf32>
// AVX2: llvm.mul {{.*}} : vector<8xi32>
// AVX2-NOT: vector<16x

func.func @float(%x: tensor<1x6x6x8xf32>) -> tensor<1x4x4x16xf32> {
  %w = arith.constant dense<0.25> : tensor<16x3x3x8xf32>
  %y = qnn.conv2d %x, %w : (tensor<1x6x6x8xf32>, tensor<16x3x3x8xf32>) -> tensor<1x4x4x16xf32>
  return %y : tensor<1x4x4x16xf32>
}

func.func @int8(%x: tensor<1x6x6x8x!quant.uniform<i8:f32, 0.05:-3>>) -> tensor<1x4x4x16x!quant.uniform<i8:f32, 0.5:4>> {
  %c = arith.constant dense<3> : tensor<16x3x3x8xi8>
  %w = quant.scast %c : tensor<16x3x3x8xi8> to tensor<16x3x3x8x!quant.uniform<i8:f32, 0.01>>
  %y = qnn.conv2d %x, %w : (tensor<1x6x6x8x!quant.uniform<i8:f32, 0.05:-3>>, tensor<16x3x3x8x!quant.uniform<i8:f32, 0.01>>) -> tensor<1x4x4x16x!quant.uniform<i8:f32, 0.5:4>>
  return %y : tensor<1x4x4x16x!quant.uniform<i8:f32, 0.5:4>>
}
