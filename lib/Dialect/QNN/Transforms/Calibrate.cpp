//===- Calibrate.cpp - record tensor statistics by running the model ------===//
//
// Calibration runs a copy of the module in which every probed tensor is an
// extra result of the entry function, on the CPU JIT, chunk by chunk, and
// feeds each sample's values to one observer per probe (qmlir/Quant/
// Calibration.h). Running the real compiled model (rather than an
// interpreter) means calibration sees exactly the float values that the
// float model computes. Histogram methods run the samples twice: once for
// the extrema that fix each histogram's range, once to fill it.
//
//===----------------------------------------------------------------------===//

#include "Samples.h"

#include "qmlir/Dialect/QNN/IR/QNNOps.h"
#include "qmlir/Dialect/QNN/Transforms/Encodings.h"
#include "qmlir/Dialect/QNN/Transforms/Instrument.h"
#include "qmlir/Dialect/QNN/Transforms/Passes.h"
#include "qmlir/Dialect/QNN/Transforms/QuantPlan.h"
#include "qmlir/Quant/Calibration.h"
#include "qmlir/Runtime/JIT.h"
#include "qmlir/Runtime/Npz.h"
#include "qmlir/Support/OutputFile.h"
#include "qmlir/Support/ProgressBar.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"

#include <cmath>
#include <cstring>
#include <random>

namespace qmlir::qnn {
#define GEN_PASS_DEF_QNNCALIBRATEPASS
#include "qmlir/Dialect/QNN/Transforms/Passes.h.inc"
} // namespace qmlir::qnn

using namespace mlir;
using namespace qmlir;
using namespace qmlir::qnn;

