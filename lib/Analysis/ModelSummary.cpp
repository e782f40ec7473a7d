//===- ModelSummary.cpp - a layer table of a model ------------------------===//

#include "qmlir/Analysis/ModelSummary.h"

#include "qmlir/Dialect/QNN/IR/QNNOps.h"
#include "qmlir/Dialect/QNN/Transforms/TensorNames.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/Matchers.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"

#include <cmath>

using namespace mlir;
using namespace qmlir;

namespace {

/// "f32", "8", "u8" (storage range starting at the zero point's side),
/// "4/axis".
std::string describeType(Type type) {
  Type et = getElementTypeOrSelf(type);
  auto q = dyn_cast<quant::QuantizedType>(et);
  if (!q) {
    std::string s;
    llvm::raw_string_ostream os(s);
    et.print(os);
    return s;
  }
  int64_t levels = q.getStorageTypeMax() - q.getStorageTypeMin() + 1;
  int bits = static_cast<int>(std::ceil(std::log2(double(levels))));
  std::string s = (q.isSigned() ? "" : "u") + std::to_string(bits);
  if (isa<quant::UniformQuantizedPerAxisType>(q))
    s += "/axis";
  return s;
}

/// The op's weights: the second operand of the ops that have them.
Value weightsOf(Operation *op) {
  if (isa<qnn::Conv2dOp, qnn::DenseOp, qnn::ConvTranspose2dOp,
          qnn::BatchNormOp>(op))
    return op->getOperand(1);
  return {};
}

/// Elements of an operand that is a constant (through quant.scast).
int64_t constantElements(Value v) {
  while (auto cast = v.getDefiningOp<quant::StorageCastOp>())
    v = cast.getInput();
  if (!matchPattern(v, m_Constant()))
    return 0;
  auto type = dyn_cast<RankedTensorType>(v.getType());
  return type && type.hasStaticShape() ? type.getNumElements() : 0;
}

bool isLayer(Operation *op) {
  return isa<qnn::QNNDialect>(op->getDialect()) &&
         !isa<qnn::ObserveOp, qnn::QuantizeOp, qnn::DequantizeOp,
              qnn::RequantizeOp>(op) &&
         op->getNumResults() > 0;
}

std::string joinShape(ArrayRef<int64_t> shape) {
  std::string s;
  for (auto [i, d] : llvm::enumerate(shape))
    s += (i ? "x" : "") + (ShapedType::isDynamic(d) ? "?" : std::to_string(d));
  return s;
}

} // namespace

llvm::Expected<std::vector<LayerSummary>>
qmlir::summarizeModel(ModuleOp module, llvm::StringRef entry) {
  auto func = module.lookupSymbol<func::FuncOp>(entry);
  if (!func)
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "the model has no function '" + entry +
                                       "'");
  std::vector<LayerSummary> layers;
  func.walk([&](Operation *op) {
    if (!isLayer(op))
      return;
    LayerSummary s;
    s.name = qnn::layerName(op);
    s.op = op->getName().stripDialect().str();
    if (auto type = dyn_cast<ShapedType>(op->getResult(0).getType())) {
      s.outputShape.assign(type.getShape().begin(), type.getShape().end());
      s.outputBits = describeType(type);
    }
    if (op->getNumOperands() > 0)
      s.inputBits = describeType(op->getOperand(0).getType());
    if (Value w = weightsOf(op)) {
      auto type = cast<ShapedType>(w.getType());
      s.kernelShape.assign(type.getShape().begin(), type.getShape().end());
      s.weightBits = describeType(type);
    }
    for (Value operand : op->getOperands())
      s.parameters += constantElements(operand);
    layers.push_back(std::move(s));
  });
  return layers;
}

void qmlir::printModelSummary(llvm::raw_ostream &os,
                              ArrayRef<LayerSummary> layers) {
  size_t nameWidth = 5, opWidth = 2, shapeWidth = 12, kernelWidth = 6;
  for (const LayerSummary &l : layers) {
    nameWidth = std::max(nameWidth, l.name.size());
    opWidth = std::max(opWidth, l.op.size());
    shapeWidth = std::max(shapeWidth, joinShape(l.outputShape).size());
    kernelWidth = std::max(kernelWidth, joinShape(l.kernelShape).size());
  }
  auto row = [&](StringRef name, StringRef op, StringRef shape,
                 StringRef kernel, StringRef w, StringRef in, StringRef out,
                 StringRef params) {
    os << llvm::left_justify(name, nameWidth) << "  "
       << llvm::left_justify(op, opWidth) << "  "
       << llvm::left_justify(shape, shapeWidth) << "  "
       << llvm::left_justify(kernel, kernelWidth) << "  "
       << llvm::left_justify(w, 7) << "  " << llvm::left_justify(in, 7)
       << "  " << llvm::left_justify(out, 8) << "  " << params << "\n";
  };
  row("layer", "op", "output shape", "kernel", "weights", "input", "output",
      "params");
  int64_t total = 0;
  for (const LayerSummary &l : layers) {
    row(l.name, l.op, joinShape(l.outputShape), joinShape(l.kernelShape),
        l.weightBits, l.inputBits, l.outputBits,
        l.parameters ? std::to_string(l.parameters) : "");
    total += l.parameters;
  }
  os << "total: " << layers.size() << " layers, " << total
     << " parameters\n";
}
