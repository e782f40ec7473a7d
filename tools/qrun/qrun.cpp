//===- qrun.cpp - run a qnn model on .npy inputs --------------------------===//
//
//   qrun model.{mlir,mlirbc,onnx,pb,pbtxt,so,qart} [--batch N] [--shape name=DxD...] [--entry main] (--input x.npy ... | -i name=x.npy ...)
//        [--inputs node[:i],...] [--outputs node[:i],...]
//        [--output out.npy ...] [--expect e.npy ... --atol A --rtol R]
//        [--labels y.npy] [--compare-to float.mlir] [--summary] [--repeat N]
//        [--cpu-codegen fast|reference] [--cpu-features -avx512vnni,...]
//        [--load-plugin lib.so ...]
//        [--threads N] [--parallel-min-work W] [--prefix model]
//
// Compiles the entry function with the JIT (or loads a library compiled by
// qmlir-compile, whose C symbols start with --prefix), runs it (in chunks when
// the inputs hold a multiple of the compiled batch), writes and compares the
// outputs, reports top-1 accuracy against labels, and, given a reference
// model, the error of every layer against it.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Analysis/LayerErrors.h"
#include "qmlir/Analysis/ModelSummary.h"
#include "qmlir/Dialect/NPU/Artifact/Artifact.h"
#include "qmlir/Dialect/NPU/IR/NPUOps.h"
#include "qmlir/Dialect/NPU/Sim/Simulator.h"
#include "qmlir/Dialect/QNN/IR/QNNDialect.h"
#include "qmlir/Dialect/QNN/IR/QNNOps.h"
#include "qmlir/Dialect/QNN/Transforms/Passes.h"
#include "qmlir/Dialect/QNN/Transforms/TensorNames.h"
#include "qmlir/Frontend/LoadModel.h"
#include "qmlir/Runtime/AOT.h"
#include "qmlir/Runtime/Allocator.h"
#include "qmlir/Runtime/CodegenOptions.h"
#include "qmlir/Runtime/CustomOps.h"
#include "qmlir/Runtime/JIT.h"
#include "qmlir/Runtime/Npy.h"
#include "qmlir/Support/Limits.h"
#include "qmlir/Support/OutputFile.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/OwningOpRef.h"
#include "mlir/Pass/PassManager.h"

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>
#include <map>
#include <optional>

using namespace mlir;
using namespace qmlir;
namespace cl = llvm::cl;

static cl::OptionCategory qrunCategory("qrun options");

static cl::opt<std::string>
    modelPath(cl::Positional, cl::Required,
              cl::desc("<model.mlir | model.mlirbc | model.onnx | model.pb | "
                       "model.pbtxt | libmodel.so | model.qart>"),
              cl::cat(qrunCategory));
static cl::opt<std::string> entryName("entry", cl::init("main"),
                                      cl::desc("Function to run"),
                                      cl::cat(qrunCategory));
static cl::list<std::string>
    inputFiles("input", cl::desc("Input .npy file, in argument order"),
               cl::value_desc("x.npy"), cl::cat(qrunCategory));
static cl::list<std::string>
    namedInputs("i", cl::desc("Input by name: -i name=x.npy"),
                cl::value_desc("name=x.npy"), cl::cat(qrunCategory));
static cl::list<std::string>
    outputFiles("output", cl::desc("Write output i to the i-th file"),
                cl::value_desc("out.npy"), cl::cat(qrunCategory));
static cl::list<std::string>
    expectFiles("expect",
                cl::desc("Compare output i with the i-th .npy file; exit 1 "
                         "on a mismatch"),
                cl::value_desc("e.npy"), cl::cat(qrunCategory));
static cl::opt<double> absTol("atol", cl::init(1e-5),
                            cl::desc("Absolute tolerance for float outputs"),
                            cl::cat(qrunCategory));
static cl::opt<double> relTol("rtol", cl::init(1e-5),
                            cl::desc("Relative tolerance for float outputs"),
                            cl::cat(qrunCategory));
static cl::opt<std::string>
    labelsPath("labels",
               cl::desc("Integer labels: print the top-1 accuracy of output 0 "
                        "(argmax over its last dimension)"),
               cl::value_desc("y.npy"), cl::cat(qrunCategory));