namespace {

/// Makes every probe's input an extra result of `func` and removes the
/// probes. Returns the number of original results.
unsigned exposeProbes(func::FuncOp func) {
  unsigned original = func.getNumResults();
  SmallVector<ObserveOp> probes;
  func.walk([&](ObserveOp op) { probes.push_back(op); });
  SmallVector<Value> probed;
  for (ObserveOp probe : probes) {
    probed.push_back(probe.getInput());
    probe.getResult().replaceAllUsesWith(probe.getInput());
    probe.erase();
  }
  appendResults(func, probed);
  return original;
}

llvm::Error makeError(const Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

/// QuantizeML's random calibration data: uint8 values in [0, 255] for
/// image-like inputs (1 or 3 channels), int8 values in [-128, 127]
/// otherwise, cast to the input's float type.
llvm::Expected<SampleSet> randomSamples(ArrayRef<TensorSpec> specs,
                                        int64_t count, uint64_t seed,
                                        std::string &description) {
  SampleSet set;
  set.count = count;
  std::mt19937_64 rng(seed);
  for (const TensorSpec &spec : specs) {
    if (spec.type != ElementType::F32 && spec.type != ElementType::F64)
      return makeError("input '" + spec.name + "' is " +
                       stringifyElementType(spec.type) +
                       ": random samples are generated for float inputs only");
    if (spec.shape.empty())
      return makeError("input '" + spec.name +
                       "' is a scalar: random samples need a batch dimension");
    SmallVector<int64_t> shape(spec.shape.begin(), spec.shape.end());
    shape[0] = count;
    bool image = shape.size() == 4 &&
                 (shape[1] == 1 || shape[1] == 3 || shape[3] == 1 ||
                  shape[3] == 3);
    std::uniform_int_distribution<int> dist(image ? 0 : -128,
                                            image ? 255 : 127);
    HostTensor t = HostTensor::allocate(spec.type, shape);
    for (int64_t k = 0, e = t.numElements(); k < e; ++k) {
      double v = dist(rng);
      if (spec.type == ElementType::F32)
        t.data<float>()[k] = static_cast<float>(v);
      else
        t.data<double>()[k] = v;
    }
    if (!description.empty())
      description += ", ";
    description += "'" + spec.name + "': " +
                   (image ? "uint8 values in [0, 255]"
                          : "int8 values in [-128, 127]");
    set.inputs.push_back(std::move(t));
  }
  return set;
}

llvm::Expected<calib::StatsFile> readStats(StringRef path) {
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/true);
  if (!buffer)
    return makeError(path + ": cannot open: " + buffer.getError().message());
  return calib::parseStatsFile((*buffer)->getBuffer(), path);
}

struct QNNCalibratePass
    : qmlir::qnn::impl::QNNCalibratePassBase<QNNCalibratePass> {
  using Base::Base;

  void runOnOperation() override;

private:
  LogicalResult fail(const Twine &message) {
    getOperation().emitError() << "qnn-calibrate: " << message;
    signalPassFailure();
    return failure();
  }
  LogicalResult runSamples(func::FuncOp func, MutableArrayRef<ObserveOp> probes,
                           const calib::Options &options,
                           calib::StatsFile &loaded,
                           const calib::StatsFile *ranges,
                           calib::StatsFile &result);
};

LogicalResult QNNCalibratePass::runSamples(func::FuncOp func,
                                           MutableArrayRef<ObserveOp> probes,
                                           const calib::Options &options,
                                           calib::StatsFile &loaded,
                                           const calib::StatsFile *ranges,
                                           calib::StatsFile &result) {
  ModuleOp module = getOperation();
  OwningOpRef<ModuleOp> instrumented = module.clone();
  auto instrumentedFunc = instrumented->lookupSymbol<func::FuncOp>(entry);
  unsigned numOriginal = exposeProbes(instrumentedFunc);
  llvm::Expected<std::unique_ptr<JITModule>> jit =
      JITModule::compile(*instrumented, entry);
  if (!jit)
    return fail(llvm::toString(jit.takeError()));
  ArrayRef<TensorSpec> specs = (*jit)->inputs();
  // A function of constants alone (found by running libonnx-testdata's
  // window-function models through calibration) has no samples to run.
  if (specs.empty())
    return fail("function '" + entry +
                "' has no inputs: there are no samples to calibrate over");
  for (const TensorSpec &spec : specs)
    if (spec.shape.empty() || spec.shape[0] <= 0)
      return fail("input '" + spec.name +
                  "' has no batch dimension to calibrate over");

  std::string description;
  int64_t randomCount = numSamples > 0 ? numSamples : 1024;
  llvm::Expected<SampleSet> data =
      samples.empty() ? randomSamples(specs, randomCount, seed, description)
                      : loadSamples(samples, specs, numSamples);
  if (data && samples.empty())
    module.emitWarning() << "qnn-calibrate: no samples given: calibrating on "
                         << randomCount << " random samples (" << description
                         << ", as QuantizeML does); real samples give better "
                            "results";
  if (!data)
    return fail(llvm::toString(data.takeError()));

  int64_t batch = specs[0].shape[0];
  for (const TensorSpec &spec : specs)
    if (spec.shape[0] != batch)
      return fail("inputs have different batch sizes");
  int64_t statsBatch = batchSize > 0 ? batchSize : batch;
  bool keepBatches = calib::usesBatches(options.method);
  bool histograms = calib::usesHistogram(options.method);

  // Channels of each probed tensor: its last dimension.
  SmallVector<int64_t> channels;
  for (ObserveOp probe : probes) {
    auto type = cast<RankedTensorType>(probe.getInput().getType());
    channels.push_back(type.getRank() >= 2 ? type.getShape().back() : 1);
  }
  std::vector<calib::TensorObserver> observers;
  for (int64_t c : channels)
    observers.emplace_back(c, statsBatch, keepBatches);

  std::vector<HostTensor> chunks;
  for (const TensorSpec &spec : specs)
    chunks.push_back(HostTensor::allocate(spec.type, spec.shape));
  int64_t count = data->count;
  unsigned passes = histograms ? 2 : 1;
  for (unsigned pass = 0; pass < passes; ++pass) {
    if (pass == 1) {
      // Fix each histogram's range: from range-from, else from statistics
      // loaded with stats-in, else from this run's extrema.
      for (auto [p, probe] : llvm::enumerate(probes)) {
        std::string name = probe.getName().str();
        double maxAbs;
        if (ranges) {
          const calib::TensorStats &r = ranges->tensors.at(name);
          maxAbs = std::max(std::fabs(r.tensorMin()), std::fabs(r.tensorMax()));
        } else if (loaded.tensors.count(name) &&
                   loaded.tensors.at(name).histogram) {
          maxAbs = loaded.tensors.at(name).histogram->maxAbs;
        } else {
          calib::TensorStats s = observers[p].stats();
          if (loaded.tensors.count(name)) {
            auto merged =
                calib::merge(s, loaded.tensors.at(name), name, statsBatch);
            if (!merged)
              return fail(llvm::toString(merged.takeError()));
          }
          maxAbs = std::max(std::fabs(s.tensorMin()), std::fabs(s.tensorMax()));
        }
        observers[p].startHistogram(maxAbs, bins);
      }
    }
    std::string label = passes == 1 ? "calibrating"
                                    : (pass == 0 ? "calibrating (extrema)"
                                                 : "calibrating (histograms)");
    ProgressBar bar(label, count, "samples");
    for (int64_t first = 0; first < count; first += batch) {
      // A last, partial chunk is filled up with copies of earlier samples;
      // only the rows of real samples are recorded.
      int64_t rows = std::min(batch, count - first);
      for (auto [i, chunk] : llvm::enumerate(chunks)) {
        size_t sampleBytes = chunk.byteSize() / batch;
        const char *source =
            static_cast<const char *>(data->inputs[i].rawData());
        char *dest = static_cast<char *>(chunk.rawData());
        for (int64_t r = 0; r < batch; ++r)
          std::memcpy(dest + r * sampleBytes,
                      source + ((first + r) % count) * sampleBytes,
                      sampleBytes);
      }
      llvm::Expected<std::vector<HostTensor>> outputs = (*jit)->run(chunks);
      if (!outputs)
        return fail(llvm::toString(outputs.takeError()));
      for (size_t p = 0; p < probes.size(); ++p) {
        const HostTensor &t = (*outputs)[numOriginal + p];
        const float *v = t.data<float>();
        // Probed tensors keep the batch as their leading dimension; others
        // (rare) count as one sample per chunk.
        bool perRow = !t.shape.empty() && t.shape[0] == batch;
        int64_t rowSize = perRow ? t.numElements() / batch : t.numElements();
        int64_t n = perRow ? rows : 1;
        for (int64_t r = 0; r < n; ++r) {
          if (pass == 1) {
            observers[p].addToHistogram(v + r * rowSize, rowSize);
          } else if (!observers[p].addSample(v + r * rowSize, rowSize)) {
            return fail("tensor '" + probes[p].getName() +
                        "' has NaN or infinite values on sample " +
                        Twine(first + r));
          }
        }
      }
      bar.update(first + rows);
    }
    bar.finish();
    if (pass == 0)
      for (calib::TensorObserver &o : observers)
        o.finishSamples();
  }

  result.method = options.method;
  result.batchSize = statsBatch;
  result.bins = histograms ? bins : 0;
  for (auto [p, probe] : llvm::enumerate(probes))
    result.tensors[probe.getName().str()] = observers[p].takeStats();
  return success();
}

void QNNCalibratePass::runOnOperation() {
  ModuleOp module = getOperation();
  auto func = module.lookupSymbol<func::FuncOp>(entry);
  if (!func)
    return (void)fail("no function named '" + entry + "'");
  SmallVector<ObserveOp> probes;
  func.walk([&](ObserveOp op) { probes.push_back(op); });
  if (probes.empty())
    return (void)fail("no qnn.observe probes: run qnn-insert-calibration "
                      "first");
  // An already-quantized model (qnn-adopt-qdq) has nothing to measure.
  if (llvm::all_of(probes, [](ObserveOp p) {
        return p->hasAttr(kFixedTypeAttr);
      }))
    return;
  llvm::StringSet<> names;
  for (ObserveOp probe : probes)
    if (!names.insert(probe.getName()).second)
      return (void)fail("two probes are named '" + probe.getName() +
                        "': tensor names must be unique");

  calib::Options options;
  std::optional<calib::Method> m = calib::parseMethod(method);
  if (!m)
    return (void)fail("unknown method '" + method +
                      "' (minmax, moving-max, moving-average, percentile, "
                      "entropy, mse)");
  options.method = *m;
  options.percentile = percentile;
  options.momentum = momentum;
  options.averagingConstant = averagingConstant;
  options.epochs = epochs;
  if (!(percentile > 0.0 && percentile <= 100.0))
    return (void)fail("percentile must be in (0, 100], got " +
                      std::to_string(double(percentile)));
  if (!(momentum >= 0.0 && momentum < 1.0))
    return (void)fail("momentum must be in [0, 1)");
  if (!(averagingConstant > 0.0 && averagingConstant <= 1.0))
    return (void)fail("averaging-constant must be in (0, 1]");
  if (epochs < 1)
    return (void)fail("epochs must be at least 1");
  if (bins < 8 || bins > (1u << 20))
    return (void)fail("bins must be in [8, 1048576], got " + Twine(bins));
  if (numSamples < 0 || batchSize < 0)
    return (void)fail("num-samples and batch-size must not be negative");

  // The types ranges are chosen for: the scheme qnn-quantize will use.
  FailureOr<qconfig::Scheme> base =
      schemeFromOptions(module, /*weightBits=*/8, activationBits,
                        /*perAxisWeights=*/true, symmetricActivations,
                        perTensorActivations, /*bufferBits=*/32);
  if (failed(base))
    return signalPassFailure();
  FailureOr<QuantPlan> plan = buildQuantPlan({func}, *base, config);
  if (failed(plan))
    return signalPassFailure();

  // Statistics given as files, merged in order.
  calib::StatsFile loaded;
  bool haveLoaded = false, exact = true;
  for (const std::string &path : statsIn) {
    llvm::Expected<calib::StatsFile> file = readStats(path);
    if (!file)
      return (void)fail(llvm::toString(file.takeError()));
    if (file->method != options.method)
      return (void)fail(path + " holds statistics of method " +
                        calib::stringifyMethod(file->method) + ", not " +
                        method);
    for (ObserveOp probe : probes)
      if (!file->tensors.count(probe.getName().str()))
        return (void)fail(path + " has no statistics for tensor '" +
                          probe.getName() + "'");
    for (const auto &kv : file->tensors)
      if (!names.contains(kv.first))
        return (void)fail(path + " has statistics for tensor '" + kv.first +
                          "', which the model does not have");
    if (!haveLoaded) {
      loaded = std::move(*file);
      haveLoaded = true;
      continue;
    }
    llvm::Expected<bool> merged = calib::merge(loaded, *file);
    if (!merged)
      return (void)fail(path + ": " + llvm::toString(merged.takeError()));
    exact &= *merged;
  }
  std::optional<calib::StatsFile> ranges;
  if (!rangeFrom.empty()) {
    if (!calib::usesHistogram(options.method))
      return (void)fail("range-from is for the histogram methods "
                        "(percentile, entropy, mse)");
    llvm::Expected<calib::StatsFile> file = readStats(rangeFrom);
    if (!file)
      return (void)fail(llvm::toString(file.takeError()));
    for (ObserveOp probe : probes)
      if (!file->tensors.count(probe.getName().str()))
        return (void)fail(rangeFrom + " has no statistics for tensor '" +
                          probe.getName() + "'");
    ranges = std::move(*file);
  }

  calib::StatsFile stats;
  if (!samples.empty() || !haveLoaded) {
    calib::StatsFile run;
    if (failed(runSamples(func, probes, options, loaded,
                          ranges ? &*ranges : nullptr, run)))
      return;
    if (haveLoaded) {
      if (loaded.batchSize != run.batchSize)
        return (void)fail("the loaded statistics have batch size " +
                          Twine(loaded.batchSize) + " but this run has " +
                          Twine(run.batchSize));
      llvm::Expected<bool> merged = calib::merge(loaded, run);
      if (!merged)
        return (void)fail(llvm::toString(merged.takeError()));
      exact &= *merged;
      stats = std::move(loaded);
    } else {
      stats = std::move(run);
    }
  } else {
    stats = std::move(loaded);
  }
  if (!exact)
    module.emitWarning()
        << "qnn-calibrate: a merged shard ends in a partial batch of the "
           "moving statistics, so the result differs from one run over all "
           "samples (give every shard but the last a multiple of "
        << stats.batchSize << " samples)";

  if (!statsOut.empty()) {
    if (llvm::Error err =
            writeFileAtomically(statsOut, [&](llvm::raw_ostream &os) {
              os << calib::toJSON(stats) << "\n";
              return llvm::Error::success();
            }))
      return (void)fail(llvm::toString(std::move(err)));
  }

  Builder builder(module.getContext());
  for (ObserveOp probe : probes) {
    const calib::TensorStats &s = stats.tensors.at(probe.getName().str());
    TensorPlan t = plan->tensor(probe.getInput());
    calib::Target target{t.bits, t.symmetric};
    llvm::Expected<calib::Range> r = calib::computeRange(s, options, target);
    if (!r)
      return (void)fail("tensor '" + probe.getName() +
                        "': " + llvm::toString(r.takeError()));
    probe.setMinAttr(builder.getF64FloatAttr(r->min));
    probe.setMaxAttr(builder.getF64FloatAttr(r->max));
    if (calib::dependsOnBits(options.method)) {
      probe.setBitsAttr(builder.getI64IntegerAttr(t.bits));
      probe.setSymmetricAttr(builder.getBoolAttr(t.symmetric));
    }
    if (t.perAxis) {
      llvm::Expected<std::vector<calib::Range>> ch =
          calib::computeChannelRanges(s, options, target);
      if (!ch)
        return (void)fail("tensor '" + probe.getName() +
                          "' is quantized per axis: " +
                          llvm::toString(ch.takeError()));
      SmallVector<double> lo, hi;
      for (const calib::Range &c : *ch) {
        lo.push_back(c.min);
        hi.push_back(c.max);
      }
      probe.setChannelMinAttr(builder.getDenseF64ArrayAttr(lo));
      probe.setChannelMaxAttr(builder.getDenseF64ArrayAttr(hi));
    }
  }
}

} // namespace
