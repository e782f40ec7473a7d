// qrun's one-line errors, exit status 1.

// RUN: %python -c "import numpy as np; np.save('%t.bad.npy', np.zeros((3, 4), 'f4')); np.save('%t.i32.npy', np.zeros((2, 4), 'i4')); np.save('%t.good.npy', np.ones((2, 4), 'f4')); np.save('%t.odd.npy', np.zeros((5, 4), 'f4'))"

// A wrong shape names the input, the file and both shapes.
// RUN: not qrun %s --input %t.bad.npy 2>&1 | FileCheck %s --check-prefix=SHAPE
// SHAPE: qrun: error: input 'x' (#0) from {{.*}}.bad.npy: expected 2x4 f32 (or a multiple along dim 0), got 3x4 f32

// So does a wrong dtype, and a batch that is not a multiple.
// RUN: not qrun %s -i x=%t.i32.npy 2>&1 | FileCheck %s --check-prefix=DTYPE
// DTYPE: qrun: error: input 'x' (#0) from {{.*}}.i32.npy: expected 2x4 f32 (or a multiple along dim 0), got 2x4 i32
// RUN: not qrun %s --input %t.odd.npy 2>&1 | FileCheck %s --check-prefix=ODD
// ODD: got 5x4 f32

// Missing and unknown inputs.
// RUN: not qrun %s 2>&1 | FileCheck %s --check-prefix=MISSING
// MISSING: qrun: error: missing input 'x' (#0): pass --input or -i x=file.npy
// RUN: not qrun %s -i y=%t.good.npy 2>&1 | FileCheck %s --check-prefix=UNKNOWN
// UNKNOWN: qrun: error: 'main' has no input named 'y'

// An unreadable .npy file.
// RUN: not qrun %s --input %t.missing.npy 2>&1 | FileCheck %s --check-prefix=NOFILE
// NOFILE: qrun: error: {{.*}}.missing.npy: cannot open

// An expectation that differs: the mismatches are reported, exit 1.
// RUN: not qrun %s --input %t.good.npy --expect %t.bad.npy 2>&1 | FileCheck %s --check-prefix=EXPSHAPE
// EXPSHAPE: qrun: error: output 'y' (#0) is 2x4 f32 but {{.*}}.bad.npy holds 3x4 f32
// RUN: not qrun %s --input %t.good.npy --expect %t.good.npy 2>&1 | FileCheck %s --check-prefix=MISMATCH
// MISMATCH: output 0 'y': max abs error 1, 8 mismatches of 8
// MISMATCH: qrun: FAILED: 8 elements differ from the expected outputs

// Unknown entry function; a missing model file.
// RUN: not qrun %s --entry nope 2>&1 | FileCheck %s --check-prefix=ENTRY
// ENTRY: qrun: error: no function 'nope' with a body in the module
// RUN: not qrun %t.model.onnx 2>&1 | FileCheck %s --check-prefix=ONNX
// ONNX: qrun: error: {{.*}}.model.onnx: cannot open: No such file or directory
// ONNX-NOT: error
// A malformed .mlir is one line naming the file, line and column.
// RUN: echo "func.func @main( garbage" > %t.bad.mlir
// RUN: not qrun %t.bad.mlir 2>&1 | FileCheck %s --check-prefix=PARSE
// PARSE: qrun: error: {{.*}}.bad.mlir:1:17: expected non-function type
// PARSE-NOT: error


// Bad code generation options.
// RUN: not qrun %s --input %t.good.npy --cpu-features=-avx512nope 2>&1 | FileCheck %s --check-prefix=FEATURE
// FEATURE: qrun: error: unknown CPU feature 'avx512nope' (expected an LLVM feature name of this host, e.g. avx512vnni)
// RUN: not qrun %s --input %t.good.npy --cpu-codegen=slow 2>&1 | FileCheck %s --check-prefix=CODEGEN
// CODEGEN: Cannot find option named 'slow'!

func.func @main(%x: tensor<2x4xf32> {qnn.name = "x"}) -> (tensor<2x4xf32> {qnn.name = "y"}) {
  %0 = qnn.add %x, %x : (tensor<2x4xf32>, tensor<2x4xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}
