//===- LayerInputs.cpp - statistics of layer inputs on samples ------------===//

#include "LayerInputs.h"
#include "Samples.h"

#include "qmlir/Dialect/QNN/IR/QNNOps.h"
#include "qmlir/Dialect/QNN/Transforms/Instrument.h"
#include "qmlir/Runtime/JIT.h"
#include "qmlir/Support/ProgressBar.h"

#include <cstring>

using namespace mlir;
using namespace qmlir;
using namespace qmlir::qnn;

namespace {

llvm::Error makeError(const Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

/// How a layer turns its input tensor into patches.
struct PatchGeometry {
  bool conv = false;
  int64_t h = 1, w = 1, c = 0;          // Input (NHWC; dense: c features).
  int64_t kh = 1, kw = 1, cg = 0;       // Kernel and channels per group.
  int64_t oh = 1, ow = 1;               // Output positions.
  int64_t sh = 1, sw = 1, dh = 1, dw = 1, padTop = 0, padLeft = 0;
  int64_t groups = 1;
};

FailureOr<PatchGeometry> geometryOf(Operation *op) {
  PatchGeometry g;
  auto in = cast<RankedTensorType>(op->getOperand(0).getType());
  auto wt = cast<RankedTensorType>(op->getOperand(1).getType());
  if (auto conv = dyn_cast<Conv2dOp>(op)) {
    auto out = cast<RankedTensorType>(conv.getResult().getType());
    if (in.getRank() != 4 || wt.getRank() != 4 || !in.hasStaticShape() ||
        !out.hasStaticShape())
      return failure();
    g.conv = true;
    g.h = in.getDimSize(1);
    g.w = in.getDimSize(2);
    g.c = in.getDimSize(3);
    g.kh = wt.getDimSize(1);
    g.kw = wt.getDimSize(2);
    g.cg = wt.getDimSize(3);
    g.oh = out.getDimSize(1);
    g.ow = out.getDimSize(2);
    ArrayRef<int64_t> strides = conv.getStrides(), pad = conv.getPadding(),
                      dil = conv.getDilations();
    g.sh = strides[0];
    g.sw = strides[1];
    g.dh = dil[0];
    g.dw = dil[1];
    g.padTop = pad[0];
    g.padLeft = pad[2];
    g.groups = conv.getGroups();
    return g;
  }
  if (in.getRank() != 2 || !in.hasStaticShape())
    return failure();
  g.c = g.cg = in.getDimSize(1);
  return g;
}

/// Adds the patches of one sample (`x`: H*W*C values, NHWC) to `stats`.
void accumulate(const PatchGeometry &g, const float *x, bool withGram,
                LayerInputStats &stats, std::vector<double> &patch) {
  int64_t k = stats.k;
  for (int64_t oy = 0; oy < g.oh; ++oy)
    for (int64_t ox = 0; ox < g.ow; ++ox)
      for (int64_t grp = 0; grp < g.groups; ++grp) {
        if (g.conv) {
          for (int64_t ky = 0; ky < g.kh; ++ky)
            for (int64_t kx = 0; kx < g.kw; ++kx) {
              int64_t iy = oy * g.sh - g.padTop + ky * g.dh;
              int64_t ix = ox * g.sw - g.padLeft + kx * g.dw;
              double *dst = &patch[(ky * g.kw + kx) * g.cg];
              if (iy < 0 || iy >= g.h || ix < 0 || ix >= g.w) {
                std::fill(dst, dst + g.cg, 0.0);
                continue;
              }
              const float *src = x + (iy * g.w + ix) * g.c + grp * g.cg;
              for (int64_t c = 0; c < g.cg; ++c)
                dst[c] = src[c];
            }
        } else {
          for (int64_t c = 0; c < k; ++c)
            patch[c] = x[c];
        }
        std::vector<double> &mean = stats.mean[grp];
        for (int64_t i = 0; i < k; ++i)
          mean[i] += patch[i];
        if (!withGram)
          continue;
        // The upper triangle; zeros (frequent after a relu) add nothing.
        double *gram = stats.gram[grp].data();
        for (int64_t i = 0; i < k; ++i) {
          double pi = patch[i];
          if (pi == 0.0)
            continue;
          double *row = gram + i * k;
          for (int64_t j = i; j < k; ++j)
            row[j] += pi * patch[j];
        }
      }
}

} // namespace

llvm::Expected<std::vector<LayerInputStats>> qmlir::qnn::collectLayerInputStats(
    ModuleOp module, StringRef entry, ArrayRef<Operation *> layers,
    StringRef samplesPath, int64_t numSamples, bool withGram, StringRef label) {
  auto func = module.lookupSymbol<func::FuncOp>(entry);
  if (!func)
    return makeError("no function named '" + entry + "'");

  // The layers by position in the function, to find them in the copy.
  llvm::DenseMap<Operation *, int64_t> position;
  int64_t next = 0;
  func.walk([&](Operation *op) { position[op] = next++; });
  std::vector<PatchGeometry> geometry;
  std::vector<LayerInputStats> stats;
  for (Operation *op : layers) {
    FailureOr<PatchGeometry> g = geometryOf(op);
    if (failed(g))
      return makeError("layer at " + Twine(position.lookup(op)) +
                       " has an input of unsupported shape");
    LayerInputStats s;
    s.groups = g->groups;
    s.k = g->kh * g->kw * g->cg;
    s.mean.assign(s.groups, std::vector<double>(s.k, 0.0));
    if (withGram)
      s.gram.assign(s.groups, std::vector<double>(s.k * s.k, 0.0));
    geometry.push_back(*g);
    stats.push_back(std::move(s));
  }

  OwningOpRef<ModuleOp> copy = module.clone();
  auto copyFunc = copy->lookupSymbol<func::FuncOp>(entry);
  std::vector<Operation *> byPosition;
  copyFunc.walk([&](Operation *op) { byPosition.push_back(op); });
  SmallVector<Value> exposed;
  for (Operation *op : layers)
    exposed.push_back(byPosition[position.lookup(op)]->getOperand(0));
  // Probes are only markers: the model runs without them.
  SmallVector<ObserveOp> probes;
  copyFunc.walk([&](ObserveOp op) { probes.push_back(op); });
  for (ObserveOp probe : probes) {
    for (Value &v : exposed)
      if (v == probe.getResult())
        v = probe.getInput();
    probe.getResult().replaceAllUsesWith(probe.getInput());
    probe.erase();
  }
  unsigned numOriginal = copyFunc.getNumResults();
  appendResults(copyFunc, exposed);

  llvm::Expected<std::unique_ptr<JITModule>> jit =
      JITModule::compile(*copy, entry);
  if (!jit)
    return jit.takeError();
  ArrayRef<TensorSpec> specs = (*jit)->inputs();
  for (const TensorSpec &spec : specs)
    if (spec.shape.empty() || spec.shape[0] <= 0 ||
        spec.shape[0] != specs[0].shape[0])
      return makeError("input '" + spec.name +
                       "' has no batch dimension shared by all inputs");
  llvm::Expected<SampleSet> data = loadSamples(samplesPath, specs, numSamples);
  if (!data)
    return data.takeError();

  int64_t batch = specs[0].shape[0];
  std::vector<HostTensor> chunks;
  for (const TensorSpec &spec : specs)
    chunks.push_back(HostTensor::allocate(spec.type, spec.shape));
  std::vector<double> patch;
  ProgressBar bar(label, data->count, "samples");
  for (int64_t first = 0; first < data->count; first += batch) {
    // A last, partial chunk is filled up with earlier samples, which are
    // not counted.
    int64_t rows = std::min(batch, data->count - first);
    for (auto [i, chunk] : llvm::enumerate(chunks)) {
      size_t sampleBytes = chunk.byteSize() / batch;
      const char *src = static_cast<const char *>(data->inputs[i].rawData());
      char *dst = static_cast<char *>(chunk.rawData());
      for (int64_t r = 0; r < batch; ++r)
        std::memcpy(dst + r * sampleBytes,
                    src + ((first + r) % data->count) * sampleBytes,
                    sampleBytes);
    }
    llvm::Expected<std::vector<HostTensor>> outputs = (*jit)->run(chunks);
    if (!outputs)
      return outputs.takeError();
    for (size_t l = 0; l < layers.size(); ++l) {
      const HostTensor &t = (*outputs)[numOriginal + l];
      int64_t perSample = t.numElements() / batch;
      patch.assign(stats[l].k, 0.0);
      for (int64_t r = 0; r < rows; ++r)
        accumulate(geometry[l], t.data<float>() + r * perSample, withGram,
                   stats[l], patch);
    }
    bar.update(first + rows);
  }
  bar.finish();

  for (auto [l, s] : llvm::enumerate(stats)) {
    s.rows = data->count * geometry[l].oh * geometry[l].ow;
    double inv = 1.0 / double(s.rows);
    for (std::vector<double> &m : s.mean)
      for (double &v : m)
        v *= inv;
    for (std::vector<double> &g : s.gram)
      for (int64_t i = 0; i < s.k; ++i)
        for (int64_t j = i; j < s.k; ++j) {
          g[i * s.k + j] *= inv;
          g[j * s.k + i] = g[i * s.k + j];
        }
  }
  return stats;
}
