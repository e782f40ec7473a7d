//===- qrun.cpp - run a qnn model on .npy inputs --------------------------===//
//
//   qrun model.{mlir,mlirbc,onnx} [--batch N] [--shape name=DxD...] [--entry main] (--input x.npy ... | -i name=x.npy ...)
//        [--output out.npy ...] [--expect e.npy ... --atol A --rtol R]
//        [--labels y.npy] [--compare-to float.mlir] [--summary] [--repeat N]
//        [--cpu-codegen fast|reference] [--cpu-features -avx512vnni,...]
//
// Compiles the entry function with the JIT, runs it (in chunks when the
// inputs hold a multiple of the compiled batch), writes and compares the
// outputs, reports top-1 accuracy against labels, and, given a reference
// model, the error of every layer against it.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Analysis/LayerErrors.h"
#include "qmlir/Analysis/ModelSummary.h"
#include "qmlir/Dialect/QNN/IR/QNNDialect.h"
#include "qmlir/Frontend/LoadModel.h"
#include "qmlir/Runtime/JIT.h"
#include "qmlir/Runtime/Npy.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/OwningOpRef.h"

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>
#include <map>

#ifdef __GLIBC__
#include <malloc.h>
#endif

using namespace mlir;
using namespace qmlir;
namespace cl = llvm::cl;

static cl::OptionCategory qrunCategory("qrun options");

static cl::opt<std::string> modelPath(cl::Positional, cl::Required,
                                      cl::desc("<model.mlir | model.mlirbc | model.onnx>"),
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

static cl::opt<CPUCodegen> cpuCodegen(
    "cpu-codegen", cl::init(CPUCodegen::Fast),
    cl::desc("How linalg ops become CPU code"),
    cl::values(clEnumValN(CPUCodegen::Fast, "fast",
                          "vector kernels for convolutions and matrix "
                          "products (default)"),
               clEnumValN(CPUCodegen::Reference, "reference",
                          "plain loops, the reference for tests")),
    cl::cat(qrunCategory));

static cl::opt<std::string> cpuFeatures(
    "cpu-features",
    cl::desc("Overrides of the host's CPU features, comma separated, e.g. "
             "-avx512vnni (to test the kernels for CPUs without it)"),
    cl::value_desc("list"), cl::cat(qrunCategory));

static int fail(const llvm::Twine &message) {
  llvm::outs().flush();
  llvm::errs() << "qrun: error: " << message << "\n";
  return 1;
}

static cl::opt<int64_t> onnxBatch(
    "batch", cl::init(1),
    cl::desc("ONNX models: batch size the model is compiled for (inputs "
             "holding a multiple of it run in chunks)"),
    cl::cat(qrunCategory));

static cl::list<std::string> onnxShapes(
    "shape",
    cl::desc("ONNX models: static shape of an input, e.g. --shape "
             "input=1x3x224x224 (repeatable)"),
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
      if (std::isnan(a) && std::isnan(b))
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
#ifdef __GLIBC__
  // Compiled models allocate and free their intermediate buffers (megabytes
  // at batch 100) on every call. By default glibc serves such sizes with
  // mmap and returns them to the OS when freed, so every call page-faults
  // and zeroes them again (more time than the convolutions take). Keep
  // freed memory in the heap for reuse instead.
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  mallopt(M_TRIM_THRESHOLD, 512 << 20);
#endif
  cl::HideUnrelatedOptions(qrunCategory);
  cl::ParseCommandLineOptions(argc, argv, "qmlir model runner\n");

  DialectRegistry registry;
  registerModelDialects(registry);
  MLIRContext ctx(registry);
  ctx.loadAllAvailableDialects();

  LoadOptions loadOptions;
  loadOptions.batchSize = onnxBatch;
  loadOptions.inputShapes.assign(onnxShapes.begin(), onnxShapes.end());
  auto module = loadModel(modelPath, ctx, loadOptions);
  if (!module)
    return fail(llvm::toString(module.takeError()));
  if (printSummary) {
    auto layers = summarizeModel(**module, entryName);
    if (!layers)
      return fail(llvm::toString(layers.takeError()));
    printModelSummary(llvm::outs(), *layers);
    return 0;
  }
  JITOptions jitOptions;
  jitOptions.codegen = cpuCodegen;
  jitOptions.cpuFeatures = cpuFeatures;
  auto jit = JITModule::compile(**module, entryName, jitOptions);
  if (!jit)
    return fail(llvm::toString(jit.takeError()));
  llvm::ArrayRef<TensorSpec> specs = (*jit)->inputs();

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
  auto outputs = (*jit)->runBatched(
      inputs, [&](int64_t, int64_t total) { chunks = total; });
  if (!outputs)
    return fail(llvm::toString(outputs.takeError()));
  double seconds = std::chrono::duration<double>(
                       std::chrono::steady_clock::now() - start)
                       .count();
  llvm::ArrayRef<TensorSpec> outSpecs = (*jit)->outputs();
  llvm::outs() << "ran '" << entryName << "' " << chunks
               << (chunks == 1 ? " time" : " times") << " in "
               << llvm::format("%.3f", seconds) << " s\n";
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
      auto again = (*jit)->runBatched(inputs);
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
