//===- ArtifactReader.cpp - read and verify a .qart file ------------------===//
//
// The bytes are untrusted (the reader is a fuzz target): the identifier and
// the version are checked first, then the FlatBuffers verifier checks every
// offset and size, then each enum value and packed array is checked while
// converting, and finally verifyProgram checks what the simulator indexes.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Dialect/NPU/Artifact/Artifact.h"

#include "qart_generated.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/Twine.h"
#include "llvm/Support/Endian.h"

#include <cstring>

using namespace qmlir;
using namespace qmlir::npu;
namespace fb = flatbuffers;

namespace {

class Reader {
public:
  explicit Reader(llvm::MemoryBufferRef buffer) : buffer(buffer) {}
  llvm::Expected<Artifact> read();

private:
  llvm::Error fail(const llvm::Twine &message) {
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   buffer.getBufferIdentifier() + ": " +
                                       message);
  }
  /// The elements of `v`, read unaligned: the FlatBuffers verifier checks
  /// a vector's length field for 4-byte alignment only, so the 8-byte
  /// elements of a damaged file can sit at a 4-byte boundary (a misaligned
  /// load, undefined behaviour; found by fuzz-npu-artifact).
  template <typename T>
  static std::vector<int64_t> longs(const fb::Vector<T> *v) {
    std::vector<int64_t> out;
    if (!v)
      return out;
    const uint8_t *data = v->Data();
    out.reserve(v->size());
    for (size_t i = 0, e = v->size(); i < e; ++i)
      out.push_back(llvm::support::endian::read<T, llvm::endianness::little>(
          data + i * sizeof(T)));
    return out;
  }
  /// The doubles of `v`, read unaligned like `longs`.
  static std::vector<double> doubles(const fb::Vector<double> *v) {
    std::vector<double> out;
    if (!v)
      return out;
    const uint8_t *data = v->Data();
    out.reserve(v->size());
    for (size_t i = 0, e = v->size(); i < e; ++i) {
      uint64_t bits =
          llvm::support::endian::read<uint64_t, llvm::endianness::little>(
              data + i * sizeof(double));
      double d;
      std::memcpy(&d, &bits, sizeof(d));
      out.push_back(d);
    }
    return out;
  }
  llvm::Error unpack(const qart::PackedInts *p, std::vector<int64_t> &out,
                     const std::string &what);
  llvm::Error op(const qart::NpuOp *in, SimOp &out, const std::string &where);

  llvm::MemoryBufferRef buffer;
  /// The file's minor format version.
  uint16_t minor = 0;
};

llvm::Error Reader::unpack(const qart::PackedInts *p,
                           std::vector<int64_t> &out,
                           const std::string &what) {
  if (!p)
    return llvm::Error::success();
  int64_t bits = p->bits(), count = p->count();
  size_t bytes = p->data() ? p->data()->size() : 0;
  if (bits < 1 || bits > 32 || count < 0 ||
      static_cast<uint64_t>(count) > uint64_t(bytes) * 8 / uint64_t(bits) ||
      (static_cast<uint64_t>(count) * bits + 7) / 8 != bytes)
    return fail(what + ": packed values (" + llvm::Twine(count) + " of " +
                llvm::Twine(bits) + " bits) do not match their " +
                llvm::Twine(bytes) + " bytes");
  const uint8_t *data = p->data() ? p->data()->data() : nullptr;
  out.resize(count);
  uint64_t bit = 0;
  for (int64_t i = 0; i < count; ++i) {
    uint64_t u = 0;
    for (int64_t b = 0; b < bits; ++b, ++bit)
      u |= uint64_t(data[bit / 8] >> (bit % 8) & 1) << b;
    // Sign-extend from `bits`.
    int64_t v = static_cast<int64_t>(u);
    if (u >> (bits - 1) & 1)
      v -= int64_t(1) << bits;
    out[i] = v;
  }
  return llvm::Error::success();
}

