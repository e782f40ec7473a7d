//===- ArtifactWriter.cpp - serialize a SimProgram to .qart ---------------===//

#include "qmlir/Dialect/NPU/Artifact/Artifact.h"

#include "qart_generated.h"

using namespace qmlir;
using namespace qmlir::npu;
namespace fb = flatbuffers;

namespace {

qart::DType dtypeOf(ElementType t) {
  switch (t) {
  case ElementType::I8:
    return qart::DType_I8;
  case ElementType::U8:
    return qart::DType_U8;
  case ElementType::I16:
    return qart::DType_I16;
  case ElementType::I32:
    return qart::DType_I32;
  default:
    return qart::DType_F32;
  }
}

/// Packs `values` at `bits` bits each, least significant bit first.
std::vector<uint8_t> pack(llvm::ArrayRef<int64_t> values, int64_t bits) {
  std::vector<uint8_t> out((values.size() * bits + 7) / 8, 0);
  uint64_t mask = bits >= 64 ? ~uint64_t(0) : (uint64_t(1) << bits) - 1;
  size_t bit = 0;
  for (int64_t v : values) {
    uint64_t u = static_cast<uint64_t>(v) & mask;
    for (int64_t b = 0; b < bits; ++b, ++bit)
      if (u >> b & 1)
        out[bit / 8] |= uint8_t(1) << (bit % 8);
  }
  return out;
}

/// A vector field; empty vectors are left out (readers see them empty).
template <typename T>
fb::Offset<fb::Vector<int64_t>> longs(fb::FlatBufferBuilder &fbb,
                                      const std::vector<T> &v) {
  if (v.empty())
    return 0;
  std::vector<int64_t> w(v.begin(), v.end());
  return fbb.CreateVector(w);
}

fb::Offset<fb::Vector<int32_t>> ints(fb::FlatBufferBuilder &fbb,
                                     const std::vector<int32_t> &v) {
  return v.empty() ? 0 : fbb.CreateVector(v);
}

fb::Offset<qart::NpuOp> writeOp(fb::FlatBufferBuilder &fbb, const SimOp &op) {
  auto name = fbb.CreateString(op.name);
  auto weightShape = longs(fbb, op.weightShape);
  fb::Offset<qart::PackedInts> weights;
  if (!op.weight.empty() || !op.weightShape.empty()) {
    auto data = fbb.CreateVector(pack(op.weight, op.weightBits));
    weights = qart::CreatePackedInts(
        fbb, static_cast<int32_t>(op.weightBits),
        static_cast<int64_t>(op.weight.size()), data);
  }
  std::vector<int32_t> bias(op.bias.begin(), op.bias.end());
  auto biasV = ints(fbb, bias);
  auto strides = longs(fbb, op.strides), padding = longs(fbb, op.padding),
       dilations = longs(fbb, op.dilations), kernel = longs(fbb, op.kernel),
       permutation = longs(fbb, op.permutation);
  auto multiplier = ints(fbb, op.multiplier);
  auto shift = ints(fbb, op.shift);
  auto inputs = longs(fbb, op.inputs);
  auto inputMultiplier = ints(fbb, op.inputMultiplier);
  auto inputShift = ints(fbb, op.inputShift);
  auto inputZps = longs(fbb, op.inputZps), outputZps = longs(fbb, op.outputZps),
       mins = longs(fbb, op.mins), maxs = longs(fbb, op.maxs);
  // Per-channel fields replace the scalars; the scalars are set so that a
  // 1.2 reader, which ignores the vectors, refuses the op (a zero point
  // outside int32, min above max) instead of misrunning it.
  constexpr int64_t kRefusedByOlderReaders = INT64_MIN;
  int64_t inputZp = op.inputZps.empty() ? op.inputZp : kRefusedByOlderReaders;
  int64_t outputZp =
      op.outputZps.empty() ? op.outputZp : kRefusedByOlderReaders;
  int64_t min = op.mins.empty() ? op.min : 1, max = op.maxs.empty() ? op.max : 0;
  qart::NpuOpBuilder b(fbb);
  b.add_kind(static_cast<qart::OpKind>(op.kind));
  b.add_name(name);
  b.add_input(op.input);
  b.add_output(op.output);
  b.add_weight_shape(weightShape);
  if (!weights.IsNull())
    b.add_weights(weights);
  b.add_bias(biasV);
  b.add_strides(strides);
  b.add_padding(padding);
  b.add_dilations(dilations);
  b.add_kernel(kernel);
  b.add_permutation(permutation);
  b.add_groups(op.groups);
  b.add_input_zp(inputZp);
  b.add_output_zp(outputZp);
  b.add_qmin(op.qmin);
  b.add_qmax(op.qmax);
  b.add_input_bits(op.inputBits);
  b.add_weight_bits(op.weightBits);
  b.add_output_bits(op.outputBits);
  b.add_acc_bits(op.accBits);
  b.add_bits(op.bits);
  b.add_min(min);
  b.add_max(max);
  b.add_multiplier(multiplier);
  b.add_shift(shift);
  b.add_tile_channels(op.tileChannels);
  b.add_tile_rows(op.tileRows);
  b.add_inputs(inputs);
  b.add_axis(op.axis);
  b.add_rhs_zp(op.rhsZp);
  b.add_input_multiplier(inputMultiplier);
  b.add_input_shift(inputShift);
  b.add_pad_value(op.padValue);
  b.add_input_zps(inputZps);
  b.add_output_zps(outputZps);
  b.add_mins(mins);
  b.add_maxs(maxs);
  return b.Finish();
}

} // namespace

