//===- Calibrate.cpp - record tensor ranges by running the model ----------===//
//
// Calibration runs a copy of the module in which every probed tensor is an
// extra result of the entry function, on the CPU JIT, and reduces each extra
// result to its minimum and maximum batch by batch. Running the real compiled
// model (rather than an interpreter) means calibration sees exactly the float
// values that the float model computes.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Dialect/QNN/IR/QNNOps.h"
#include "qmlir/Dialect/QNN/Transforms/Instrument.h"
#include "qmlir/Dialect/QNN/Transforms/Passes.h"
#include "qmlir/Runtime/JIT.h"
#include "qmlir/Runtime/Npy.h"
#include "qmlir/Support/ProgressBar.h"

#include "mlir/IR/BuiltinOps.h"

#include <cmath>
#include <cstring>
#include <limits>

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

struct QNNCalibratePass
    : qmlir::qnn::impl::QNNCalibratePassBase<QNNCalibratePass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto fail = [&](const Twine &message) {
      module.emitError() << "qnn-calibrate: " << message;
      signalPassFailure();
    };
    auto func = module.lookupSymbol<func::FuncOp>(entry);
    if (!func)
      return fail("no function named '" + entry + "'");
    SmallVector<ObserveOp> probes;
    func.walk([&](ObserveOp op) { probes.push_back(op); });
    if (probes.empty())
      return fail("no qnn.observe probes: run qnn-insert-calibration first");
    if (samples.empty())
      return fail("the 'samples' option (a .npy file) is required");
    if (func.getNumArguments() != 1)
      return fail("models with " + Twine(func.getNumArguments()) +
                  " inputs are not supported yet (one input expected)");

    llvm::Expected<HostTensor> data = readNpy(samples);
    if (!data)
      return fail(llvm::toString(data.takeError()));

    OwningOpRef<ModuleOp> instrumented = module.clone();
    auto instrumentedFunc = instrumented->lookupSymbol<func::FuncOp>(entry);
    unsigned numOriginal = exposeProbes(instrumentedFunc);
    llvm::Expected<std::unique_ptr<JITModule>> jit =
        JITModule::compile(*instrumented, entry);
    if (!jit)
      return fail(llvm::toString(jit.takeError()));

    const TensorSpec &input = (*jit)->inputs()[0];
    if (data->type != input.type)
      return fail(samples + ": samples are " +
                  stringifyElementType(data->type) + " but input '" +
                  input.name + "' is " + stringifyElementType(input.type));
    if (data->shape.size() != input.shape.size() ||
        !std::equal(data->shape.begin() + 1, data->shape.end(),
                    input.shape.begin() + 1))
      return fail(samples + ": sample shape does not match input '" +
                  input.name + "'");
    int64_t batch = input.shape[0];
    int64_t available = data->shape[0];
    int64_t count = numSamples > 0 ? std::min<int64_t>(numSamples, available)
                                   : available;
    if (count == 0)
      return fail(samples + ": the file holds no samples");
    if (data->type == ElementType::F32) {
      const float *values = data->data<float>();
      for (int64_t i = 0, e = data->numElements(); i < e; ++i)
        if (!std::isfinite(values[i]))
          return fail(samples + ": sample values contain NaN or infinity");
    }

    std::vector<double> mins(probes.size(),
                             std::numeric_limits<double>::infinity());
    std::vector<double> maxs(probes.size(),
                             -std::numeric_limits<double>::infinity());
    HostTensor chunk = HostTensor::allocate(input.type, input.shape);
    size_t sampleBytes = chunk.byteSize() / batch;
    const char *source = static_cast<const char *>(data->rawData());
    ProgressBar bar("calibrating", count, "samples");
    for (int64_t first = 0; first < count; first += batch) {
      // A last, partial batch is filled up with copies of earlier samples;
      // only the rows of real samples are reduced.
      int64_t rows = std::min(batch, count - first);
      char *dest = static_cast<char *>(chunk.rawData());
      for (int64_t r = 0; r < batch; ++r)
        std::memcpy(dest + r * sampleBytes,
                    source + ((first + r) % count) * sampleBytes, sampleBytes);
      llvm::Expected<std::vector<HostTensor>> outputs = (*jit)->run(chunk);
      if (!outputs)
        return fail(llvm::toString(outputs.takeError()));
      for (size_t p = 0; p < probes.size(); ++p) {
        const HostTensor &t = (*outputs)[numOriginal + p];
        const float *v = t.data<float>();
        // Probed tensors keep the batch as their leading dimension.
        int64_t n = t.shape.empty() || t.shape[0] != batch
                        ? t.numElements()
                        : t.numElements() / batch * rows;
        for (int64_t i = 0; i < n; ++i) {
          mins[p] = std::min(mins[p], double(v[i]));
          maxs[p] = std::max(maxs[p], double(v[i]));
        }
      }
      bar.update(first + rows);
    }
    bar.finish();

    Builder builder(module.getContext());
    for (auto [p, probe] : llvm::enumerate(probes)) {
      probe.setMinAttr(builder.getF64FloatAttr(mins[p]));
      probe.setMaxAttr(builder.getF64FloatAttr(maxs[p]));
    }
  }
};

} // namespace
