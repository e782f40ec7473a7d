//===- Encodings.cpp - AIMET encodings export and qnn-apply-encodings -----===//

#include "qmlir/Dialect/QNN/Transforms/Encodings.h"

#include "qmlir/Dialect/QNN/IR/QNNOps.h"
#include "qmlir/Dialect/QNN/Transforms/Passes.h"
#include "qmlir/Dialect/QNN/Transforms/TensorNames.h"

#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/Builders.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/MemoryBuffer.h"

#include <limits>

namespace qmlir::qnn {
#define GEN_PASS_DEF_QNNAPPLYENCODINGSPASS
#include "qmlir/Dialect/QNN/Transforms/Passes.h.inc"
} // namespace qmlir::qnn

using namespace mlir;
using namespace qmlir;
using namespace qmlir::qnn;
using encodings::Encoding;

//===----------------------------------------------------------------------===//
// Export
//===----------------------------------------------------------------------===//

/// One encoding per tensor or per channel of a quantized element type.
static FailureOr<std::vector<Encoding>> encodingsOf(Type type, Operation *op) {
  std::vector<Encoding> out;
  auto qtype = dyn_cast<quant::QuantizedType>(getElementTypeOrSelf(type));
  if (auto u = dyn_cast_or_null<quant::UniformQuantizedType>(qtype)) {
    out.push_back(Encoding::fromQuantParams(u.getScale(), u.getZeroPoint(),
                                            u.getStorageTypeMin(),
                                            u.getStorageTypeMax()));
    return out;
  }
  if (auto pa = dyn_cast_or_null<quant::UniformQuantizedPerAxisType>(qtype)) {
    for (auto [scale, zp] : llvm::zip_equal(pa.getScales(), pa.getZeroPoints()))
      out.push_back(Encoding::fromQuantParams(scale, zp, pa.getStorageTypeMin(),
                                              pa.getStorageTypeMax()));
    return out;
  }
  return op->emitError() << "encodings export: unsupported quantized type "
                         << type;
}

/// Ops whose results are tensors of their own (not a view of their input,
/// not a change of an existing tensor's quantization).
static bool computesTensor(Operation *op) {
  return isa<QNNDialect>(op->getDialect()) &&
         !isa<ReshapeOp, TransposeOp, QuantizeOp, DequantizeOp, RequantizeOp,
              ObserveOp>(op);
}

FailureOr<encodings::EncodingsFile>
qmlir::qnn::collectEncodings(func::FuncOp func) {
  encodings::EncodingsFile file;
  auto add = [&](encodings::TensorEncodings &section, const std::string &name,
                 Type type, Operation *op) -> LogicalResult {
    FailureOr<std::vector<Encoding>> e = encodingsOf(type, op);
    if (failed(e))
      return failure();
    section[name] = std::move(*e);
    return success();
  };
  WalkResult walk = func.walk([&](Operation *op) {
    if (auto quantize = dyn_cast<QuantizeOp>(op)) {
      // The float tensor it quantizes has the probe: an argument, or the
      // output of a layer the config left float.
      Value in = quantize.getInput();
      std::string name =
          isa<BlockArgument>(in)
              ? argumentName(func, cast<BlockArgument>(in).getArgNumber())
              : resultName(cast<OpResult>(in));
      return failed(add(file.activations, name, quantize.getType(), op))
                 ? WalkResult::interrupt()
                 : WalkResult::advance();
    }
    if (!computesTensor(op))
      return WalkResult::advance();
    for (OpResult r : op->getResults())
      if (isa<quant::QuantizedType>(getElementTypeOrSelf(r.getType())) &&
          failed(add(file.activations, resultName(r), r.getType(), op)))
        return WalkResult::interrupt();
    if (isa<Conv2dOp, DenseOp>(op)) {
      // Quantized weights, or (an imported QDQ model) float weights that a
      // qnn.dequantize computes from quantized ones.
      // The importer dequantizes ONNX's OIHW weights before transposing
      // them, which keeps the output channels and their scales.
      Value weight = op->getOperand(1);
      while (isa_and_nonnull<TransposeOp, ReshapeOp>(weight.getDefiningOp()))
        weight = weight.getDefiningOp()->getOperand(0);
      if (auto dequantize = weight.getDefiningOp<DequantizeOp>())
        weight = dequantize.getInput();
      Type w = weight.getType();
      if (isa<quant::QuantizedType>(getElementTypeOrSelf(w)) &&
          failed(add(file.params, parameterName(op, 1), w, op)))
        return WalkResult::interrupt();
    }
    return WalkResult::advance();
  });
  if (walk.wasInterrupted())
    return failure();
  return file;
}

//===----------------------------------------------------------------------===//
// qnn-apply-encodings
//===----------------------------------------------------------------------===//

