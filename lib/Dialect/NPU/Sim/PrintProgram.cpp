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

std::vector<ProgramRow> npu::describeProgram(const SimProgram &p) {
  std::vector<ProgramRow> rows;
  auto str = [](int64_t v) { return std::to_string(v); };
  for (const SimStep &step : p.steps) {
    const SimTensor &out = p.tensors[step.outputs.empty() ? step.inputs[0]
                                                          : step.outputs[0]];
    ProgramRow r;
    r.device = "host";
    r.layer = out.name;
    r.outputShape = out.shape;
    switch (step.kind) {
    case SimStepKind::Quantize:
      r.op = "quantize";
      r.inputBits = "f32";
      r.outputBits = str(out.bits);
      rows.push_back(r);
      break;
    case SimStepKind::Dequantize:
      r.op = "dequantize";
      r.inputBits = str(p.tensors[step.inputs[0]].bits);
      r.outputBits = "f32";
      rows.push_back(r);
      break;
    case SimStepKind::Transfer:
      r.op = step.toAccelerator ? "transfer (to)" : "transfer (back)";
      r.inputBits = r.outputBits = str(out.bits);
      rows.push_back(r);
      break;
    case SimStepKind::CpuSegment:
      r.device = "cpu " + str(step.index);
      r.layer = str(step.inputs.size()) + " in, " + str(step.outputs.size()) +
                " out";
      r.op = "compiled code";
      rows.push_back(r);
      // Its layers (format 1.3; older files do not record them).
      for (const CpuLayerInfo &l : step.cpuLayers) {
        ProgramRow c;
        c.device = r.device;
        c.layer = l.name;
        c.op = l.op;
        c.outputShape = l.shape;
        rows.push_back(c);
      }
      break;
    case SimStepKind::Segment:
      for (const SimOp &op : step.ops) {
        ProgramRow o;
        o.device = "npu " + str(step.index);
        o.layer = op.name;
        o.op = opKindName(op.kind).str();
        o.outputShape = p.tensors[op.output].shape;
        if (op.kind == SimOpKind::Conv2d || op.kind == SimOpKind::Dense) {
          o.kernelShape = op.weightShape;
          o.weightBits = str(op.weightBits);
          o.inputBits = str(op.inputBits);
          o.outputBits = str(op.outputBits);
          o.accBits = str(op.accBits);
          o.tileChannels = op.tileChannels;
          o.tileRows = op.tileRows;
        } else if (op.kind == SimOpKind::Rescale) {
          // Its bit widths are those of the tensors it converts between.
          o.inputBits = str(p.tensors[op.input].bits);
          o.outputBits = str(p.tensors[op.output].bits);
        } else if (op.kind == SimOpKind::Add) {
          o.inputBits = str(op.inputBits);
          o.outputBits = str(op.outputBits);
          o.accBits = "32";
        } else {
          o.kernelShape = op.kernel;
          if (op.bits)
            o.inputBits = o.outputBits = str(op.bits);
        }
        rows.push_back(o);
      }
      break;
    }
  }
  return rows;
}

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
  auto bit = [](const std::string &b) { return b.empty() ? "-" : b; };
  for (const ProgramRow &r : describeProgram(p))
    os << llvm::formatv("  {0,-6} {1,-28} {2,-16} {3,-18} {4,-16} "
                        "{5}/{6}/{7}/{8}",
                        r.device, r.layer, r.op, formatShape(r.outputShape),
                        r.kernelShape.empty() ? std::string("-")
                                              : formatShape(r.kernelShape),
                        bit(r.weightBits), bit(r.inputBits),
                        bit(r.outputBits), bit(r.accBits))
       << (r.tileChannels || r.tileRows
               ? llvm::formatv("  tiled: {0} channel(s) x {1} row(s)",
                               r.tileChannels, r.tileRows)
                     .str()
               : std::string())
       << "\n";
}
