//===- Compile.cpp - a model to an accelerator artifact -------------------===//
//
// The pipeline of docs/Targets.md built from the passes' create functions
// (so no pass registration is needed), then buildProgram, verifyProgram and
// compileCpuSegments. qmlir-compile and the Python package call this.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Dialect/NPU/Artifact/Compile.h"

#include "qmlir/Conversion/Passes.h"
#include "qmlir/Dialect/NPU/IR/NPUOps.h"
#include "qmlir/Dialect/NPU/Transforms/Passes.h"
#include "qmlir/Dialect/QNN/IR/QNNOps.h"
#include "qmlir/Target/Transforms/Pipelines.h"

#include "mlir/Pass/PassManager.h"
#include "llvm/Support/MemoryBuffer.h"

using namespace mlir;
using namespace qmlir;
using namespace qmlir::npu;

static llvm::Error makeError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

llvm::Expected<Artifact>
npu::compileArtifact(ModuleOp module, const ArtifactCompileOptions &options) {
  bool partitioned = false;
  bool quantized = false;
  module->walk([&](Operation *op) {
    partitioned |= isa<SegmentOp>(op);
    quantized |= isa<qnn::QuantizeOp>(op);
  });
  const std::string &source = options.source;
  PassManager pm(module.getContext());
  if (!options.targetPath.empty()) {
    if (partitioned)
      return makeError(source + " is already partitioned; drop --target");
    if (!quantized && options.samplesPath.empty())
      return makeError(source + " is a float model: give calibration samples "
                                "with --samples calib.npy");
    if (!quantized) {
      target::CalibrateQuantizeOptions quantize;
      quantize.target = options.targetPath;
      quantize.samples = options.samplesPath;
      quantize.method = options.method;
      target::buildCalibrateQuantizePipeline(pm, quantize);
    } else if (!options.samplesPath.empty()) {
      return makeError(source + " is already quantized: calibration samples "
                                "are not used");
    }
    ConvertQNNToNPUPassOptions lower;
    lower.target = options.targetPath;
    pm.addPass(createConvertQNNToNPUPass(lower));
    pm.addPass(createNPUPartitionPass());
  } else if (!options.samplesPath.empty()) {
    return makeError("--samples needs --target");
  } else if (!partitioned) {
    return makeError(source + " has no npu.segment ops: give --target t.json "
                              "(and --samples for a float model)");
  }
  if (!options.summaryOut.empty()) {
    NPUSummaryPassOptions summary;
    summary.out = options.summaryOut;
    pm.addPass(createNPUSummaryPass(summary));
  }
  if (failed(pm.run(module)))
    return makeError(source + ": compiling for the target failed");

  auto entry = module.lookupSymbol<func::FuncOp>(options.entry);
  if (!entry || entry.isExternal())
    return makeError("no function '" + options.entry + "' with a body");
  OwningOpRef<ModuleOp> cpuModule;
  auto program = buildProgram(entry, &cpuModule);
  if (!program)
    return program.takeError();
  if (llvm::Error e = verifyProgram(*program, source))
    return std::move(e);
  Artifact artifact;
  artifact.producer = options.producer;
  if (!options.targetPath.empty()) {
    auto text = llvm::MemoryBuffer::getFile(options.targetPath);
    if (!text)
      return makeError("cannot read " + options.targetPath + ": " +
                       text.getError().message());
    artifact.targetJson = (*text)->getBuffer().str();
  }
  artifact.program = std::move(*program);
  if (artifact.program.numCpuSegments) {
    auto code = compileCpuSegments(*cpuModule, artifact.program.numCpuSegments,
                                   options.codegen, options.linker);
    if (!code)
      return code.takeError();
    artifact.cpuSegments = std::move(*code);
  }
  return artifact;
}