llvm::Error Reader::op(const qart::NpuOp *in, SimOp &o,
                       const std::string &where) {
  if (!in)
    return fail(where + ": missing op");
  if (in->kind() < qart::OpKind_MIN || in->kind() > qart::OpKind_MAX) {
    std::string newer;
    if (minor > kArtifactFormatMinor)
      newer = " (the file is format 1." + std::to_string(minor) +
              ", newer than this reader's 1." +
              std::to_string(kArtifactFormatMinor) + ": use a newer qmlir)";
    return fail(where + ": unknown op kind " +
                llvm::Twine(static_cast<int>(in->kind())) + newer);
  }
  o.kind = static_cast<SimOpKind>(in->kind());
  o.name = in->name() ? in->name()->str() : std::string();
  o.input = in->input();
  o.output = in->output();
  o.weightShape = longs(in->weight_shape());
  if (llvm::Error e = unpack(in->weights(), o.weight, where + " weights"))
    return e;
  o.bias = longs(in->bias());
  o.strides = longs(in->strides());
  o.padding = longs(in->padding());
  o.dilations = longs(in->dilations());
  o.kernel = longs(in->kernel());
  o.permutation = longs(in->permutation());
  o.groups = in->groups();
  o.inputZp = in->input_zp();
  o.outputZp = in->output_zp();
  o.qmin = in->qmin();
  o.qmax = in->qmax();
  o.inputBits = in->input_bits();
  o.weightBits = in->weight_bits();
  o.outputBits = in->output_bits();
  o.accBits = in->acc_bits();
  o.bits = in->bits();
  o.min = in->min();
  o.max = in->max();
  if (in->multiplier())
    o.multiplier.assign(in->multiplier()->begin(), in->multiplier()->end());
  if (in->shift())
    o.shift.assign(in->shift()->begin(), in->shift()->end());
  // Format 1.2 (defaults in older files: untiled, no extra inputs).
  o.tileChannels = in->tile_channels();
  o.tileRows = in->tile_rows();
  o.inputs = longs(in->inputs());
  o.axis = in->axis();
  o.rhsZp = in->rhs_zp();
  if (in->input_multiplier())
    o.inputMultiplier.assign(in->input_multiplier()->begin(),
                             in->input_multiplier()->end());
  if (in->input_shift())
    o.inputShift.assign(in->input_shift()->begin(), in->input_shift()->end());
  o.padValue = in->pad_value();
  // Format 1.3: per-channel zero points and clamp bounds replace the
  // scalars (which hold values only older readers refuse).
  o.inputZps = longs(in->input_zps());
  o.outputZps = longs(in->output_zps());
  o.mins = longs(in->mins());
  o.maxs = longs(in->maxs());
  if (!o.inputZps.empty())
    o.inputZp = o.inputZps.front();
  if (!o.outputZps.empty())
    o.outputZp = o.outputZps.front();
  if (!o.mins.empty() && !o.maxs.empty()) {
    o.min = o.mins.front();
    o.max = o.maxs.front();
  }
  if (in->weights() && in->weights()->bits() != o.weightBits)
    return fail(where + ": weights packed at " +
                llvm::Twine(in->weights()->bits()) + " bits, weight_bits " +
                llvm::Twine(o.weightBits));
  return llvm::Error::success();
}

