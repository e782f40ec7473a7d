//===- Summary.cpp - a model summary of segments and layers ---------------===//

#include "qmlir/Dialect/NPU/Transforms/Passes.h"

#include "qmlir/Dialect/NPU/IR/NPUOps.h"
#include "qmlir/Dialect/QNN/IR/QNNOps.h"
#include "qmlir/Dialect/QNN/Transforms/TensorNames.h"

#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"
#include "qmlir/Support/OutputFile.h"

namespace qmlir::npu {
#define GEN_PASS_DEF_NPUSUMMARYPASS
#include "qmlir/Dialect/NPU/Transforms/Passes.h.inc"
} // namespace qmlir::npu

using namespace mlir;
using namespace qmlir;
using namespace qmlir::npu;

namespace {

std::string shapeOf(Type t) {
  auto tensor = dyn_cast<RankedTensorType>(t);
  if (!tensor)
    return "-";
  std::string s = "[";
  llvm::raw_string_ostream os(s);
  llvm::interleave(tensor.getShape(), os, ", ");
  return s + "]";
}

/// "i8", "f32", or the width of a quantized type ("4").
std::string bitsOf(Type t) {
  auto tensor = dyn_cast<RankedTensorType>(t);
  if (!tensor)
    return "-";
  Type e = tensor.getElementType();
  if (auto q = dyn_cast<quant::QuantizedType>(e)) {
    int64_t levels = q.getStorageTypeMax() - q.getStorageTypeMin() + 1;
    unsigned bits = 1;
    while ((int64_t(1) << bits) < levels)
      ++bits;
    return std::to_string(bits);
  }
  if (isa<FloatType>(e))
    return "f" + std::to_string(e.getIntOrFloatBitWidth());
  return "-";
}

/// Bytes a transfer moves: the values packed at their quantized width (as
/// the simulator's traffic model counts them).
int64_t bytesOf(Type t) {
  auto tensor = cast<RankedTensorType>(t);
  Type e = tensor.getElementType();
  int64_t bits = e.isIntOrFloat() ? e.getIntOrFloatBitWidth() : 8;
  if (auto q = dyn_cast<quant::QuantizedType>(e)) {
    int64_t levels = q.getStorageTypeMax() - q.getStorageTypeMin() + 1;
    bits = 1;
    while ((int64_t(1) << bits) < levels)
      ++bits;
  }
  return (tensor.getNumElements() * bits + 7) / 8;
}

struct Row {
  std::string device, name, op, shape, kernel, bits;
};

/// One row per layer: npu compute ops and qnn ops (probes excluded).
std::optional<Row> rowOf(Operation *op, StringRef device) {
  Row r;
  r.device = device.str();
  r.name = qnn::locationName(op->getLoc());
  if (r.name.empty())
    r.name = "-";
  r.op = op->getName().getStringRef().str();
  r.shape = op->getNumResults() ? shapeOf(op->getResult(0).getType()) : "-";
  r.kernel = "-";
  auto i = [](int64_t v) { return std::to_string(v); };
  if (auto c = dyn_cast<npu::Conv2dOp>(op)) {
    r.kernel = shapeOf(c.getWeight().getType());
    r.bits = i(c.getWeightBits()) + "/" + i(c.getInputBits()) + "/" +
             i(c.getOutputBits()) + "/" + i(c.getAccBits());
  } else if (auto d = dyn_cast<npu::DenseOp>(op)) {
    r.kernel = shapeOf(d.getWeight().getType());
    r.bits = i(d.getWeightBits()) + "/" + i(d.getInputBits()) + "/" +
             i(d.getOutputBits()) + "/" + i(d.getAccBits());
  } else if (auto a = dyn_cast<npu::AddOp>(op)) {
    r.bits = "-/" + i(a.getInputBits()) + "/" + i(a.getOutputBits()) + "/32";
  } else if (auto c = dyn_cast<npu::ConcatOp>(op)) {
    r.bits = "-/" + i(c.getBits()) + "/" + i(c.getBits()) + "/-";
  } else if (auto p = dyn_cast<npu::PadOp>(op)) {
    r.bits = "-/" + i(p.getBits()) + "/" + i(p.getBits()) + "/-";
  } else if (auto p = dyn_cast<npu::MaxPool2dOp>(op)) {
    r.kernel = shapeOf(RankedTensorType::get(
        p.getKernel(), IntegerType::get(op->getContext(), 8)));
    r.bits = "-/" + i(p.getBits()) + "/" + i(p.getBits()) + "/-";
  } else if (auto c = dyn_cast<npu::ClampOp>(op)) {
    r.bits = "-/" + i(c.getBits()) + "/" + i(c.getBits()) + "/-";
  } else if (auto s = dyn_cast<npu::RescaleOp>(op)) {
    r.bits = "-/" + i(s.getInputBits()) + "/" + i(s.getOutputBits()) + "/-";
  } else if (auto p = dyn_cast<npu::AvgPool2dOp>(op)) {
    r.kernel = shapeOf(RankedTensorType::get(
        p.getKernel(), IntegerType::get(op->getContext(), 8)));
    r.bits = "-/" + i(p.getBits()) + "/" + i(p.getBits()) + "/-";
  } else if (isa<npu::ReshapeOp, npu::TransposeOp>(op)) {
    r.bits = "-/-/-/-";
  } else if (isa<qnn::QNNDialect>(op->getDialect())) {
    if (isa<qnn::ObserveOp>(op))
      return std::nullopt;
    std::string w = "-", acc = "-";
    if (isa<qnn::Conv2dOp, qnn::DenseOp>(op)) {
      r.kernel = shapeOf(op->getOperand(1).getType());
      w = bitsOf(op->getOperand(1).getType());
      if (w != "-" && w[0] != 'f')
        acc = "32";
    } else if (auto p = dyn_cast<qnn::MaxPool2dOp>(op)) {
      r.kernel = shapeOf(RankedTensorType::get(
          p.getKernel(), IntegerType::get(op->getContext(), 8)));
    } else if (auto p = dyn_cast<qnn::AvgPool2dOp>(op)) {
      r.kernel = shapeOf(RankedTensorType::get(
          p.getKernel(), IntegerType::get(op->getContext(), 8)));
    }
    std::string in =
        op->getNumOperands() ? bitsOf(op->getOperand(0).getType()) : "-";
    std::string out =
        op->getNumResults() ? bitsOf(op->getResult(0).getType()) : "-";
    r.bits = w + "/" + in + "/" + out + "/" + acc;
  } else {
    return std::nullopt;
  }
  // A tiled layer (docs/Targets.md, "Tiling").
  auto channels = op->getAttrOfType<IntegerAttr>("tile_channels");
  auto rows = op->getAttrOfType<IntegerAttr>("tile_rows");
  if (channels || rows)
    r.bits += "  tiled: " +
              (channels ? i(channels.getInt()) : std::string("all")) +
              " channel(s) x " +
              (rows ? i(rows.getInt()) : std::string("all")) + " row(s)";
  return r;
}

struct NPUSummaryPass : qmlir::npu::impl::NPUSummaryPassBase<NPUSummaryPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    // Built in memory, then written atomically (qmlir/Support/OutputFile.h).
    std::string text;
    llvm::raw_string_ostream os(text);
    StringAttr target;
    if (auto dict = module->getAttrOfType<DictionaryAttr>("npu.target"))
      target = dict.getAs<StringAttr>("name");
    for (auto func : module.getOps<func::FuncOp>()) {
      if (func.isExternal())
        continue;
      std::vector<Row> rows;
      int64_t segments = 0, npuLayers = 0, cpuLayers = 0;
      int64_t toDevice = 0, toHost = 0, bytesIn = 0, bytesOut = 0;
      for (Operation &op : func.getBody().front()) {
        if (auto seg = dyn_cast<SegmentOp>(op)) {
          ++segments;
          std::string device = "npu " + std::to_string(seg.getIndex());
          for (Operation &inner : seg.getBody().front())
            if (auto row = rowOf(&inner, device)) {
              rows.push_back(*row);
              ++npuLayers;
            }
          continue;
        }
        if (auto t = dyn_cast<TransferOp>(op)) {
          (t.isToDevice() ? toDevice : toHost) += 1;
          (t.isToDevice() ? bytesIn : bytesOut) +=
              bytesOf(t.isToDevice() ? t.getInput().getType()
                                     : t.getOutput().getType());
          continue;
        }
        if (auto row = rowOf(&op, isDeviceOpName(op) ? "npu" : "cpu")) {
          rows.push_back(*row);
          ++(row->device == "cpu" ? cpuLayers : npuLayers);
        }
      }
      os << "Model summary: @" << func.getName();
      if (target)
        os << ", target '" << target.getValue() << "'";
      os << "\n";
      auto type = func.getFunctionType();
      os << "  inputs:";
      for (Type t : type.getInputs())
        os << " " << shapeOf(t);
      os << "  outputs:";
      for (Type t : type.getResults())
        os << " " << shapeOf(t);
      os << "\n";
      size_t w[5] = {6, 5, 2, 12, 12};
      for (const Row &r : rows) {
        w[0] = std::max(w[0], r.device.size());
        w[1] = std::max(w[1], r.name.size());
        w[2] = std::max(w[2], r.op.size());
        w[3] = std::max(w[3], r.shape.size());
        w[4] = std::max(w[4], r.kernel.size());
      }
      auto line = [&](StringRef a, StringRef b, StringRef c, StringRef d,
                      StringRef e, StringRef f) {
        os << "  " << llvm::left_justify(a, w[0]) << "  "
           << llvm::left_justify(b, w[1]) << "  " << llvm::left_justify(c, w[2])
           << "  " << llvm::left_justify(d, w[3]) << "  "
           << llvm::left_justify(e, w[4]) << "  " << f << "\n";
      };
      line("device", "layer", "op", "output shape", "kernel shape",
           "bits w/in/out/acc");
      for (const Row &r : rows)
        line(r.device, r.name, r.op, r.shape, r.kernel, r.bits);
      os << llvm::formatv("  {0} segment(s) on the accelerator: {1} layer(s); "
                          "{2} layer(s) on the CPU; {3} transfer(s) to the "
                          "accelerator ({4} bytes), {5} back ({6} bytes)\n",
                          segments, npuLayers, cpuLayers, toDevice, bytesIn,
                          toHost, bytesOut);
    }
    if (llvm::Error err = qmlir::writeFileAtomically(
            out, [&](llvm::raw_ostream &file) {
              file << text;
              return llvm::Error::success();
            })) {
      module.emitError() << "npu-summary: " << llvm::toString(std::move(err));
      return signalPassFailure();
    }
  }

  static bool isDeviceOpName(Operation &op) {
    return isa<NPUDialect>(op.getDialect());
  }
};

} // namespace
