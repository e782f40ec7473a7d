//===- Encodings.h - AIMET encodings files ----------------------*- C++ -*-===//
//
// The JSON layout AIMET writes beside a float model (version 0.6.1):
// `activation_encodings` and `param_encodings` map a tensor name to a list
// of encodings, one for a per-tensor quantizer or one per channel. IR-free;
// naming the model's tensors and applying the encodings is the qnn
// transforms' job (qmlir/Dialect/QNN/Transforms/Encodings.h). See
// docs/Export.md, "Encodings".
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_QUANT_ENCODINGS_H
#define QMLIR_QUANT_ENCODINGS_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/JSON.h"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace qmlir::encodings {

/// One quantizer's parameters in AIMET's terms: integers 0..2^bitwidth-1
/// stand for `scale * (q + offset)`, so `min = scale * offset` and
/// `max = scale * (offset + 2^bitwidth - 1)` for a full-range quantizer.
struct Encoding {
  unsigned bitwidth = 8;
  /// "int" (the only one qmlir reads; AIMET writes "float" for tensors it
  /// keeps in floating point).
  std::string dtype = "int";
  bool isSymmetric = false;
  double min = 0.0;
  double max = 0.0;
  int64_t offset = 0;
  double scale = 0.0;

  /// The encoding of qmlir's `real = scale * (q - zeroPoint)` with storage
  /// range [qmin, qmax]: offset = qmin - zeroPoint and min/max the real
  /// values of qmin/qmax (for a narrow range such as -127..127 these are the
  /// range's ends, not `scale * (offset + 2^bitwidth - 1)`).
  static Encoding fromQuantParams(double scale, int64_t zeroPoint, int64_t qmin,
                                  int64_t qmax);
};

using TensorEncodings = std::map<std::string, std::vector<Encoding>>;

struct EncodingsFile {
  TensorEncodings activations; ///< "activation_encodings"
  TensorEncodings params;      ///< "param_encodings"
};

/// Parses an encodings file; `source` names it in errors, which also name
/// the section, tensor and key.
llvm::Expected<EncodingsFile> parseEncodings(llvm::StringRef text,
                                             llvm::StringRef source);

/// AIMET's layout: `is_symmetric` as the strings "True"/"False", both
/// sections, `excluded_layers: []`, `version: "0.6.1"`.
llvm::json::Value toJSON(const EncodingsFile &file);

} // namespace qmlir::encodings

#endif // QMLIR_QUANT_ENCODINGS_H