llvm::Expected<Artifact> Reader::read() {
  const auto *data = reinterpret_cast<const uint8_t *>(buffer.getBufferStart());
  size_t size = buffer.getBufferSize();
  // A root offset and the identifier: 8 bytes.
  if (size < 8)
    return fail("truncated: " + llvm::Twine(size) +
                " bytes is too short for a qmlir artifact");
  if (!fb::BufferHasIdentifier(data, qart::ArtifactIdentifier())) {
    std::string id;
    for (size_t i = 4; i < 8; ++i)
      id += llvm::isPrint(data[i]) ? static_cast<char>(data[i]) : '?';
    return fail("not a qmlir artifact (file identifier '" + id +
                "', expected '" + qart::ArtifactIdentifier() + "')");
  }
  if (size >= FLATBUFFERS_MAX_BUFFER_SIZE)
    return fail("too large");
  {
    fb::Verifier header(data, size);
    if (!header.VerifyBuffer<qart::ArtifactHeader>(qart::ArtifactIdentifier()))
      return fail("corrupt or truncated artifact (the header does not "
                  "verify)");
  }
  const auto *header = fb::GetRoot<qart::ArtifactHeader>(data);
  uint16_t major = header->format_major();
  minor = header->format_minor();
  std::string have = std::to_string(kArtifactFormatMajor) + "." +
                     std::to_string(kArtifactFormatMinor);
  std::string got = std::to_string(major) + "." + std::to_string(minor);
  if (major > kArtifactFormatMajor)
    return fail("artifact format version " + got +
                " is newer than this reader's " + have +
                " (a different major version): use a newer qmlir");
  if (major < kArtifactFormatMajor)
    return fail("artifact format version " + got +
                " is not supported by this reader (" + have + ")");
  // Depth and table limits well above any model's (steps * ops).
  fb::Verifier verifier(data, size, /*max_depth=*/64,
                        /*max_tables=*/10000000);
  if (!qart::VerifyArtifactBuffer(verifier))
    return fail("corrupt or truncated artifact (FlatBuffers verification "
                "failed)");
  const qart::Artifact *root = qart::GetArtifact(data);

  Artifact a;
  a.formatMajor = major;
  a.formatMinor = minor;
  if (root->producer())
    a.producer = root->producer()->str();
  SimProgram &p = a.program;
  if (const qart::Target *t = root->target()) {
    if (t->name())
      p.hardware.name = t->name()->str();
    p.hardware.macRows = t->mac_rows();
    p.hardware.macCols = t->mac_cols();
    p.hardware.clockMHz = t->clock_mhz();
    p.hardware.memoryBytes = t->memory_bytes();
    if (t->description_json())
      a.targetJson = t->description_json()->str();
  }
  if (root->tensors())
    for (const qart::Tensor *t : *root->tensors()) {
      if (!t)
        return fail("missing tensor");
      SimTensor s;
      s.name = t->name() ? t->name()->str() : std::string();
      if (t->dtype() < qart::DType_MIN || t->dtype() > qart::DType_MAX)
        return fail("tensor '" + s.name + "': unknown dtype " +
                    llvm::Twine(static_cast<int>(t->dtype())));
      switch (t->dtype()) {
      case qart::DType_F32:
        s.type = ElementType::F32;
        break;
      case qart::DType_I8:
        s.type = ElementType::I8;
        break;
      case qart::DType_U8:
        s.type = ElementType::U8;
        break;
      case qart::DType_I16:
        s.type = ElementType::I16;
        break;
      case qart::DType_I32:
        s.type = ElementType::I32;
        break;
      }
      s.shape = longs(t->shape());
      s.bits = t->bits();
      if (const qart::Quant *q = t->quant()) {
        s.quant = SimQuant{q->scale(), q->zero_point(), q->qmin(), q->qmax(),
                           {}, {}};
        // Format 1.3: per channel (the scalar scale is then 0).
        s.quant->scales = doubles(q->scales());
        s.quant->zeroPoints = longs(q->zero_points());
        if (!s.quant->scales.empty())
          s.quant->scale = s.quant->scales.front();
        if (!s.quant->zeroPoints.empty())
          s.quant->zeroPoint = s.quant->zeroPoints.front();
      }
      p.tensors.push_back(std::move(s));
    }
  p.inputs = longs(root->inputs());
  p.outputs = longs(root->outputs());
  if (root->steps())
    for (auto [i, st] : llvm::enumerate(*root->steps())) {
      std::string where = "step " + std::to_string(i);
      if (!st)
        return fail(where + ": missing");
      if (st->kind() < qart::StepKind_MIN || st->kind() > qart::StepKind_MAX)
        return fail(where + ": unknown step kind " +
                    llvm::Twine(static_cast<int>(st->kind())));
      SimStep s;
      s.kind = static_cast<SimStepKind>(st->kind());
      s.index = st->index();
      s.inputs = longs(st->inputs());
      s.outputs = longs(st->outputs());
      s.toAccelerator = st->to_accelerator();
      s.cpuMacs = st->cpu_macs(); // 1.2; 0 in older files
      if (s.cpuMacs < 0)
        return fail(where + ": negative cpu_macs");
      if (st->cpu_layers()) // 1.3
        for (const qart::CpuLayer *l : *st->cpu_layers()) {
          if (!l)
            return fail(where + ": missing CPU layer");
          CpuLayerInfo info;
          info.name = l->name() ? l->name()->str() : std::string();
          info.op = l->op() ? l->op()->str() : std::string();
          info.shape = longs(l->shape());
          if (info.shape.size() > 8 ||
              llvm::any_of(info.shape, [](int64_t d) { return d < 0; }))
            return fail(where + ": CPU layer '" + info.name +
                        "' has a bad shape");
          s.cpuLayers.push_back(std::move(info));
        }
      if (st->ops())
        for (const qart::NpuOp *o : *st->ops()) {
          SimOp op;
          if (llvm::Error e = this->op(o, op, where))
            return std::move(e);
          s.ops.push_back(std::move(op));
        }
      p.steps.push_back(std::move(s));
    }
  if (root->cpu_segments())
    for (auto [i, c] : llvm::enumerate(*root->cpu_segments())) {
      if (!c || c->kind() != qart::CpuCodeKind_SharedObject || !c->data() ||
          !c->symbol_prefix())
        return fail("CPU segment " + llvm::Twine(i) +
                    ": missing or unknown code");
      CpuSegmentCode code;
      code.symbolPrefix = c->symbol_prefix()->str();
      if (c->host_triple())
        code.hostTriple = c->host_triple()->str();
      if (c->host_cpu())
        code.hostCPU = c->host_cpu()->str();
      if (c->cpu_features())
        for (const fb::String *f : *c->cpu_features()) {
          if (!f)
            return fail("CPU segment " + llvm::Twine(i) +
                        ": missing CPU feature name");
          code.cpuFeatures.push_back(f->str());
        }
      code.sharedObject.assign(
          reinterpret_cast<const char *>(c->data()->data()), c->data()->size());
      a.cpuSegments.push_back(std::move(code));
    }
  p.numCpuSegments = static_cast<int64_t>(a.cpuSegments.size());
  if (llvm::Error e = verifyProgram(p, buffer.getBufferIdentifier()))
    return std::move(e);
  return std::move(a);
}

} // namespace

llvm::Expected<Artifact> npu::loadArtifact(llvm::MemoryBufferRef buffer) {
  // FlatBuffers reads scalars in place, aligned relative to the buffer's
  // start: bytes at a misaligned address (possible from a caller such as a
  // fuzzer) are read from an aligned copy.
  if (reinterpret_cast<uintptr_t>(buffer.getBufferStart()) % 8 != 0) {
    std::vector<uint64_t> copy((buffer.getBufferSize() + 7) / 8);
    std::memcpy(copy.data(), buffer.getBufferStart(), buffer.getBufferSize());
    llvm::MemoryBufferRef aligned(
        llvm::StringRef(reinterpret_cast<const char *>(copy.data()),
                        buffer.getBufferSize()),
        buffer.getBufferIdentifier());
    return Reader(aligned).read();
  }
  return Reader(buffer).read();
}
