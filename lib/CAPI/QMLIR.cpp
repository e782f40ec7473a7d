//===- QMLIR.cpp - C API of the qmlir compiler ----------------------------===//
//
// Thin wrappers over LoadModel, the qnn passes and the JIT, in the manner of
// python/src/QmlirModule.cpp: every failure becomes the context's last error
// (the first error diagnostic, one line) and a failure result, never an
// abort.
//
//===----------------------------------------------------------------------===//

#include "qmlir-c/QMLIR.h"

#include "qmlir/Conversion/Passes.h"
#include "qmlir/Conversion/Pipelines.h"
#include "qmlir/Dialect/QNN/Transforms/Passes.h"
#include "qmlir/Frontend/LoadModel.h"
#include "qmlir/Runtime/Allocator.h"
#include "qmlir/Runtime/JIT.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "llvm/Support/raw_ostream.h"

#include <cstring>
#include <memory>
#include <mutex>
#include <string>

using namespace qmlir;

namespace {

struct Context {
  std::unique_ptr<mlir::MLIRContext> ctx;
  std::string lastError;
};

struct Model {
  Context *context;
  mlir::OwningOpRef<mlir::ModuleOp> module;
  std::unique_ptr<JITModule> jit;
};

Context *unwrap(QmlirContext c) { return static_cast<Context *>(c.ptr); }
Model *unwrap(QmlirModel m) { return static_cast<Model *>(m.ptr); }
llvm::StringRef unwrap(MlirStringRef s) { return {s.data, s.length}; }

MlirLogicalResult fail(Context *context, std::string message) {
  context->lastError = std::move(message);
  return mlirLogicalResultFailure();
}

/// Keeps the first error diagnostic while alive.
class FirstError {
public:
  explicit FirstError(mlir::MLIRContext *ctx)
      : handler(ctx, [this](mlir::Diagnostic &d) {
          if (d.getSeverity() == mlir::DiagnosticSeverity::Error &&
              message.empty())
            message = d.str();
          // Warnings (e.g. calibration on random samples) go to stderr.
          if (d.getSeverity() == mlir::DiagnosticSeverity::Warning)
            llvm::errs() << "warning: " << d.str() << "\n";
          return mlir::success();
        }) {}
  std::string take(llvm::StringRef fallback) {
    return message.empty() ? fallback.str() : message;
  }

private:
  std::string message;
  mlir::ScopedDiagnosticHandler handler;
};

MlirLogicalResult runPasses(Model *model, mlir::PassManager &pm,
                            llvm::StringRef what) {
  FirstError error(model->context->ctx.get());
  model->jit.reset();
  if (mlir::failed(pm.run(*model->module)))
    return fail(model->context, error.take(what.str() + " failed"));
  return mlirLogicalResultSuccess();
}

MlirLogicalResult getSpec(Model *model, intptr_t index, QmlirTensorSpec *spec,
                          bool input) {
  if (mlirLogicalResultIsFailure(qmlirModelCompile(QmlirModel{model})))
    return mlirLogicalResultFailure();
  llvm::ArrayRef<TensorSpec> specs =
      input ? model->jit->inputs() : model->jit->outputs();
  if (index < 0 || index >= static_cast<intptr_t>(specs.size()))
    return fail(model->context, (input ? "input " : "output ") +
                                    std::to_string(index) +
                                    " does not exist (the model has " +
                                    std::to_string(specs.size()) + ")");
  const TensorSpec &s = specs[index];
  spec->name = mlirStringRefCreate(s.name.data(), s.name.size());
  spec->elementType = static_cast<QmlirElementType>(s.type);
  spec->rank = static_cast<intptr_t>(s.shape.size());
  spec->shape = s.shape.data();
  return mlirLogicalResultSuccess();
}

} // namespace

// The C enum mirrors qmlir::ElementType.
static_assert(static_cast<int>(ElementType::F32) == QmlirElementTypeF32 &&
                  static_cast<int>(ElementType::I8) == QmlirElementTypeI8 &&
                  static_cast<int>(ElementType::I1) == QmlirElementTypeI1,
              "QmlirElementType must match qmlir::ElementType");

void qmlirRegisterAllPasses(void) {
  static std::once_flag once;
  std::call_once(once, [] {
    qmlir::qnn::registerQNNPasses();
    qmlir::registerQMLIRConversionPasses();
    qmlir::registerQNNPipelines();
  });
}

QmlirContext qmlirContextCreate(void) {
  qmlirRegisterAllPasses();
  mlir::DialectRegistry registry;
  registerModelDialects(registry);
  auto *context = new Context;
  context->ctx = std::make_unique<mlir::MLIRContext>(registry);
  context->ctx->loadAllAvailableDialects();
  return QmlirContext{context};
}

void qmlirContextDestroy(QmlirContext context) { delete unwrap(context); }

MlirStringRef qmlirContextGetLastError(QmlirContext context) {
  const std::string &e = unwrap(context)->lastError;
  return mlirStringRefCreate(e.data(), e.size());
}

QmlirModel qmlirModelLoad(QmlirContext context, MlirStringRef path,
                          int64_t batchSize) {
  Context *c = unwrap(context);
  if (batchSize < 1) {
    fail(c, "batch size must be >= 1, got " + std::to_string(batchSize));
    return QmlirModel{nullptr};
  }
  LoadOptions options;
  options.batchSize = batchSize;
  auto module = loadModel(unwrap(path), *c->ctx, options);
  if (!module) {
    fail(c, llvm::toString(module.takeError()));
    return QmlirModel{nullptr};
  }
  return QmlirModel{new Model{c, std::move(*module), nullptr}};
}

