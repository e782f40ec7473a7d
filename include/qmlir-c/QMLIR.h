/*===-- qmlir-c/QMLIR.h - C API of the qmlir compiler -------------*- C -*-===*\
|*                                                                            *|
|* For hosts that are not C++: load a model (.onnx, .onnxtxt, .mlir,          *|
|* .mlirbc), quantize it, run pass pipelines on it (lowering for a target),   *|
|* compile it for the host CPU and run it on buffers.                         *|
|*                                                                            *|
|* Conventions are MLIR's C API (mlir-c/): handles are structs holding one    *|
|* opaque pointer, null on failure (check with qmlir*IsNull); strings are     *|
|* MlirStringRef (not necessarily null-terminated); every Create or Load has  *|
|* a Destroy; functions that can fail return MlirLogicalResult, and the       *|
|* context keeps the message of its last failure (one line, the compiler's    *|
|* diagnostic). A context is used by one thread at a time.                    *|
|*                                                                            *|
\*===----------------------------------------------------------------------===*/

#ifndef QMLIR_C_QMLIR_H
#define QMLIR_C_QMLIR_H

#include "mlir-c/Support.h"

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define QMLIR_CAPI_EXPORTED __attribute__((visibility("default")))

/// A compiler context: the MLIR context with qmlir's dialects, and the last
/// error message.
typedef struct QmlirContext {
  void *ptr;
} QmlirContext;

/// A model: its IR and, once compiled, its executable form.
typedef struct QmlirModel {
  void *ptr;
} QmlirModel;

/// Element types of model inputs and outputs (quantized tensors report
/// their storage type).
typedef enum QmlirElementType {
  QmlirElementTypeF32 = 0,
  QmlirElementTypeF64,
  QmlirElementTypeI8,
  QmlirElementTypeU8,
  QmlirElementTypeI16,
  QmlirElementTypeI32,
  QmlirElementTypeI64,
  QmlirElementTypeI1,
} QmlirElementType;

/// One input or output of a compiled model. `name` and `shape` stay valid
/// until the model is destroyed or recompiled.
typedef struct QmlirTensorSpec {
  MlirStringRef name;
  QmlirElementType elementType;
  intptr_t rank;
  const int64_t *shape;
} QmlirTensorSpec;

//===----------------------------------------------------------------------===//
// Registration and context
//===----------------------------------------------------------------------===//

/// Registers qmlir's passes and pipelines (qnn-*, convert-qnn-to-*) with
/// MLIR's global pass registry, so that textual pipelines can name them.
/// Idempotent; qmlirContextCreate calls it.
QMLIR_CAPI_EXPORTED void qmlirRegisterAllPasses(void);

/// A context with every dialect a model may contain (qnn, quant, tosa,
/// linalg, ... ) registered and loaded.
QMLIR_CAPI_EXPORTED QmlirContext qmlirContextCreate(void);
QMLIR_CAPI_EXPORTED void qmlirContextDestroy(QmlirContext context);
static inline bool qmlirContextIsNull(QmlirContext context) {
  return !context.ptr;
}

/// The message of the last failure of a call on this context or one of its
/// models; empty when none failed. Valid until the next failing call.
QMLIR_CAPI_EXPORTED MlirStringRef
qmlirContextGetLastError(QmlirContext context);

//===----------------------------------------------------------------------===//
// Models
//===----------------------------------------------------------------------===//

/// Loads a model file by its extension. `batchSize` replaces a symbolic
/// batch dimension (ONNX). Null on failure.
QMLIR_CAPI_EXPORTED QmlirModel qmlirModelLoad(QmlirContext context,
                                              MlirStringRef path,
                                              int64_t batchSize);

/// Parses a module from MLIR text. Null on failure.
QMLIR_CAPI_EXPORTED QmlirModel qmlirModelParse(QmlirContext context,
                                               MlirStringRef text);

QMLIR_CAPI_EXPORTED void qmlirModelDestroy(QmlirModel model);
static inline bool qmlirModelIsNull(QmlirModel model) { return !model.ptr; }

/// Quantizes a float model in place: qnn-fold-batchnorm,
/// qnn-insert-calibration, qnn-calibrate on `samples` (a .npy or .npz file;
/// empty: random samples, with a warning on stderr) and qnn-quantize, both
/// with the JSON `config` (empty: the default int8 scheme). See
/// docs/Quantization.md.
QMLIR_CAPI_EXPORTED MlirLogicalResult qmlirModelQuantize(QmlirModel model,
                                                         MlirStringRef samples,
                                                         MlirStringRef config);

/// Runs a textual pass pipeline on the module in place: as mlir-opt's
/// --pass-pipeline takes it ("builtin.module(qnn-export-tosa)") or the
/// passes inside it ("qnn-export-tosa", "func.func(canonicalize)"); e.g. a
/// lowering for a target.
QMLIR_CAPI_EXPORTED MlirLogicalResult
qmlirModelRunPassPipeline(QmlirModel model, MlirStringRef pipeline);

/// Prints the module (with locations when `withLocations`) through
/// `callback`, in one or more pieces.
QMLIR_CAPI_EXPORTED void qmlirModelPrint(QmlirModel model, bool withLocations,
                                         MlirStringCallback callback,
                                         void *userData);

//===----------------------------------------------------------------------===//
// Running on the host CPU
//===----------------------------------------------------------------------===//

/// Compiles the function `main` for the host CPU (the LLVM JIT). Running
/// compiles on first use too; the IR must not change afterwards (a pass
/// pipeline or quantization drops the compiled form).
QMLIR_CAPI_EXPORTED MlirLogicalResult qmlirModelCompile(QmlirModel model);

/// Number of inputs/outputs of the compiled model (compiling it if needed;
/// -1 on failure).
QMLIR_CAPI_EXPORTED intptr_t qmlirModelGetNumInputs(QmlirModel model);
QMLIR_CAPI_EXPORTED intptr_t qmlirModelGetNumOutputs(QmlirModel model);
QMLIR_CAPI_EXPORTED MlirLogicalResult qmlirModelGetInput(QmlirModel model,
                                                         intptr_t index,
                                                         QmlirTensorSpec *spec);
QMLIR_CAPI_EXPORTED MlirLogicalResult
qmlirModelGetOutput(QmlirModel model, intptr_t index, QmlirTensorSpec *spec);

/// Runs the compiled model once. `inputs[i]` holds input i densely in
/// row-major order, with its element type and shape; `outputs[i]` receives
/// output i likewise (the caller allocates both).
QMLIR_CAPI_EXPORTED MlirLogicalResult qmlirModelRun(QmlirModel model,
                                                    intptr_t numInputs,
                                                    const void *const *inputs,
                                                    intptr_t numOutputs,
                                                    void *const *outputs);

/// Opt-in malloc settings for a process that runs models repeatedly: glibc
/// keeps freed memory in the heap (no mmap for large blocks, no trimming),
/// so a model's intermediate buffers are not page-faulted and zeroed again
/// on every call (qrun and the Python module do this at start-up). It
/// changes the allocator of the whole process, which keeps its peak heap
/// size until it exits, so the library never does it on its own; call it
/// once, early, if that suits the host. Returns false without glibc or when
/// the environment variable QMLIR_KEEP_FREED_MEMORY is "0".
QMLIR_CAPI_EXPORTED bool qmlirKeepFreedMemoryForModels(void);

#ifdef __cplusplus
}
#endif

#endif // QMLIR_C_QMLIR_H
