//===- TargetDescription.h - what an accelerator can run -------*- C++ -*-===//
//
// A target description file (JSON, docs/Targets.md) says which qnn ops an
// accelerator runs and within which limits (kernel sizes, strides, channel
// counts), which bit widths it allows for weights, activations and layer
// outputs, how wide its accumulators are, whether it needs per-tensor
// activations or power-of-two scales, and the on-chip memory, MAC array and
// clock the cycle model uses. IR-free: nothing here is keyed on a chip name,
// every property comes from the file.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_TARGET_TARGETDESCRIPTION_H
#define QMLIR_TARGET_TARGETDESCRIPTION_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace qmlir::target {

/// The limits of one op kind. An unset limit means "any".
struct OpLimits {
  /// Allowed kernel extents (each spatial dimension must be one of them).
  std::vector<int64_t> kernelSizes;
  /// Allowed strides (each spatial dimension must be one of them).
  std::vector<int64_t> strides;
  std::optional<int64_t> maxInputChannels;
  std::optional<int64_t> maxOutputChannels;
  /// conv2d only: whether depthwise (groups == channels) convolutions run.
  bool depthwise = true;
  /// conv2d only: whether other grouped convolutions run.
  bool grouped = false;
  /// concat only: the most inputs of one concatenation.
  std::optional<int64_t> maxInputs;
  /// concat only: the axes it may concatenate along (empty: any).
  std::vector<int64_t> axes;
};

struct TargetDescription {
  std::string name;
  /// The op kinds the accelerator runs, by qnn mnemonic ("conv2d").
  std::map<std::string, OpLimits> ops;
  /// Allowed widths, ascending.
  std::vector<unsigned> weightBits = {8};
  std::vector<unsigned> activationBits = {8};
  std::vector<unsigned> outputBits = {8};
  unsigned accumulatorBits = 32;
  bool perAxisWeights = true;
  bool perTensorActivationsOnly = true;
  bool powerOfTwoScales = false;
  int64_t memoryBytes = 0;
  int64_t macRows = 1;
  int64_t macCols = 1;
  double clockMHz = 100.0;

  /// The limits of op kind `op` (a qnn mnemonic), or null if unsupported.
  const OpLimits *lookup(llvm::StringRef op) const;
  /// The largest allowed width that is <= `requested`, else the smallest
  /// allowed width.
  static unsigned clamp(llvm::ArrayRef<unsigned> allowed, unsigned requested);
};

/// The op kinds a target may list (qnn mnemonics the npu lowering knows).
llvm::ArrayRef<llvm::StringRef> knownOpKinds();

/// Parses a description; every error is one line naming `source` and the
/// key (unknown keys, wrong types, impossible values).
llvm::Expected<TargetDescription> parseTarget(llvm::StringRef text,
                                              llvm::StringRef source);
/// Reads and parses a target file.
llvm::Expected<TargetDescription> readTarget(llvm::StringRef path);

} // namespace qmlir::target

#endif // QMLIR_TARGET_TARGETDESCRIPTION_H
