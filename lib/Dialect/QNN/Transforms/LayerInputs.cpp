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

/// The patch of output position (oy, ox), group `grp` of one sample (`x`:
/// H*W*C values, NHWC) into `patch` (k values).
void extractPatch(const PatchGeometry &g, const float *x, int64_t oy,
                  int64_t ox, int64_t grp, double *patch) {
  if (!g.conv) {
    for (int64_t c = 0; c < g.c; ++c)
      patch[c] = x[c];
    return;
  }
  for (int64_t ky = 0; ky < g.kh; ++ky)
    for (int64_t kx = 0; kx < g.kw; ++kx) {
      int64_t iy = oy * g.sh - g.padTop + ky * g.dh;
      int64_t ix = ox * g.sw - g.padLeft + kx * g.dw;
      double *dst = patch + (ky * g.kw + kx) * g.cg;
      if (iy < 0 || iy >= g.h || ix < 0 || ix >= g.w) {
        std::fill(dst, dst + g.cg, 0.0);
        continue;
      }
      const float *src = x + (iy * g.w + ix) * g.c + grp * g.cg;
      for (int64_t c = 0; c < g.cg; ++c)
        dst[c] = src[c];
    }
}

/// Calls `fn(group, patch)` for every patch of layer `index` of `inputs`.
template <typename Fn>
void forEachPatch(const PatchGeometry &g, const LayerInputs &inputs,
                  size_t index, int64_t k, Fn fn) {
  std::vector<double> patch(k);
  int64_t rowSize = inputs.rowSize[index];
  for (int64_t r = 0; r < inputs.count; ++r) {
    const float *x = inputs.values[index].data() + r * rowSize;
    for (int64_t oy = 0; oy < g.oh; ++oy)
      for (int64_t ox = 0; ox < g.ow; ++ox)
        for (int64_t grp = 0; grp < g.groups; ++grp) {
          extractPatch(g, x, oy, ox, grp, patch.data());
          fn(grp, patch.data(), r, oy, ox);
        }
  }
}

} // namespace

bool qmlir::qnn::hasSupportedInput(Operation *op) {
  return isa<Conv2dOp, DenseOp>(op) && succeeded(geometryOf(op));
}

llvm::Expected<LayerInputs> qmlir::qnn::captureLayerInputs(
    ModuleOp module, StringRef entry, ArrayRef<Operation *> layers,
    StringRef samplesPath, int64_t numSamples, StringRef label) {
  auto func = module.lookupSymbol<func::FuncOp>(entry);
  if (!func)
    return makeError("no function named '" + entry + "'");
  for (Operation *op : layers)
    if (failed(geometryOf(op)))
      return makeError("a layer input of unsupported shape: " +
                       Twine(op->getName().getStringRef()));

  // The layers by position in the function, to find them in the copy.
  llvm::DenseMap<Operation *, int64_t> position;
  int64_t next = 0;
  func.walk([&](Operation *op) { position[op] = next++; });
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
  LayerInputs result;
  result.count = data->count;
  result.values.resize(layers.size());
  std::vector<HostTensor> chunks;
  for (const TensorSpec &spec : specs)
    chunks.push_back(HostTensor::allocate(spec.type, spec.shape));
  ProgressBar bar(label, data->count, "samples");
  for (int64_t first = 0; first < data->count; first += batch) {
    // A last, partial chunk is filled up with earlier samples, which are
    // not kept.
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
      if (first == 0)
        result.rowSize.push_back(perSample);
      const float *v = t.data<float>();
      result.values[l].insert(result.values[l].end(), v,
                              v + rows * perSample);
    }
    bar.update(first + rows);
  }
  bar.finish();
  return result;
}

LayerInputStats qmlir::qnn::inputStats(Operation *layer,
                                       const LayerInputs &inputs, size_t index,
                                       bool withGram) {
  PatchGeometry g = *geometryOf(layer);
  LayerInputStats s;
  s.groups = g.groups;
  s.k = g.kh * g.kw * g.cg;
  s.rows = inputs.count * g.oh * g.ow;
  s.mean.assign(s.groups, std::vector<double>(s.k, 0.0));
  if (withGram)
    s.gram.assign(s.groups, std::vector<double>(s.k * s.k, 0.0));
  int64_t k = s.k;
  forEachPatch(g, inputs, index, k,
               [&](int64_t grp, const double *patch, int64_t, int64_t,
                   int64_t) {
                 std::vector<double> &mean = s.mean[grp];
                 for (int64_t i = 0; i < k; ++i)
                   mean[i] += patch[i];
                 if (!withGram)
                   return;
                 // The upper triangle; zeros (frequent after a relu) add
                 // nothing.
                 double *gram = s.gram[grp].data();
                 for (int64_t i = 0; i < k; ++i) {
                   double pi = patch[i];
                   if (pi == 0.0)
                     continue;
                   double *row = gram + i * k;
                   for (int64_t j = i; j < k; ++j)
                     row[j] += pi * patch[j];
                 }
               });
  double inv = s.rows > 0 ? 1.0 / double(s.rows) : 0.0;
  for (std::vector<double> &m : s.mean)
    for (double &v : m)
      v *= inv;
  for (std::vector<double> &gram : s.gram)
    for (int64_t i = 0; i < k; ++i)
      for (int64_t j = i; j < k; ++j) {
        gram[i * k + j] *= inv;
        gram[j * k + i] = gram[i * k + j];
      }
  return s;
}

std::vector<std::vector<double>>
qmlir::qnn::crossMoments(Operation *layer, const LayerInputs &perturbed,
                         size_t pIndex, const LayerInputs &reference,
                         size_t rIndex) {
  PatchGeometry g = *geometryOf(layer);
  int64_t k = g.kh * g.kw * g.cg;
  std::vector<std::vector<double>> cross(g.groups,
                                         std::vector<double>(k * k, 0.0));
  std::vector<double> ref(k);
  int64_t rowSize = reference.rowSize[rIndex];
  forEachPatch(g, perturbed, pIndex, k,
               [&](int64_t grp, const double *patch, int64_t r, int64_t oy,
                   int64_t ox) {
                 extractPatch(g, reference.values[rIndex].data() + r * rowSize,
                              oy, ox, grp, ref.data());
                 double *c = cross[grp].data();
                 for (int64_t i = 0; i < k; ++i) {
                   double pi = patch[i];
                   if (pi == 0.0)
                     continue;
                   double *row = c + i * k;
                   for (int64_t j = 0; j < k; ++j)
                     row[j] += pi * ref[j];
                 }
               });
  double inv = 1.0 / double(perturbed.count * g.oh * g.ow);
  for (std::vector<double> &c : cross)
    for (double &v : c)
      v *= inv;
  return cross;
}

llvm::Expected<std::vector<LayerInputStats>> qmlir::qnn::collectLayerInputStats(
    ModuleOp module, StringRef entry, ArrayRef<Operation *> layers,
    StringRef samplesPath, int64_t numSamples, bool withGram, StringRef label) {
  llvm::Expected<LayerInputs> inputs =
      captureLayerInputs(module, entry, layers, samplesPath, numSamples, label);
  if (!inputs)
    return inputs.takeError();
  std::vector<LayerInputStats> stats;
  for (auto [l, op] : llvm::enumerate(layers))
    stats.push_back(inputStats(op, *inputs, l, withGram));
  return stats;
}
