//===- Samples.cpp - calibration samples from .npy / .npz files -----------===//

#include "Samples.h"

#include "qmlir/Runtime/Npz.h"

#include <algorithm>
#include <cmath>

using namespace mlir;
using namespace qmlir;
using namespace qmlir::qnn;

static llvm::Error makeError(const Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

llvm::Expected<SampleSet> qmlir::qnn::loadSamples(StringRef path,
                                                  ArrayRef<TensorSpec> specs,
                                                  int64_t limit) {
  llvm::Expected<std::vector<NamedArray>> arrays = readArrays(path);
  if (!arrays)
    return arrays.takeError();
  SampleSet set;
  for (auto [i, spec] : llvm::enumerate(specs)) {
    const NamedArray *array = nullptr;
    if (arrays->size() == 1 && specs.size() == 1) {
      array = &arrays->front();
    } else {
      for (const NamedArray &a : *arrays)
        if (a.name == spec.name)
          array = &a;
      if (!array)
        return makeError(path + ": no array named '" + spec.name +
                         "' for input #" + Twine(i) +
                         " (a model with several inputs needs a .npz file "
                         "with one array per input name)");
    }
    const HostTensor &t = array->tensor;
    if (t.type != spec.type)
      return makeError(path + ": samples for input '" + spec.name + "' are " +
                       stringifyElementType(t.type) + " but the input is " +
                       stringifyElementType(spec.type));
    if (t.shape.size() != spec.shape.size() || spec.shape.empty() ||
        !std::equal(t.shape.begin() + 1, t.shape.end(),
                    spec.shape.begin() + 1)) {
      return makeError(path + ": sample shape " + formatShape(t.shape) +
                       " does not match input '" + spec.name + "' (" +
                       formatShape(spec.shape) + ": N x " +
                       formatShape(ArrayRef<int64_t>(spec.shape).drop_front()) +
                       " expected)");
    }
    int64_t rows = t.shape[0];
    if (i == 0)
      set.count = rows;
    else if (rows != set.count)
      return makeError(path + ": inputs hold different numbers of samples (" +
                       Twine(set.count) + " and " + Twine(rows) + ")");
    if (t.type == ElementType::F32 || t.type == ElementType::F64) {
      for (int64_t k = 0, e = t.numElements(); k < e; ++k) {
        double v = t.type == ElementType::F32 ? t.data<float>()[k]
                                              : t.data<double>()[k];
        if (!std::isfinite(v))
          return makeError(path + ": sample values for input '" + spec.name +
                           "' contain NaN or infinity (sample " +
                           Twine(k / std::max<int64_t>(1, t.numElements() /
                                                              rows)) +
                           ")");
      }
    }
    set.inputs.push_back(t);
  }
  if (set.count == 0)
    return makeError(path + ": the file holds no samples");
  if (limit > 0)
    set.count = std::min(set.count, limit);
  return set;
}
