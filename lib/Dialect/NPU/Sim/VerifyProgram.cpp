//===- VerifyProgram.cpp - checks what the simulator relies on ------------===//
//
// A SimProgram read from a file is untrusted: every id, shape and field the
// simulator uses to index memory or as a shift is checked here, so that the
// simulator cannot read out of bounds or hit undefined behaviour on any
// program that passes (the artifact reader calls this before returning).
//
//===----------------------------------------------------------------------===//

#include "qmlir/Dialect/NPU/Sim/Program.h"
#include "qmlir/Support/Limits.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallVector.h"

#include <cmath>
#include <limits>

using namespace qmlir;
using namespace qmlir::npu;

namespace {

/// Largest element count of one tensor (2^31): bounds every index product.
constexpr int64_t kMaxElements = int64_t(1) << 31;

class Verifier {
public:
  Verifier(const SimProgram &p, llvm::StringRef what) : p(p), what(what) {}
  llvm::Error run();

private:
  llvm::Error fail(const llvm::Twine &message) {
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   what + ": " + message);
  }
  bool validId(int64_t id) const {
    return id >= 0 && id < static_cast<int64_t>(p.tensors.size());
  }
  int64_t numel(int64_t id) const { return elements[id]; }
  const std::vector<int64_t> &shape(int64_t id) const {
    return p.tensors[id].shape;
  }
  bool isInt(int64_t id) const {
    return p.tensors[id].type != ElementType::F32;
  }
  /// The storage range of an integer tensor.
  std::pair<int64_t, int64_t> range(int64_t id) const;
  llvm::Error op(const SimOp &op, const std::string &where);

  const SimProgram &p;
  llvm::StringRef what;
  std::vector<int64_t> elements;
  std::vector<bool> defined;
};

std::pair<int64_t, int64_t> Verifier::range(int64_t id) const {
  switch (p.tensors[id].type) {
  case ElementType::I8:
    return {-128, 127};
  case ElementType::U8:
    return {0, 255};
  case ElementType::I16:
    return {-32768, 32767};
  default:
    return {std::numeric_limits<int32_t>::min(),
            std::numeric_limits<int32_t>::max()};
  }
}

bool inInt32(int64_t v) {
  return v >= std::numeric_limits<int32_t>::min() &&
         v <= std::numeric_limits<int32_t>::max();
}

