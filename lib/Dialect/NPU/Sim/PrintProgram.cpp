//===- PrintProgram.cpp - a SimProgram as a layer table -------------------===//

#include "qmlir/Dialect/NPU/Sim/Simulator.h"

#include "llvm/Support/FormatVariadic.h"

using namespace qmlir;
using namespace qmlir::npu;

namespace {

std::string describe(const SimTensor &t) {
  std::string s = formatShape(t.shape) + " " + stringifyElementType(t.type).str();
  if (t.quant)
    s += llvm::formatv(" (scale {0:g}, zp {1})", t.quant->scale,
                       t.quant->zeroPoint)
             .str();
  return s;
}

} // namespace

void npu::printProgram(llvm::raw_ostream &os, const SimProgram &p) {
  const SimHardware &hw = p.hardware;
  os << llvm::formatv("target '{0}': {1}x{2} MACs at {3} MHz, on-chip memory "
                      "{4}\n",
                      hw.name, hw.macRows, hw.macCols, hw.clockMHz,
                      hw.memoryBytes ? std::to_string(hw.memoryBytes) + " bytes"
                                     : std::string("unlimited"));
  for (int64_t id : p.inputs)
    os << "  input  '" << p.tensors[id].name << "' "
       << describe(p.tensors[id]) << "\n";
  for (int64_t id : p.outputs)
    os << "  output '" << p.tensors[id].name << "' "
       << describe(p.tensors[id]) << "\n";
  os << llvm::formatv("  {0,-6} {1,-28} {2,-16} {3,-18} {4,-16} {5}\n",
                      "device", "layer", "op", "output shape", "kernel shape",
                      "bits w/in/out/acc");
  for (const SimStep &step : p.steps) {
    auto row = [&](llvm::StringRef device, const std::string &name,
                   llvm::StringRef op, const SimTensor &out,
                   const std::string &kernel, const std::string &bits) {
      os << llvm::formatv("  {0,-6} {1,-28} {2,-16} {3,-18} {4,-16} {5}\n",
                          device, name, op, formatShape(out.shape), kernel,
                          bits);
    };
    const SimTensor &out = p.tensors[step.outputs.empty() ? step.inputs[0]
                                                          : step.outputs[0]];
    switch (step.kind) {
    case SimStepKind::Quantize:
      row("host", out.name, "quantize", out, "-",
          "-/f32/" + std::to_string(out.bits) + "/-");
      break;
    case SimStepKind::Dequantize:
      row("host", out.name, "dequantize", out, "-",
          "-/" + std::to_string(p.tensors[step.inputs[0]].bits) + "/f32/-");
      break;
    case SimStepKind::Transfer:
      row("host", out.name,
          step.toAccelerator ? "transfer (to)" : "transfer (back)", out, "-",
          "-/" + std::to_string(out.bits) + "/" + std::to_string(out.bits) +
              "/-");
      break;
    case SimStepKind::CpuSegment:
      row("cpu " + std::to_string(step.index),
          std::to_string(step.inputs.size()) + " in, " +
              std::to_string(step.outputs.size()) + " out",
          "compiled code", out, "-", "-");
      break;
    case SimStepKind::Segment:
      for (const SimOp &op : step.ops) {
        bool mac = op.kind == SimOpKind::Conv2d || op.kind == SimOpKind::Dense;
        std::string kernel = mac ? formatShape(op.weightShape)
                             : op.kernel.empty() ? std::string("-")
                                                 : formatShape(op.kernel);
        std::string bits =
            mac ? llvm::formatv("{0}/{1}/{2}/{3}", op.weightBits, op.inputBits,
                                op.outputBits, op.accBits)
                      .str()
            : op.bits ? llvm::formatv("-/{0}/{0}/-", op.bits).str()
                      : std::string("-/-/-/-");
        if (op.kind == SimOpKind::Add)
          bits = llvm::formatv("-/{0}/{1}/32", op.inputBits, op.outputBits)
                     .str();
        if (op.tileChannels || op.tileRows)
          bits += llvm::formatv("  tiled: {0} channel(s) x {1} row(s)",
                                op.tileChannels, op.tileRows)
                      .str();
        row("npu " + std::to_string(step.index), op.name, opKindName(op.kind),
            p.tensors[op.output], kernel, bits);
      }
      break;
    }
  }
}