static cl::opt<std::string> compareTo(
    "compare-to",
    cl::desc("Reference (float) model: print each layer's error (SQNR, "
             "cosine) against it on the same inputs, worst first"),
    cl::value_desc("float.mlir"), cl::cat(qrunCategory));

static llvm::cl::opt<int64_t> maxTensorBytes(
    "max-tensor-bytes",
    llvm::cl::desc("Largest tensor a model file may declare or hold, in "
                   "bytes (default 4 GiB, or QMLIR_MAX_TENSOR_BYTES)"),
    llvm::cl::cb<void, int64_t>(
        [](int64_t bytes) { qmlir::setMaxTensorBytes(bytes); }), llvm::cl::cat(qrunCategory));

static cl::list<std::string>
    plugins("load-plugin",
            cl::desc("Load a custom-op plugin library (include/qmlir-c/"
                     "CustomOp.h)"),
            cl::value_desc("lib.so"), cl::cat(qrunCategory));
static cl::opt<bool> adoptQDQ(
    "adopt-qdq",
    cl::desc("Run an imported model that is already quantized (ONNX "
             "QuantizeLinear/DequantizeLinear, TF FakeQuant) with integer ops "
             "and the model's own scales and zero points (qnn-adopt-qdq, "
             "qnn-quantize); =false runs the imported float ops between the "
             "quantize/dequantize pairs"),
    cl::init(true), cl::cat(qrunCategory));
static cl::opt<bool> calibrateFloatOps(
    "calibrate-float-ops",
    cl::desc("With --adopt-qdq: quantize the ops the model leaves float too "
             "(qnn-adopt-qdq's calibrate-float-ops), with ranges measured on "
             "--samples (qnn-calibrate); default: they run in float, as in "
             "ONNX Runtime"),
    cl::cat(qrunCategory));
static cl::opt<std::string> samplesPath(
    "samples",
    cl::desc("Calibration samples for --calibrate-float-ops (.npy/.npz, as "
             "qnn-calibrate's samples=)"),
    cl::value_desc("calib.npy"), cl::cat(qrunCategory));

static cl::opt<bool> printSummary(
    "summary",
    cl::desc("Print the model's layer table (op, output shape, kernel, bit "
             "widths, parameters) and exit; needs no inputs"),
    cl::cat(qrunCategory));

static cl::opt<unsigned> repeatRuns(
    "repeat", cl::init(0),
    cl::desc("Benchmark: after the first run, run N more times on the same "
             "inputs and print the median and minimum time per run"),
    cl::value_desc("N"), cl::cat(qrunCategory));

static cl::opt<std::string> aotPrefix(
    "prefix", cl::init("model"),
    cl::desc("Compiled libraries (.so from qmlir-compile): the prefix of "
             "their C symbols (default: model)"),
    cl::cat(qrunCategory));

static int fail(const llvm::Twine &message) {
  llvm::outs().flush();
  llvm::errs() << "qrun: error: " << message << "\n";
  return 1;
}

static cl::opt<int64_t> onnxBatch(
    "batch", cl::init(1),
    cl::desc("ONNX models and TF graphs: batch size the model is compiled "
             "for (inputs holding a multiple of it run in chunks)"),
    cl::cat(qrunCategory));
// --inputs / --outputs as in qmlir-translate; --tf-inputs / --tf-outputs
// are the earlier spelling, still accepted (separate lists rather than
// cl::alias, which would not split the comma-separated values).
static cl::list<std::string>
    tfInputs("inputs", cl::CommaSeparated,
             cl::desc("TF graphs: tensors that become the inputs"),
             cl::value_desc("node[:i],..."), cl::cat(qrunCategory));
static cl::list<std::string>
    tfInputsOld("tf-inputs", cl::CommaSeparated, cl::desc("Same as --inputs"),
                cl::value_desc("node[:i],..."), cl::cat(qrunCategory));
static cl::list<std::string>
    tfOutputs("outputs", cl::CommaSeparated,
              cl::desc("TF graphs: tensors that become the outputs"),
              cl::value_desc("node[:i],..."), cl::cat(qrunCategory));
static cl::list<std::string>
    tfOutputsOld("tf-outputs", cl::CommaSeparated,
                 cl::desc("Same as --outputs"), cl::value_desc("node[:i],..."),
                 cl::cat(qrunCategory));