llvm::Error Verifier::op(const SimOp &o, const std::string &where) {
  std::string at = where + " op '" + o.name + "'";
  if (!validId(o.input) || !defined[o.input])
    return fail(at + ": input tensor " + llvm::Twine(o.input) +
                " is not defined before it");
  if (!validId(o.output) || defined[o.output])
    return fail(at + ": output tensor " + llvm::Twine(o.output) +
                " is invalid or defined twice");
  if (!isInt(o.input) || !isInt(o.output))
    return fail(at + ": segment tensors must be integers");
  bool multi = o.kind == SimOpKind::Add || o.kind == SimOpKind::Concat;
  if (multi != !o.inputs.empty() || (multi && o.inputs.front() != o.input) ||
      o.inputs.size() > 4096)
    return fail(at + ": add and concat (only) list their inputs, the first "
                     "being 'input'");
  for (int64_t id : o.inputs)
    if (!validId(id) || !defined[id] || !isInt(id) ||
        p.tensors[id].type != p.tensors[o.input].type)
      return fail(at + ": input tensor " + llvm::Twine(id) +
                  " is not an integer tensor of the first input's type "
                  "defined before it");
  defined[o.output] = true;
  std::pair<int64_t, int64_t> outRange = range(o.output);
  int64_t lo = outRange.first, hi = outRange.second;
  const std::vector<int64_t> &x = shape(o.input), &y = shape(o.output);
  auto requant = [&](int64_t channels) -> llvm::Error {
    if (o.multiplier.empty() || o.multiplier.size() != o.shift.size() ||
        (o.multiplier.size() != 1 &&
         static_cast<int64_t>(o.multiplier.size()) != channels))
      return fail(at + ": " + llvm::Twine(o.multiplier.size()) +
                  " multipliers and " + llvm::Twine(o.shift.size()) +
                  " shifts for " + llvm::Twine(channels) + " channels");
    for (auto [m, s] : llvm::zip_equal(o.multiplier, o.shift))
      if (m < 0 || s < 1 || s > 62)
        return fail(at + ": multiplier " + llvm::Twine(m) + " / shift " +
                    llvm::Twine(s) + " out of range");
    if (!inInt32(o.inputZp) || !inInt32(o.outputZp) || o.qmin > o.qmax ||
        o.qmin < lo || o.qmax > hi)
      return fail(at + ": zero points or output range [" + llvm::Twine(o.qmin) +
                  ", " + llvm::Twine(o.qmax) + "] out of range");
    return llvm::Error::success();
  };
  auto macInput = [&]() -> llvm::Error {
    // Bounds the products: inputs of at most 16 bits, weights of at most
    // 16 bits, reductions of at most 2^20 terms: sums fit 64 bits.
    auto [ilo, ihi] = range(o.input);
    if (ihi - ilo > 65535)
      return fail(at + ": input wider than 16 bits");
    if (o.accBits < 2 || o.accBits > 48 || o.weightBits < 1 ||
        o.weightBits > 16 || o.inputBits < 1 || o.inputBits > 16 ||
        o.outputBits < 1 || o.outputBits > 32)
      return fail(at + ": bit widths out of range");
    int64_t wlim = int64_t(1) << (o.weightBits - 1);
    for (int64_t w : o.weight)
      if (w < -wlim || w >= wlim)
        return fail(at + ": weight " + llvm::Twine(w) + " does not fit " +
                    llvm::Twine(o.weightBits) + " bits");
    for (int64_t b : o.bias)
      if (!inInt32(b))
        return fail(at + ": bias out of int32 range");
    return llvm::Error::success();
  };
  auto weightCount = [&]() -> llvm::Error {
    int64_t n = 1;
    for (int64_t d : o.weightShape) {
      if (d <= 0 || d > kMaxElements || n > kMaxElements / d)
        return fail(at + ": bad weight shape");
      n *= d;
    }
    if (static_cast<int64_t>(o.weight.size()) != n)
      return fail(at + ": " + llvm::Twine(o.weight.size()) +
                  " weight values for a weight shape of " + llvm::Twine(n));
    return llvm::Error::success();
  };
  // Per-axis activations (format 1.3): per-channel zero points of
  // conv2d/dense/rescale, per-channel bounds of clamp.
  if (!o.inputZps.empty() || !o.outputZps.empty() || !o.mins.empty() ||
      !o.maxs.empty()) {
    int64_t inC = x.empty() ? 1 : x.back(), outC = y.empty() ? 1 : y.back();
    bool layerKind = o.kind == SimOpKind::Conv2d ||
                     o.kind == SimOpKind::Dense ||
                     o.kind == SimOpKind::Rescale;
    if ((!layerKind && (!o.inputZps.empty() || !o.outputZps.empty())) ||
        (o.kind != SimOpKind::Clamp && (!o.mins.empty() || !o.maxs.empty())))
      return fail(at + ": per-channel parameters on an op that has none");
    if (o.kind == SimOpKind::Dense && !o.inputZps.empty() &&
        (o.weightShape.size() != 2 || o.weightShape[1] != inC))
      return fail(at + ": per-channel input zero points need a dense input "
                       "whose last dimension is the reduction");
    if (o.kind == SimOpKind::Dense && !o.outputZps.empty() &&
        (o.weightShape.size() != 2 || o.weightShape[0] != outC))
      return fail(at + ": per-channel output zero points need a dense output "
                       "whose last dimension is the outputs");
    // A rescale's channels are its input's last dimension (the simulator
    // indexes every per-channel array with it).
    if (o.kind == SimOpKind::Rescale && !o.outputZps.empty() && outC != inC)
      return fail(at + ": per-channel rescale with different input and "
                       "output channels");
    if (!o.inputZps.empty() &&
        (static_cast<int64_t>(o.inputZps.size()) != inC ||
         llvm::any_of(o.inputZps, [](int64_t z) { return !inInt32(z); })))
      return fail(at + ": " + llvm::Twine(o.inputZps.size()) +
                  " input zero points for " + llvm::Twine(inC) +
                  " channels, or one out of range");
    if (!o.outputZps.empty() &&
        (static_cast<int64_t>(o.outputZps.size()) != outC ||
         llvm::any_of(o.outputZps, [](int64_t z) { return !inInt32(z); })))
      return fail(at + ": " + llvm::Twine(o.outputZps.size()) +
                  " output zero points for " + llvm::Twine(outC) +
                  " channels, or one out of range");
    if (o.kind == SimOpKind::Clamp &&
        (o.mins.size() != o.maxs.size() ||
         static_cast<int64_t>(o.mins.size()) != inC ||
         llvm::any_of(llvm::zip_equal(o.mins, o.maxs), [](auto p) {
           return std::get<0>(p) > std::get<1>(p);
         })))
      return fail(at + ": " + llvm::Twine(o.mins.size()) + " / " +
                  llvm::Twine(o.maxs.size()) + " clamp bounds for " +
                  llvm::Twine(inC) + " channels, or a min above its max");
  }
  switch (o.kind) {
  case SimOpKind::Conv2d: {
    if (x.size() != 4 || y.size() != 4 || o.weightShape.size() != 4)
      return fail(at + ": conv2d needs rank-4 input, output and weights");
    if (llvm::Error e = weightCount())
      return e;
    int64_t O = o.weightShape[0], CG = o.weightShape[3];
    int64_t reduction = o.weightShape[1] * o.weightShape[2] * CG;
    if (o.groups < 1 || O % o.groups || x[3] != CG * o.groups || y[0] != x[0] ||
        y[3] != O || reduction > (int64_t(1) << 20))
      return fail(at + ": conv2d shapes do not match (groups " +
                  llvm::Twine(o.groups) + ")");
    if (o.strides.size() != 2 || o.dilations.size() != 2 ||
        o.padding.size() != 4)
      return fail(at + ": conv2d needs 2 strides, 2 dilations, 4 paddings");
    for (int64_t v : o.strides)
      if (v < 1 || v > 65536)
        return fail(at + ": bad stride");
    for (int64_t v : o.dilations)
      if (v < 1 || v > 65536)
        return fail(at + ": bad dilation");
    for (int64_t v : o.padding)
      if (v < 0 || v > 65536)
        return fail(at + ": bad padding");
    if (!o.bias.empty() && static_cast<int64_t>(o.bias.size()) != O)
      return fail(at + ": bias size does not match the output channels");
    if (o.tileChannels < 0 || o.tileChannels > O || o.tileRows < 0 ||
        o.tileRows > y[1])
      return fail(at + ": tile of " + llvm::Twine(o.tileChannels) +
                  " channels and " + llvm::Twine(o.tileRows) +
                  " rows out of range");
    if (llvm::Error e = macInput())
      return e;
    return requant(O);
  }
  case SimOpKind::Dense: {
    if (o.weightShape.size() != 2 || y.empty())
      return fail(at + ": dense needs [M, K] weights");
    if (llvm::Error e = weightCount())
      return e;
    int64_t M = o.weightShape[0], K = o.weightShape[1];
    if (K > (int64_t(1) << 20) || numel(o.input) % K ||
        numel(o.output) != numel(o.input) / K * M)
      return fail(at + ": dense shapes do not match");
    if (!o.bias.empty() && static_cast<int64_t>(o.bias.size()) != M)
      return fail(at + ": bias size does not match the outputs");
    if (o.tileChannels < 0 || o.tileChannels > M || o.tileRows < 0 ||
        o.tileRows > numel(o.input) / K)
      return fail(at + ": tile of " + llvm::Twine(o.tileChannels) +
                  " channels and " + llvm::Twine(o.tileRows) +
                  " rows out of range");
    if (llvm::Error e = macInput())
      return e;
    return requant(M);
  }
  case SimOpKind::Rescale:
    if (numel(o.input) != numel(o.output))
      return fail(at + ": rescale changes the element count");
    if (o.inputBits < 1 || o.inputBits > 32 || o.outputBits < 1 ||
        o.outputBits > 32)
      return fail(at + ": bit widths out of range");
    return requant(x.empty() ? 1 : x.back());
  case SimOpKind::Clamp:
    if (x != y || p.tensors[o.input].type != p.tensors[o.output].type)
      return fail(at + ": clamp changes the type");
    if (o.bits < 1 || o.bits > 32 || o.min > o.max)
      return fail(at + ": bad clamp bounds or bits");
    return llvm::Error::success();
  case SimOpKind::MaxPool2d:
  case SimOpKind::AvgPool2d: {
    if (x.size() != 4 || y.size() != 4 || x[0] != y[0] || x[3] != y[3] ||
        p.tensors[o.input].type != p.tensors[o.output].type)
      return fail(at + ": pooling needs rank-4 input and output of one type "
                       "and channel count");
    bool isMax = o.kind == SimOpKind::MaxPool2d;
    if (o.kernel.size() != 2 || o.strides.size() != 2 ||
        (isMax && o.padding.size() != 4))
      return fail(at + ": pooling needs 2 kernel sizes, 2 strides" +
                  (isMax ? ", 4 paddings" : ""));
    for (int64_t v : o.kernel)
      if (v < 1 || v > 4096)
        return fail(at + ": bad kernel size");
    for (int64_t v : o.strides)
      if (v < 1 || v > 65536)
        return fail(at + ": bad stride");
    for (int64_t v : o.padding)
      if (v < 0 || v > 65536)
        return fail(at + ": bad padding");
    if (o.bits < 1 || o.bits > 32)
      return fail(at + ": bad bits");
    if (!isMax && (!inInt32(o.inputZp) || !inInt32(o.outputZp) ||
                   o.qmin > o.qmax || o.qmin < lo || o.qmax > hi))
      return fail(at + ": zero points or output range out of range");
    return llvm::Error::success();
  }
  case SimOpKind::Transpose: {
    if (o.permutation.size() != x.size() || x.size() != y.size() ||
        p.tensors[o.input].type != p.tensors[o.output].type)
      return fail(at + ": bad transpose permutation");
    std::vector<bool> seen(x.size(), false);
    for (auto [d, src] : llvm::enumerate(o.permutation)) {
      if (src < 0 || src >= static_cast<int64_t>(x.size()) || seen[src] ||
          y[d] != x[src])
        return fail(at + ": bad transpose permutation");
      seen[src] = true;
    }
    return llvm::Error::success();
  }
  case SimOpKind::Reshape:
    if (numel(o.input) != numel(o.output) ||
        p.tensors[o.input].type != p.tensors[o.output].type)
      return fail(at + ": reshape changes the element count or type");
    return llvm::Error::success();
  case SimOpKind::Add: {
    if (o.inputs.size() != 2 || shape(o.inputs[1]) != x || x != y)
      return fail(at + ": add needs two inputs of the output's shape");
    if (o.inputMultiplier.size() != 2 || o.inputShift.size() != 2)
      return fail(at + ": add needs two input multipliers and shifts");
    for (auto [m, s] : llvm::zip_equal(o.inputMultiplier, o.inputShift))
      if (m < 0 || s < 1 || s > 62)
        return fail(at + ": input multiplier " + llvm::Twine(m) +
                    " / shift " + llvm::Twine(s) + " out of range");
    if (!inInt32(o.rhsZp))
      return fail(at + ": rhs zero point out of range");
    if (o.inputBits < 1 || o.inputBits > 32 || o.outputBits < 1 ||
        o.outputBits > 32)
      return fail(at + ": bit widths out of range");
    return requant(1);
  }
  case SimOpKind::Pad: {
    if (x.size() != y.size() || o.padding.size() != 2 * x.size() ||
        p.tensors[o.input].type != p.tensors[o.output].type)
      return fail(at + ": pad needs the output's rank and type and two "
                       "paddings per dimension");
    for (size_t d = 0; d < x.size(); ++d)
      if (o.padding[2 * d] < 0 || o.padding[2 * d + 1] < 0 ||
          o.padding[2 * d] > kMaxElements ||
          o.padding[2 * d + 1] > kMaxElements ||
          y[d] != x[d] + o.padding[2 * d] + o.padding[2 * d + 1])
        return fail(at + ": pad shapes do not match its padding");
    if (o.bits < 1 || o.bits > 32 || o.padValue < lo || o.padValue > hi)
      return fail(at + ": bad bits or pad value");
    return llvm::Error::success();
  }
  case SimOpKind::Concat: {
    int64_t rank = static_cast<int64_t>(y.size());
    if (o.axis < 0 || o.axis >= rank)
      return fail(at + ": concat axis out of range");
    int64_t total = 0;
    for (int64_t id : o.inputs) {
      const std::vector<int64_t> &xi = shape(id);
      if (static_cast<int64_t>(xi.size()) != rank ||
          p.tensors[id].type != p.tensors[o.output].type)
        return fail(at + ": concat inputs need the output's rank and type");
      for (int64_t d = 0; d < rank; ++d)
        if (d != o.axis && xi[d] != y[d])
          return fail(at + ": concat input shapes do not match the output");
      total += xi[o.axis];
    }
    if (total != y[o.axis])
      return fail(at + ": concat inputs do not add up to the output");
    if (o.bits < 1 || o.bits > 32)
      return fail(at + ": bad bits");
    return llvm::Error::success();
  }
  }
  return fail(at + ": unknown op kind");
}

