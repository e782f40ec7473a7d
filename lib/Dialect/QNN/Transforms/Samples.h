//===- Samples.h - calibration samples from .npy / .npz files ---*- C++ -*-===//
//
// Shared by the passes that run the model on calibration data
// (qnn-calibrate, qnn-adaround, empirical qnn-bias-correction): loading the
// samples of every model input and checking them against the inputs.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_LIB_DIALECT_QNN_TRANSFORMS_SAMPLES_H
#define QMLIR_LIB_DIALECT_QNN_TRANSFORMS_SAMPLES_H

#include "qmlir/Runtime/JIT.h"

#include "llvm/Support/Error.h"

#include <vector>

namespace qmlir::qnn {

/// The samples of every model input, `count` rows each.
struct SampleSet {
  std::vector<HostTensor> inputs;
  int64_t count = 0;
};

/// Loads `path` (.npy or .npz) and matches its arrays to the inputs: one
/// array for a single input, else one array per input name. Errors name the
/// file and the input for a wrong element type or shape, different sample
/// counts, NaN or infinity, and an empty file. A positive `limit` keeps the
/// first `limit` samples.
llvm::Expected<SampleSet> loadSamples(llvm::StringRef path,
                                      llvm::ArrayRef<TensorSpec> specs,
                                      int64_t limit);

} // namespace qmlir::qnn

#endif // QMLIR_LIB_DIALECT_QNN_TRANSFORMS_SAMPLES_H