static cl::list<std::string> inputShapes(
    "shape",
    cl::desc("ONNX models and TF graphs: static shape of an input (TF: or "
             "of a custom op's result), e.g. --shape input=1x3x224x224 "
             "(repeatable)"),
    cl::value_desc("name=DxDx..."), cl::cat(qrunCategory));

static bool isFloat(ElementType t) {
  return t == ElementType::F32 || t == ElementType::F64;
}

static double getDouble(const HostTensor &t, int64_t i) {
  switch (t.type) {
  case ElementType::F32:
    return t.data<float>()[i];
  case ElementType::F64:
    return t.data<double>()[i];
  default:
    break;
  }
  llvm_unreachable("not a float tensor");
}

static int64_t getInt(const HostTensor &t, int64_t i) {
  switch (t.type) {
  case ElementType::I8:
    return t.data<int8_t>()[i];
  case ElementType::U8:
  case ElementType::I1:
    return t.data<uint8_t>()[i];
  case ElementType::I16:
    return t.data<int16_t>()[i];
  case ElementType::I32:
    return t.data<int32_t>()[i];
  case ElementType::I64:
    return t.data<int64_t>()[i];
  default:
    break;
  }
  llvm_unreachable("not an integer tensor");
}

static double getNumber(const HostTensor &t, int64_t i) {
  return isFloat(t.type) ? getDouble(t, i) : static_cast<double>(getInt(t, i));
}