llvm::Error Verifier::run() {
  if (p.hardware.macRows < 1 || p.hardware.macRows > 65536 ||
      p.hardware.macCols < 1 || p.hardware.macCols > 65536 ||
      !(p.hardware.clockMHz > 0 && p.hardware.clockMHz <= 1e6) ||
      p.hardware.memoryBytes < 0)
    return fail("target hardware out of range (MAC array 1-65536, clock in "
                "(0, 1e6] MHz, memory >= 0)");
  for (const SimTensor &t : p.tensors) {
    int64_t n = 1;
    if (t.shape.size() > 8)
      return fail("tensor '" + t.name + "' has rank > 8");
    for (int64_t d : t.shape) {
      if (d < 0 || d > kMaxElements || (d && n > kMaxElements / d))
        return fail("tensor '" + t.name + "' has a bad shape");
      n *= d;
    }
    // The simulator holds integer tensors as int64 values: a file must not
    // make it allocate past the tensor limit (docs/reliability.md).
    if (llvm::Error e = checkTensorSize(t.shape, sizeof(int64_t)))
      return fail("tensor '" + t.name + "' " + llvm::toString(std::move(e)));
    if (t.type != ElementType::F32 && t.type != ElementType::I8 &&
        t.type != ElementType::U8 && t.type != ElementType::I16 &&
        t.type != ElementType::I32)
      return fail("tensor '" + t.name + "' has an unsupported element type");
    if (t.bits < 0 || t.bits > 32)
      return fail("tensor '" + t.name + "' has bad bits");
    if (t.quant && (!(t.quant->scale > 0) || !std::isfinite(t.quant->scale) ||
                    t.quant->qmin > t.quant->qmax || !inInt32(t.quant->qmin) ||
                    !inInt32(t.quant->qmax) || !inInt32(t.quant->zeroPoint) ||
                    t.type == ElementType::F32))
      return fail("tensor '" + t.name + "' has bad quantization parameters");
    if (t.quant && (t.quant->perChannel() || !t.quant->zeroPoints.empty())) {
      int64_t channels = t.shape.empty() ? 1 : t.shape.back();
      if (static_cast<int64_t>(t.quant->scales.size()) != channels ||
          t.quant->zeroPoints.size() != t.quant->scales.size() ||
          llvm::any_of(t.quant->scales,
                       [](double s) { return !(s > 0) || !std::isfinite(s); }) ||
          llvm::any_of(t.quant->zeroPoints,
                       [](int64_t z) { return !inInt32(z); }))
        return fail("tensor '" + t.name + "' has bad per-channel quantization "
                    "parameters (one positive scale and one int32 zero point "
                    "per channel of the last dimension)");
    }
    elements.push_back(n);
  }
  // Quantized values must fit their storage type: later steps rely on it
  // (no sum of products can overflow).
  for (size_t id = 0; id < p.tensors.size(); ++id) {
    const SimTensor &t = p.tensors[id];
    if (!t.quant)
      continue;
    auto [lo, hi] = range(static_cast<int64_t>(id));
    if (t.quant->qmin < lo || t.quant->qmax > hi)
      return fail("tensor '" + t.name + "': range [" +
                  llvm::Twine(t.quant->qmin) + ", " +
                  llvm::Twine(t.quant->qmax) + "] exceeds its storage type");
  }
  defined.assign(p.tensors.size(), false);
  for (int64_t id : p.inputs) {
    if (!validId(id) || defined[id])
      return fail("bad graph input tensor " + llvm::Twine(id));
    defined[id] = true;
  }
  std::vector<bool> cpuSeen(p.numCpuSegments, false);
  if (p.numCpuSegments < 0 || p.numCpuSegments > 65536)
    return fail("bad CPU segment count");
  for (size_t s = 0; s < p.steps.size(); ++s) {
    const SimStep &step = p.steps[s];
    std::string where = "step " + std::to_string(s);
    for (int64_t id : step.inputs)
      if (!validId(id) || !defined[id])
        return fail(where + ": input tensor " + llvm::Twine(id) +
                    " is not defined before it");
    auto defineOutputs = [&]() -> llvm::Error {
      for (int64_t id : step.outputs) {
        if (!validId(id) || defined[id])
          return fail(where + ": output tensor " + llvm::Twine(id) +
                      " is invalid or defined twice");
        defined[id] = true;
      }
      return llvm::Error::success();
    };
    // A segment that produces nothing has no purpose, and the program's
    // readers (describeProgram, the cost model) name a step by its output.
    if ((step.kind == SimStepKind::Segment ||
         step.kind == SimStepKind::CpuSegment) &&
        step.outputs.empty())
      return fail(where + ": a segment needs at least one output");
    switch (step.kind) {
    case SimStepKind::Quantize:
    case SimStepKind::Dequantize:
    case SimStepKind::Transfer: {
      if (step.inputs.size() != 1 || step.outputs.size() != 1)
        return fail(where + ": needs one input and one output");
      int64_t in = step.inputs[0], out = step.outputs[0];
      if (!validId(out))
        return fail(where + ": bad output tensor");
      if (numel(in) != numel(out))
        return fail(where + ": element counts differ");
      bool ok = true;
      if (step.kind == SimStepKind::Quantize)
        ok = !isInt(in) && p.tensors[out].quant.has_value();
      else if (step.kind == SimStepKind::Dequantize)
        ok = p.tensors[in].quant.has_value() && !isInt(out);
      else
        ok = isInt(in) && isInt(out) &&
             getElementByteSize(p.tensors[in].type) ==
                 getElementByteSize(p.tensors[out].type);
      if (!ok)
        return fail(where + ": tensor types do not fit the step");
      if (llvm::Error e = defineOutputs())
        return e;
      break;
    }
    case SimStepKind::Segment:
      for (int64_t id : step.inputs)
        if (!isInt(id))
          return fail(where + ": segment inputs must be integers");
      for (const SimOp &o : step.ops)
        if (llvm::Error e = op(o, where))
          return e;
      for (int64_t id : step.outputs)
        if (!validId(id) || !defined[id])
          return fail(where + ": segment output " + llvm::Twine(id) +
                      " is not computed");
      break;
    case SimStepKind::CpuSegment:
      if (step.index < 0 || step.index >= p.numCpuSegments ||
          cpuSeen[step.index])
        return fail(where + ": bad CPU segment index " +
                    llvm::Twine(step.index));
      cpuSeen[step.index] = true;
      if (llvm::Error e = defineOutputs())
        return e;
      break;
    }
  }
  for (int64_t id : p.outputs)
    if (!validId(id) || !defined[id])
      return fail("graph output tensor " + llvm::Twine(id) +
                  " is not computed");
  return llvm::Error::success();
}

} // namespace

llvm::Error npu::verifyProgram(const SimProgram &program,
                               llvm::StringRef what) {
  return Verifier(program, what).run();
}
