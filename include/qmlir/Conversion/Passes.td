//===- Passes.td - qmlir conversion passes -----------------*- tablegen -*-===//
//
// Passes that lower the qnn dialect towards executable code: qnn to TOSA, and
// the CPU bufferization step of the qnn-lower-to-llvm pipeline.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_CONVERSION_PASSES_TD
#define QMLIR_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def ConvertQNNToTOSAPass : Pass<"convert-qnn-to-tosa", "mlir::func::FuncOp"> {
  let summary = "Lower float and quantized qnn ops to TOSA on integer storage";
  let description = [{
    Rewrites every qnn op to TOSA ops. Quantized tensors
    (`tensor<...x!quant.uniform<...>>`) become tensors of their storage
    integer type, including in the function signature; the scale and zero
    point move into constants: zero-point operands of `tosa.conv2d` /
    `tosa.matmul` / `tosa.avg_pool2d`, multiplier/shift operands of
    `tosa.rescale` (computed with `qmath::computeRescale`, SINGLE_ROUND,
    scale32), and clamp bounds for narrow storage ranges. The integer results
    equal the scalar reference in `qmlir/Quant/QuantMath.h` bit for bit (see
    `docs/Lowering.md`).

    An op that cannot be lowered (e.g. unsigned storage, per-axis activations
    of an elementwise op, different input and output scales of a quantized
    average pool) gets an error at its location and the pass fails.

    Before:

    ```mlir
    func.func @f(%x: tensor<1x4x!quant.uniform<i8:f32, 0.5:-3>>)
        -> tensor<1x4x!quant.uniform<i8:f32, 0.25:1>> {
      %0 = qnn.requantize %x : (tensor<1x4x!quant.uniform<i8:f32, 0.5:-3>>)
                            -> tensor<1x4x!quant.uniform<i8:f32, 0.25:1>>
      return %0 : tensor<1x4x!quant.uniform<i8:f32, 0.25:1>>
    }
    ```

    After:

    ```mlir
    func.func @f(%x: tensor<1x4xi8>) -> tensor<1x4xi8> {
      %m = "tosa.const"() <{values = dense<1073741824> : tensor<1xi32>}> ...
      %s = "tosa.const"() <{values = dense<29> : tensor<1xi8>}> ...
      %iz = "tosa.const"() <{values = dense<-3> : tensor<1xi8>}> ...
      %oz = "tosa.const"() <{values = dense<1> : tensor<1xi8>}> ...
      %0 = tosa.rescale %x, %m, %s, %iz, %oz {rounding_mode = SINGLE_ROUND,
             scale32 = true, per_channel = false, ...}
        : (tensor<1x4xi8>, ...) -> tensor<1x4xi8>
      return %0 : tensor<1x4xi8>
    }
    ```
  }];
  let dependentDialects = [
    "mlir::tosa::TosaDialect",
    "mlir::arith::ArithDialect",
    "mlir::linalg::LinalgDialect",
    "mlir::tensor::TensorDialect",
  ];
}

def CPUBufferizePass : Pass<"qnn-cpu-bufferize", "mlir::ModuleOp"> {
  let summary = "Bufferize a lowered qnn module for the CPU calling convention";
  let description = [{
    One-shot bufferization of the whole module with function boundaries and
    identity-layout memrefs, followed by turning every function result into
    an out-parameter (static result allocations are hoisted to the caller, so
    the callee writes straight into the caller's buffer). Arguments of public
    functions are marked read-only so that the caller's input buffers are
    never written, and every copy the two steps need is a `linalg.copy`, so
    that no runtime library (`memrefCopy`) is required.

    Before:

    ```mlir
    func.func @main(%x: tensor<4xf32>) -> tensor<4xf32> {
      %0 = linalg.generic ... ins(%x : tensor<4xf32>) outs(%e : tensor<4xf32>)
      return %0 : tensor<4xf32>
    }
    ```

    After:

    ```mlir
    func.func @main(%x: memref<4xf32>, %out: memref<4xf32>) {
      linalg.generic ... ins(%x : memref<4xf32>) outs(%out : memref<4xf32>)
      return
    }
    ```
  }];
  let dependentDialects = [
    "mlir::bufferization::BufferizationDialect",
    "mlir::linalg::LinalgDialect",
    "mlir::memref::MemRefDialect",
  ];
}


def QNNFinalizeTOSAExportPass
    : Pass<"qnn-finalize-tosa-export", "mlir::func::FuncOp"> {
  let summary = "Make the output of convert-qnn-to-tosa pure TOSA";
  let description = [{
    The last step of `--qnn-export-tosa`: tensor `arith.constant`s (weights,
    biases) become `tosa.const`, and any op that is not TOSA or the function
    structure is an error naming it, so that the result is a module that any
    TOSA consumer reads and that upstream `mlir-opt` lowers without qmlir.

    ```mlir
    // Before
    %w = arith.constant dense<[[1, -2]]> : tensor<1x2xi8>
    // After
    %w = "tosa.const"() <{values = dense<[[1, -2]]> : tensor<1x2xi8>}> : () -> tensor<1x2xi8>
    ```
  }];
  let dependentDialects = ["mlir::tosa::TosaDialect"];
}

#endif // QMLIR_CONVERSION_PASSES_TD