QmlirModel qmlirModelParse(QmlirContext context, MlirStringRef text) {
  Context *c = unwrap(context);
  FirstError error(c->ctx.get());
  auto module =
      mlir::parseSourceString<mlir::ModuleOp>(unwrap(text), c->ctx.get());
  if (!module) {
    fail(c, "cannot parse MLIR: " + error.take("invalid module"));
    return QmlirModel{nullptr};
  }
  return QmlirModel{new Model{c, std::move(module), nullptr}};
}

void qmlirModelDestroy(QmlirModel model) { delete unwrap(model); }

MlirLogicalResult qmlirModelQuantize(QmlirModel model, MlirStringRef samples,
                                     MlirStringRef config) {
  Model *m = unwrap(model);
  mlir::PassManager pm(m->context->ctx.get());
  pm.addNestedPass<mlir::func::FuncOp>(qnn::createQNNFoldBatchNormPass());
  pm.addNestedPass<mlir::func::FuncOp>(qnn::createQNNInsertCalibrationPass());
  qnn::QNNCalibratePassOptions calibrate;
  calibrate.samples = unwrap(samples).str();
  calibrate.config = unwrap(config).str();
  pm.addPass(qnn::createQNNCalibratePass(calibrate));
  qnn::QNNQuantizePassOptions quantize;
  quantize.config = unwrap(config).str();
  pm.addPass(qnn::createQNNQuantizePass(quantize));
  return runPasses(m, pm, "quantization");
}

MlirLogicalResult qmlirModelRunPassPipeline(QmlirModel model,
                                            MlirStringRef pipeline) {
  Model *m = unwrap(model);
  mlir::PassManager pm(m->context->ctx.get());
  std::string errors;
  llvm::raw_string_ostream os(errors);
  // The passes of `builtin.module(...)` go into the module's pass manager
  // (parsed as given, they would be nested on modules inside the module).
  llvm::StringRef passes = unwrap(pipeline).trim();
  if (passes.starts_with("builtin.module(") && passes.ends_with(")"))
    passes = passes.drop_front(strlen("builtin.module(")).drop_back();
  if (mlir::failed(mlir::parsePassPipeline(passes, pm, os)))
    return fail(m->context, "invalid pass pipeline '" + unwrap(pipeline).str() +
                                "': " + errors);
  return runPasses(m, pm, "pass pipeline '" + unwrap(pipeline).str() + "'");
}

void qmlirModelPrint(QmlirModel model, bool withLocations,
                     MlirStringCallback callback, void *userData) {
  std::string text;
  llvm::raw_string_ostream os(text);
  mlir::OpPrintingFlags flags;
  if (withLocations)
    flags.enableDebugInfo();
  unwrap(model)->module->print(os, flags);
  callback(mlirStringRefCreate(text.data(), text.size()), userData);
}

MlirLogicalResult qmlirModelCompile(QmlirModel model) {
  Model *m = unwrap(model);
  if (m->jit)
    return mlirLogicalResultSuccess();
  FirstError error(m->context->ctx.get());
  auto jit = JITModule::compile(*m->module, "main");
  if (!jit)
    return fail(m->context, llvm::toString(jit.takeError()));
  m->jit = std::move(*jit);
  return mlirLogicalResultSuccess();
}

intptr_t qmlirModelGetNumInputs(QmlirModel model) {
  if (mlirLogicalResultIsFailure(qmlirModelCompile(model)))
    return -1;
  return static_cast<intptr_t>(unwrap(model)->jit->inputs().size());
}

intptr_t qmlirModelGetNumOutputs(QmlirModel model) {
  if (mlirLogicalResultIsFailure(qmlirModelCompile(model)))
    return -1;
  return static_cast<intptr_t>(unwrap(model)->jit->outputs().size());
}

MlirLogicalResult qmlirModelGetInput(QmlirModel model, intptr_t index,
                                     QmlirTensorSpec *spec) {
  return getSpec(unwrap(model), index, spec, /*input=*/true);
}

MlirLogicalResult qmlirModelGetOutput(QmlirModel model, intptr_t index,
                                      QmlirTensorSpec *spec) {
  return getSpec(unwrap(model), index, spec, /*input=*/false);
}

MlirLogicalResult qmlirModelRun(QmlirModel model, intptr_t numInputs,
                                const void *const *inputs, intptr_t numOutputs,
                                void *const *outputs) {
  Model *m = unwrap(model);
  if (mlirLogicalResultIsFailure(qmlirModelCompile(model)))
    return mlirLogicalResultFailure();
  llvm::ArrayRef<TensorSpec> ins = m->jit->inputs(), outs = m->jit->outputs();
  if (numInputs != static_cast<intptr_t>(ins.size()) ||
      numOutputs != static_cast<intptr_t>(outs.size()))
    return fail(m->context, "the model has " + std::to_string(ins.size()) +
                                " inputs and " + std::to_string(outs.size()) +
                                " outputs, got " + std::to_string(numInputs) +
                                " and " + std::to_string(numOutputs));
  std::vector<HostTensor> tensors;
  for (auto [i, spec] : llvm::enumerate(ins)) {
    HostTensor t = HostTensor::allocate(spec.type, spec.shape);
    std::memcpy(t.rawData(), inputs[i], t.byteSize());
    tensors.push_back(std::move(t));
  }
  FirstError error(m->context->ctx.get());
  auto results = m->jit->run(tensors);
  if (!results)
    return fail(m->context, llvm::toString(results.takeError()));
  for (auto [i, t] : llvm::enumerate(*results))
    std::memcpy(outputs[i], t.rawData(), t.byteSize());
  return mlirLogicalResultSuccess();
}

bool qmlirKeepFreedMemoryForModels(void) {
  return qmlir::keepFreedMemoryForModels();
}