std::string npu::writeArtifact(const Artifact &artifact) {
  const SimProgram &p = artifact.program;
  fb::FlatBufferBuilder fbb(1 << 16);
  auto producer = fbb.CreateString(artifact.producer);
  auto target = qart::CreateTarget(
      fbb, fbb.CreateString(p.hardware.name), p.hardware.macRows,
      p.hardware.macCols, p.hardware.clockMHz, p.hardware.memoryBytes,
      artifact.targetJson.empty() ? 0 : fbb.CreateString(artifact.targetJson));
  std::vector<fb::Offset<qart::Tensor>> tensors;
  for (const SimTensor &t : p.tensors) {
    auto name = fbb.CreateString(t.name);
    auto shape = longs(fbb, t.shape);
    fb::Offset<qart::Quant> quant;
    if (t.quant) {
      // Per channel: scale 0 makes a 1.2 reader refuse the tensor.
      bool perChannel = t.quant->perChannel();
      auto scales = perChannel ? fbb.CreateVector(t.quant->scales)
                               : fb::Offset<fb::Vector<double>>();
      auto zps = longs(fbb, t.quant->zeroPoints);
      quant = qart::CreateQuant(fbb, perChannel ? 0.0 : t.quant->scale,
                                t.quant->zeroPoint, t.quant->qmin,
                                t.quant->qmax, scales, zps);
    }
    tensors.push_back(qart::CreateTensor(fbb, name, dtypeOf(t.type), shape,
                                         static_cast<int32_t>(t.bits), quant));
  }
  auto tensorsV = fbb.CreateVector(tensors);
  auto inputs = longs(fbb, p.inputs), outputs = longs(fbb, p.outputs);
  std::vector<fb::Offset<qart::Step>> steps;
  for (const SimStep &s : p.steps) {
    std::vector<fb::Offset<qart::NpuOp>> ops;
    for (const SimOp &op : s.ops)
      ops.push_back(writeOp(fbb, op));
    auto opsV = ops.empty() ? 0 : fbb.CreateVector(ops);
    auto in = longs(fbb, s.inputs), out = longs(fbb, s.outputs);
    std::vector<fb::Offset<qart::CpuLayer>> layers;
    for (const CpuLayerInfo &l : s.cpuLayers)
      layers.push_back(qart::CreateCpuLayer(fbb, fbb.CreateString(l.name),
                                            fbb.CreateString(l.op),
                                            longs(fbb, l.shape)));
    auto layersV = layers.empty() ? 0 : fbb.CreateVector(layers);
    steps.push_back(qart::CreateStep(fbb, static_cast<qart::StepKind>(s.kind),
                                     s.index, in, out, opsV, s.toAccelerator,
                                     s.cpuMacs, layersV));
  }
  auto stepsV = fbb.CreateVector(steps);
  std::vector<fb::Offset<qart::CpuCode>> cpu;
  for (const CpuSegmentCode &c : artifact.cpuSegments) {
    auto prefix = fbb.CreateString(c.symbolPrefix);
    auto triple = fbb.CreateString(c.hostTriple);
    auto hostCPU = fbb.CreateString(c.hostCPU);
    auto data = fbb.CreateVector(
        reinterpret_cast<const uint8_t *>(c.sharedObject.data()),
        c.sharedObject.size());
    auto features = c.cpuFeatures.empty()
                        ? fb::Offset<fb::Vector<fb::Offset<fb::String>>>()
                        : fbb.CreateVectorOfStrings(c.cpuFeatures);
    cpu.push_back(qart::CreateCpuCode(fbb, qart::CpuCodeKind_SharedObject,
                                      prefix, triple, hostCPU, data,
                                      features));
  }
  auto cpuV = fbb.CreateVector(cpu);
  auto root = qart::CreateArtifact(fbb, artifact.formatMajor,
                                   artifact.formatMinor, producer, target,
                                   tensorsV, inputs, outputs, stepsV, cpuV);
  qart::FinishArtifactBuffer(fbb, root);
  return std::string(reinterpret_cast<const char *>(fbb.GetBufferPointer()),
                     fbb.GetSize());
}