namespace {

/// "'a', 'b'" for an error message.
std::string quotedList(ArrayRef<std::string> names) {
  std::string s;
  for (auto [i, n] : llvm::enumerate(names))
    s += (i ? ", '" : "'") + n + "'";
  return s;
}

struct QNNApplyEncodingsPass
    : qmlir::qnn::impl::QNNApplyEncodingsPassBase<QNNApplyEncodingsPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto fail = [&](const Twine &msg) {
      module.emitError() << "qnn-apply-encodings: " << msg;
      signalPassFailure();
    };
    if (file.empty())
      return fail("give the encodings file: qnn-apply-encodings{file=...}");
    auto buffer = llvm::MemoryBuffer::getFile(file, /*IsText=*/true);
    if (!buffer)
      return fail(file + ": cannot read: " + buffer.getError().message());
    llvm::Expected<encodings::EncodingsFile> parsed =
        encodings::parseEncodings((*buffer)->getBuffer(), file);
    if (!parsed)
      return fail(llvm::toString(parsed.takeError()));

    // Probes by tensor name, weights by parameter name.
    llvm::StringMap<ObserveOp> probes;
    llvm::StringMap<Operation *> weights;
    llvm::StringSet<> biases;
    module.walk([&](Operation *op) {
      if (auto probe = dyn_cast<ObserveOp>(op))
        probes[probe.getName()] = probe;
      if (isa<Conv2dOp, DenseOp>(op)) {
        weights[parameterName(op, 1)] = op;
        if (op->getNumOperands() > 2)
          biases.insert(parameterName(op, 2));
      }
    });
    if (probes.empty())
      return fail("the module has no qnn.observe probes: run "
                  "qnn-insert-calibration first");

    std::vector<std::string> unknown, missing;
    for (const auto &[name, list] : parsed->activations)
      if (!probes.contains(name))
        unknown.push_back(name);
    if (!unknown.empty())
      return fail(file +
                  ": activation_encodings names tensors the model "
                  "does not have: " +
                  quotedList(unknown));
    for (const auto &[name, list] : parsed->params)
      if (!weights.contains(name) && !biases.contains(name))
        unknown.push_back(name);
    if (!unknown.empty())
      return fail(file +
                  ": param_encodings names parameters the model "
                  "does not have: " +
                  quotedList(unknown));
    for (const auto &kv : probes)
      if (!parsed->activations.count(kv.getKey().str()))
        missing.push_back(kv.getKey().str());
    if (!missing.empty()) {
      llvm::sort(missing);
      return fail(file + ": no activation encoding for tensors " +
                  quotedList(missing));
    }

    Builder b(module.getContext());
    for (auto &kv : probes) {
      ObserveOp probe = kv.getValue();
      const std::vector<Encoding> &list =
          parsed->activations.at(kv.getKey().str());
      if (failed(applyActivation(b, probe, list)))
        return signalPassFailure();
    }
    for (const auto &[name, list] : parsed->params) {
      auto it = weights.find(name);
      if (it == weights.end())
        continue; // a bias: its scale follows from the input and weights
      Operation *layer = it->second;
      SmallVector<double> scales;
      for (const Encoding &e : list) {
        if (!e.isSymmetric || e.bitwidth != list.front().bitwidth) {
          layer->emitError() << "qnn-apply-encodings: " << file
                             << ": param_encodings '" << name
                             << "': qmlir quantizes weights symmetrically "
                                "with one bit width";
          return signalPassFailure();
        }
        scales.push_back(e.scale);
      }
      layer->setAttr(
          kWeightEncodingAttr,
          b.getDictionaryAttr(
              {b.getNamedAttr("bits",
                              b.getI64IntegerAttr(list.front().bitwidth)),
               b.getNamedAttr("scales", b.getDenseF64ArrayAttr(scales))}));
    }
  }

  LogicalResult applyActivation(Builder &b, ObserveOp probe,
                                const std::vector<Encoding> &list) {
    const Encoding &first = list.front();
    double lo = std::numeric_limits<double>::infinity(), hi = -lo;
    for (const Encoding &e : list) {
      if (e.bitwidth > 16 || e.bitwidth != first.bitwidth ||
          e.isSymmetric != first.isSymmetric)
        return probe.emitError()
               << "qnn-apply-encodings: " << file << ": activation_encodings '"
               << probe.getName()
               << "': activations need one bit width (at most 16) and "
                  "symmetry for all channels";
      lo = std::min(lo, e.min);
      hi = std::max(hi, e.max);
    }
    probe.setMinAttr(b.getF64FloatAttr(lo));
    probe.setMaxAttr(b.getF64FloatAttr(hi));
    probe.setBitsAttr(b.getI64IntegerAttr(first.bitwidth));
    probe.setSymmetricAttr(b.getBoolAttr(first.isSymmetric));
    probe.removeChannelMinAttr();
    probe.removeChannelMaxAttr();
    if (list.size() == 1)
      return success();
    auto type = cast<RankedTensorType>(probe.getType());
    if (type.getRank() == 0 || type.getDimSize(type.getRank() - 1) !=
                                   static_cast<int64_t>(list.size()))
      return probe.emitError()
             << "qnn-apply-encodings: " << file << ": activation_encodings '"
             << probe.getName() << "' has " << list.size()
             << " channel encodings but the tensor " << type
             << " has a different number of channels (its last dimension)";
    SmallVector<double> mins, maxs;
    for (const Encoding &e : list) {
      mins.push_back(e.min);
      maxs.push_back(e.max);
    }
    probe.setChannelMinAttr(b.getDenseF64ArrayAttr(mins));
    probe.setChannelMaxAttr(b.getDenseF64ArrayAttr(maxs));
    return success();
  }
};

} // namespace