/// Compares one output with its expectation; returns the mismatch count or
/// an error for a dtype/shape mismatch.
static llvm::Expected<int64_t> compare(const TensorSpec &spec, unsigned index,
                                       const HostTensor &out,
                                       const HostTensor &expected,
                                       llvm::StringRef path) {
  if (expected.type != out.type || expected.shape != out.shape)
    return llvm::createStringError(
        llvm::inconvertibleErrorCode(),
        "output '" + spec.name + "' (#" + llvm::Twine(index) + ") is " +
            formatShape(out.shape) + " " + stringifyElementType(out.type) +
            " but " + path + " holds " + formatShape(expected.shape) + " " +
            stringifyElementType(expected.type));
  int64_t mismatches = 0;
  double maxError = 0.0;
  for (int64_t i = 0, e = out.numElements(); i < e; ++i) {
    if (isFloat(out.type)) {
      double a = getDouble(out, i), b = getDouble(expected, i);
      // Equal infinities (and NaN against NaN) match.
      if ((std::isnan(a) && std::isnan(b)) || a == b)
        continue;
      double err = std::fabs(a - b);
      if (!(err <= absTol + relTol * std::fabs(b)))
        ++mismatches;
      if (std::isnan(err) || err > maxError)
        maxError = std::isnan(err) ? INFINITY : err;
    } else {
      int64_t a = getInt(out, i), b = getInt(expected, i);
      if (a != b)
        ++mismatches;
      maxError = std::max(maxError, std::fabs(double(a) - double(b)));
    }
  }
  llvm::outs() << "output " << index << " '" << spec.name
               << "': max abs error " << llvm::format("%g", maxError) << ", "
               << mismatches << " mismatches of " << out.numElements();
  if (isFloat(out.type))
    llvm::outs() << " (atol " << llvm::format("%g", double(absTol)) << ", rtol "
                 << llvm::format("%g", double(relTol)) << ")";
  llvm::outs() << "\n";
  return mismatches;
}

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  // Freed intermediate buffers stay in the heap for the next call
  // (qmlir/Runtime/Allocator.h): mobilenet_v2 at batch 100 spent 1.8 s of
  // its 3.4 s per call in page faults without it.
  keepFreedMemoryForModels();
  registerCodegenOptions(qrunCategory);
  cl::HideUnrelatedOptions(qrunCategory);
  cl::ParseCommandLineOptions(argc, argv, "qmlir model runner\n");
  {
    // Never overwrite a file the user gave as an input.
    std::vector<std::string> inputs = {modelPath, labelsPath, compareTo,
                                       samplesPath};
    llvm::append_range(inputs, inputFiles);
    llvm::append_range(inputs, expectFiles);
    llvm::append_range(inputs, plugins);
    for (llvm::StringRef named : namedInputs)
      inputs.push_back(named.split('=').second.str());
    for (const std::string &path : outputFiles)
      if (llvm::Error err = checkOutputNotInput(path, inputs))
        return fail(llvm::toString(std::move(err)));
  }

  DialectRegistry registry;
  registerModelDialects(registry);
  registry.insert<npu::NPUDialect>();
  MLIRContext ctx(registry);
  ctx.loadAllAvailableDialects();

  for (const std::string &path : plugins)
    if (llvm::Error err = loadCustomOpPlugin(path))
      return fail(llvm::toString(std::move(err)));

  // A library from qmlir-compile runs as compiled; an accelerator artifact
  // (.qart) and a model partitioned for an accelerator (npu.segment ops)
  // run on the npu simulator, their CPU segments as compiled code
  // (docs/Targets.md, docs/Artifact.md); anything else is JIT-compiled for
  // the CPU.
  bool isLibrary = llvm::StringRef(modelPath).ends_with(".so");
  bool isArtifact = llvm::StringRef(modelPath).ends_with(".qart");
  std::optional<OwningOpRef<ModuleOp>> module;
  std::unique_ptr<CompiledModel> jit;
  bool onSimulator = false;
  std::vector<TensorSpec> simInputs, simOutputs;
  npu::SimProgram simProgram;
  std::vector<std::unique_ptr<CompiledModel>> cpuSegments;
  LoadOptions loadOptions;
  loadOptions.batchSize = onnxBatch;
  loadOptions.inputShapes.assign(inputShapes.begin(), inputShapes.end());
  loadOptions.tfInputs.assign(tfInputs.begin(), tfInputs.end());
  loadOptions.tfInputs.insert(loadOptions.tfInputs.end(), tfInputsOld.begin(),
                             tfInputsOld.end());
  loadOptions.tfOutputs.assign(tfOutputs.begin(), tfOutputs.end());
  loadOptions.tfOutputs.insert(loadOptions.tfOutputs.end(), tfOutputsOld.begin(),
                              tfOutputsOld.end());
  JITOptions jitOptions = codegenOptionsFromCommandLine();
  if (calibrateFloatOps && !adoptQDQ)
    return fail("--calibrate-float-ops needs --adopt-qdq");
  if (calibrateFloatOps != !samplesPath.empty())
    return fail(calibrateFloatOps
                    ? "--calibrate-float-ops needs calibration --samples"
                    : "--samples is only used with --calibrate-float-ops");
  if (isLibrary && (!compareTo.empty() || printSummary))
    return fail(std::string(printSummary ? "--summary" : "--compare-to") +
                " needs the model's IR, not a compiled library");
  if ((isLibrary || isArtifact) && calibrateFloatOps)
    return fail("--calibrate-float-ops needs the imported model, not a "
                "compiled one");
  if (isArtifact && !compareTo.empty())
    return fail("--compare-to needs the model's IR, not a compiled artifact");
  if (isLibrary) {
    auto lib = AOTLibrary::load(modelPath, aotPrefix);
    if (!lib)
      return fail(llvm::toString(lib.takeError()));
    jit = std::move(*lib);
  } else if (isArtifact) {
    auto bytes = llvm::MemoryBuffer::getFile(modelPath, /*IsText=*/false,
                                             /*RequiresNullTerminator=*/false);
    if (!bytes)
      return fail("cannot read " + modelPath + ": " +
                  bytes.getError().message());
    auto artifact = npu::loadArtifact((*bytes)->getMemBufferRef());
    if (!artifact)
      return fail(llvm::toString(artifact.takeError()));
    if (printSummary) {
      llvm::outs() << "artifact " << modelPath << ": format "
                   << artifact->formatMajor << "." << artifact->formatMinor
                   << ", " << artifact->cpuSegments.size()
                   << " CPU segment(s), from '" << artifact->producer << "'\n";
      npu::printProgram(llvm::outs(), artifact->program);
      return 0;
    }
    auto code = npu::loadCpuSegments(artifact->cpuSegments, modelPath);
    if (!code)
      return fail(llvm::toString(code.takeError()));
    cpuSegments = std::move(*code);
    simProgram = std::move(artifact->program);
    onSimulator = true;
  } else {
    auto loaded = loadModel(modelPath, ctx, loadOptions);
    if (!loaded)
      return fail(llvm::toString(loaded.takeError()));
    module = std::move(*loaded);
    // An imported QDQ / FakeQuant model runs the way its producer meant it
    // to (as ONNX Runtime runs QDQ models): integer ops with its parameters.
    llvm::StringRef ext = llvm::sys::path::extension(modelPath);
    bool imported = ext != ".mlir" && ext != ".mlirbc";
    bool hasQDQ = false;
    (**module)->walk([&](Operation *op) {
      hasQDQ |= isa<qnn::QuantizeOp, qnn::DequantizeOp>(op);
    });
    if (calibrateFloatOps && !(imported && hasQDQ))
      return fail("--calibrate-float-ops applies to an imported model that "
                  "is already quantized (ONNX QDQ, TF FakeQuant); " +
                  modelPath + " is not one");
    if (adoptQDQ && imported && hasQDQ) {
      PassManager pm(&ctx);
      qnn::QNNAdoptQDQPassOptions adopt;
      adopt.calibrateFloatOps = calibrateFloatOps;
      pm.addPass(qnn::createQNNAdoptQDQPass(adopt));
      if (calibrateFloatOps) {
        qnn::QNNCalibratePassOptions calibrate;
        calibrate.samples = samplesPath;
        pm.addPass(qnn::createQNNCalibratePass(calibrate));
      }
      pm.addPass(qnn::createQNNQuantizePass());
      if (failed(pm.run(**module)))
        return fail(modelPath + ": cannot run its quantize/dequantize pairs "
                                "as integer ops (--adopt-qdq=false runs "
                                "them in float)");
    }
    if (printSummary) {
      auto layers = summarizeModel(**module, entryName);
      if (!layers)
        return fail(llvm::toString(layers.takeError()));
      printModelSummary(llvm::outs(), *layers);
      return 0;
    }
    (**module)->walk([&](npu::SegmentOp) { onSimulator = true; });
    if (onSimulator) {
      auto entry = (**module).lookupSymbol<func::FuncOp>(entryName);
      if (!entry || entry.isExternal())
        return fail("no function '" + entryName + "' with a body");
      OwningOpRef<ModuleOp> cpuModule;
      auto program = npu::buildProgram(entry, &cpuModule);
      if (!program)
        return fail(llvm::toString(program.takeError()));
      simProgram = std::move(*program);
      // CPU fallback segments: JIT-compiled here (an artifact embeds them
      // compiled ahead of time).
      for (int64_t k = 0; k < simProgram.numCpuSegments; ++k) {
        auto compiled =
            JITModule::compile(*cpuModule, npu::cpuSegmentName(k), jitOptions);
        if (!compiled)
          return fail("CPU segment " + llvm::Twine(k) + ": " +
                      llvm::toString(compiled.takeError()));
        cpuSegments.push_back(std::move(*compiled));
      }
    }
  }
  if (onSimulator) {
    auto specOf = [&](int64_t id) -> std::optional<TensorSpec> {
      const npu::SimTensor &t = simProgram.tensors[id];
      if (t.type != ElementType::F32)
        return std::nullopt;
      return TensorSpec{t.name, ElementType::F32,
                        llvm::SmallVector<int64_t, 4>(t.shape.begin(),
                                                      t.shape.end())};
    };
    for (int64_t id : simProgram.inputs) {
      auto s = specOf(id);
      if (!s)
        return fail("the npu simulator takes f32 inputs");
      simInputs.push_back(*s);
    }
    for (int64_t id : simProgram.outputs) {
      auto s = specOf(id);
      if (!s)
        return fail("the npu simulator returns f32 outputs");
      simOutputs.push_back(*s);
    }
  } else if (!isLibrary) {
    auto compiled = JITModule::compile(**module, entryName, jitOptions);
    if (!compiled)
      return fail(llvm::toString(compiled.takeError()));
    jit = std::move(*compiled);
  }
  llvm::ArrayRef<TensorSpec> specs =
      onSimulator ? llvm::ArrayRef<TensorSpec>(simInputs) : jit->inputs();

  // Which file feeds which argument.
  std::vector<std::string> paths(specs.size());
  if (inputFiles.size() > specs.size())
    return fail("got " + llvm::Twine(inputFiles.size()) +
                " --input files but '" + entryName + "' takes " +
                llvm::Twine(specs.size()) + " inputs");
  for (auto [i, p] : llvm::enumerate(inputFiles))
    paths[i] = p;
  for (const std::string &named : namedInputs) {
    auto [name, path] = llvm::StringRef(named).split('=');
    if (path.empty())
      return fail("-i expects name=file.npy, got '" + named + "'");
    auto it = llvm::find_if(specs, [&, &name = name](const TensorSpec &s) {
      return s.name == name;
    });
    if (it == specs.end())
      return fail("'" + entryName + "' has no input named '" + name + "'");
    size_t idx = it - specs.begin();
    if (!paths[idx].empty())
      return fail("input '" + name + "' is given twice");
    paths[idx] = path.str();
  }

  std::vector<HostTensor> inputs;
  for (auto [i, spec] : llvm::enumerate(specs)) {
    if (paths[i].empty())
      return fail("missing input '" + spec.name + "' (#" + llvm::Twine(i) +
                  "): pass --input or -i " + spec.name + "=file.npy");
    auto t = readNpy(paths[i]);
    if (!t)
      return fail(llvm::toString(t.takeError()));
    bool ok = t->type == spec.type && t->shape.size() == spec.shape.size();
    if (ok && !spec.shape.empty())
      ok = llvm::equal(llvm::ArrayRef(t->shape).drop_front(),
                       llvm::ArrayRef(spec.shape).drop_front());
    if (ok && !spec.shape.empty() && t->shape[0] != spec.shape[0])
      ok = spec.shape[0] > 0 && t->shape[0] > 0 &&
           t->shape[0] % spec.shape[0] == 0;
    if (!ok)
      return fail("input '" + spec.name + "' (#" + llvm::Twine(i) +
                  ") from " + paths[i] + ": expected " +
                  formatShape(spec.shape) + " " +
                  stringifyElementType(spec.type) +
                  (spec.shape.empty() ? "" : " (or a multiple along dim 0)") +
                  ", got " + formatShape(t->shape) + " " +
                  stringifyElementType(t->type));
    inputs.push_back(std::move(*t));
  }

  int64_t chunks = 1;
  auto start = std::chrono::steady_clock::now();
  npu::SimStats simStats;
  const npu::SimHardware &hw = simProgram.hardware;
  std::vector<CompiledModel *> cpuCode;
  for (auto &c : cpuSegments)
    cpuCode.push_back(c.get());
  auto outputs =
      onSimulator
          ? npu::simulate(simProgram, inputs, cpuCode, simStats)
          : jit->runBatched(inputs,
                            [&](int64_t, int64_t total) { chunks = total; });
  if (!outputs)
    return fail(llvm::toString(outputs.takeError()));
  if (onSimulator)
    chunks = simStats.runs;
  double seconds = std::chrono::duration<double>(
                       std::chrono::steady_clock::now() - start)
                       .count();
  llvm::ArrayRef<TensorSpec> outSpecs =
      onSimulator ? llvm::ArrayRef<TensorSpec>(simOutputs) : jit->outputs();
  if (onSimulator)
    npu::printStats(llvm::outs(), simStats, hw);
  llvm::outs() << "ran '" << entryName << "' " << chunks
               << (chunks == 1 ? " time" : " times") << " in "
               << llvm::format("%.3f", seconds) << " s\n";
  if (repeatRuns > 0 && onSimulator)
    return fail("--repeat times the CPU JIT; this model runs on the npu "
                "simulator");
  if (repeatRuns > 0) {
    // The first run above is the warm-up; time each further run (all its
    // chunks, output allocation included). CPU time is reported beside wall
    // time: on a shared machine it does not count time given to others.
    auto cpuNow = [] {
      timespec ts;
      clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
      return double(ts.tv_sec) + 1e-9 * double(ts.tv_nsec);
    };
    std::vector<double> wall, cpu;
    for (unsigned r = 0; r < repeatRuns; ++r) {
      auto t0 = std::chrono::steady_clock::now();
      double c0 = cpuNow();
      auto again = jit->runBatched(inputs);
      if (!again)
        return fail(llvm::toString(again.takeError()));
      cpu.push_back(cpuNow() - c0);
      wall.push_back(std::chrono::duration<double>(
                         std::chrono::steady_clock::now() - t0)
                         .count());
    }
    auto median = [](std::vector<double> &v) {
      std::sort(v.begin(), v.end());
      size_t n = v.size();
      return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
    };
    double wallMedian = median(wall), cpuMedian = median(cpu);
    llvm::outs() << "repeat: " << repeatRuns << " runs, median "
                 << llvm::format("%.6f", wallMedian) << " s wall, "
                 << llvm::format("%.6f", cpuMedian) << " s cpu, min "
                 << llvm::format("%.6f", cpu.front()) << " s cpu per run\n";
    // The JIT's buffer pool (BufferPool.h): after the warm-up run, every
    // buffer of a run should be a reused one.
    if (auto *jitModule = dynamic_cast<JITModule *>(jit.get()))
      if (auto stats = jitModule->bufferPoolStats())
        llvm::outs() << "buffer pool: " << stats->allocations
                     << " allocations, " << stats->reused << " reused, peak "
                     << stats->peakLiveBytes << " bytes live, "
                     << stats->heldBytes << " bytes held\n";
  }
  for (auto [i, t] : llvm::enumerate(*outputs))
    llvm::outs() << "output " << i << " '" << outSpecs[i].name
                 << "': " << formatShape(t.shape) << " "
                 << stringifyElementType(t.type) << "\n";

  if (outputFiles.size() > outputs->size())
    return fail("got " + llvm::Twine(outputFiles.size()) +
                " --output files for " + llvm::Twine(outputs->size()) +
                " outputs");
  for (auto [i, path] : llvm::enumerate(outputFiles))
    if (llvm::Error err = writeNpy(path, (*outputs)[i]))
      return fail(llvm::toString(std::move(err)));

  int status = 0;
  if (expectFiles.size() > outputs->size())
    return fail("got " + llvm::Twine(expectFiles.size()) +
                " --expect files for " + llvm::Twine(outputs->size()) +
                " outputs");
  int64_t totalMismatches = 0;
  for (auto [i, path] : llvm::enumerate(expectFiles)) {
    auto expected = readNpy(path);
    if (!expected)
      return fail(llvm::toString(expected.takeError()));
    auto mismatches = compare(outSpecs[i], i, (*outputs)[i], *expected, path);
    if (!mismatches)
      return fail(llvm::toString(mismatches.takeError()));
    totalMismatches += *mismatches;
  }
  if (totalMismatches) {
    llvm::outs().flush();
    llvm::errs() << "qrun: FAILED: " << totalMismatches
                 << " elements differ from the expected outputs\n";
    status = 1;
  }

  if (!compareTo.empty()) {
    auto reference = loadModel(compareTo, ctx, loadOptions);
    if (!reference)
      return fail(llvm::toString(reference.takeError()));
    auto errors = compareLayers(**reference, **module, entryName, inputs);
    if (!errors)
      return fail(llvm::toString(errors.takeError()));
    llvm::outs() << "per-layer error against " << compareTo << " ("
                 << errors->size() << " tensors, worst first):\n";
    printLayerErrors(llvm::outs(), *errors);
  }

  if (!labelsPath.empty()) {
    auto labels = readNpy(labelsPath);
    if (!labels)
      return fail(llvm::toString(labels.takeError()));
    if (isFloat(labels->type))
      return fail(labelsPath + ": labels must be integers, got " +
                  stringifyElementType(labels->type));
    if (outputs->empty())
      return fail("--labels needs an output");
    const HostTensor &logits = outputs->front();
    int64_t classes = logits.shape.empty() ? 1 : logits.shape.back();
    int64_t rows = classes ? logits.numElements() / classes : 0;
    if (rows != labels->numElements())
      return fail(labelsPath + " holds " +
                  llvm::Twine(labels->numElements()) +
                  " labels but output 0 has " + llvm::Twine(rows) +
                  " rows of " + llvm::Twine(classes) + " classes");
    int64_t correct = 0;
    for (int64_t r = 0; r < rows; ++r) {
      int64_t best = 0;
      for (int64_t c = 1; c < classes; ++c)
        if (getNumber(logits, r * classes + c) >
            getNumber(logits, r * classes + best))
          best = c;
      correct += best == getInt(*labels, r);
    }
    llvm::outs() << "top-1: "
                 << llvm::format("%.4f", rows ? double(correct) / rows : 0.0)
                 << " (" << correct << "/" << rows << ")\n";
  }
  return status;
}
