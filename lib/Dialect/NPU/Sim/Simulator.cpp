//===- Simulator.cpp - bit-exact functional npu simulator -----------------===//
//
// An interpreter over the npu ops of a segment. Every integer rule is a
// qmath function (include/qmlir/Quant/QuantMath.h) or a sum of products, so
// the results equal the CPU integer path's, which is tested against the
// same functions. Accumulators are checked against the op's acc_bits: an
// overflow is an error (convert-qnn-to-npu only lowers layers whose worst
// case fits), not a silent wrap.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Dialect/NPU/Sim/Simulator.h"

#include "qmlir/Dialect/NPU/IR/Tiling.h"
#include "qmlir/Quant/QuantMath.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/MathExtras.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"

#include <chrono>
#include <cmath>

using llvm::ArrayRef;
using llvm::SmallVector;
using namespace qmlir;
using namespace qmlir::npu;

namespace {

llvm::Error makeError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

/// An integer tensor (storage values).
struct IntTensor {
  SmallVector<int64_t, 4> shape;
  std::vector<int64_t> v;
  int64_t size() const { return static_cast<int64_t>(v.size()); }
};

int64_t numel(ArrayRef<int64_t> shape) {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

int64_t lowestOf(ElementType type) {
  switch (type) {
  case ElementType::I8:
    return -128;
  case ElementType::U8:
    return 0;
  case ElementType::I16:
    return -32768;
  default:
    return INT32_MIN;
  }
}

/// The values of every tensor of a program during one run.
struct Values {
  std::vector<IntTensor> ints;
  std::vector<std::vector<float>> floats;
};

class SegmentRunner {
public:
  SegmentRunner(const SimProgram &program, Values &values)
      : program(program), values(values) {}

  llvm::Error run(const SimStep &seg);

private:
  llvm::Error layer(const SimOp &op);
  llvm::Error requant(const SimOp &op, int64_t acc, int64_t channel,
                      int64_t &out);
  const IntTensor &get(int64_t id) { return values.ints[id]; }
  IntTensor make(int64_t id) {
    IntTensor t;
    t.shape.assign(program.tensors[id].shape.begin(),
                   program.tensors[id].shape.end());
    t.v.resize(numel(t.shape));
    return t;
  }

  const SimProgram &program;
  Values &values;
};

llvm::Error SegmentRunner::requant(const SimOp &op, int64_t acc,
                                   int64_t channel, int64_t &out) {
  int64_t limit = (int64_t(1) << (op.accBits - 1)) - 1;
  if (acc > limit || acc < -limit - 1)
    return makeError("npu simulator: layer '" + op.name + "': accumulator " +
                     llvm::Twine(acc) + " overflows " +
                     llvm::Twine(op.accBits) + " bits");
  size_t c = op.multiplier.size() == 1 ? 0 : static_cast<size_t>(channel);
  out = qmath::requantize(acc, 0,
                          qmath::Rescale{op.multiplier[c], op.shift[c]},
                          op.outputZpOf(static_cast<size_t>(channel)),
                          op.qmin, op.qmax);
  return llvm::Error::success();
}

/// Runs conv2d and dense tile by tile (one tile when untiled): for each
/// image, each row tile, each channel tile, the tile's outputs. The values
/// do not depend on the tiling; the cost does.
llvm::Error SegmentRunner::layer(const SimOp &op) {
  const IntTensor &x = get(op.input);
  IntTensor y = make(op.output);
  bool isDense = op.kind == SimOpKind::Dense;
  LayerGeometry g = layerGeometry(program, op);
  int64_t tc = op.tileChannels ? op.tileChannels : g.O;
  int64_t tr = op.tileRows ? op.tileRows : g.OH;
  int64_t H = g.H, W = g.W, C = g.C, O = g.O, KH = g.KH, KW = g.KW,
          CG = g.CG, OH = g.OH, OW = g.OW;
  int64_t perGroup = O / std::max<int64_t>(op.groups, 1);
  // The input zero point of every input channel (per-axis activations: one
  // each; padding holds it, so padded positions contribute 0).
  std::vector<int64_t> zp(static_cast<size_t>(C));
  for (int64_t c = 0; c < C; ++c)
    zp[c] = op.inputZpOf(static_cast<size_t>(c));
  for (int64_t n = 0; n < g.N; ++n)
    for (int64_t r0 = 0; r0 < OH; r0 += tr)
      for (int64_t c0 = 0; c0 < O; c0 += tc) {
        int64_t r1 = std::min(OH, r0 + tr), c1 = std::min(O, c0 + tc);
        for (int64_t oh = r0; oh < r1; ++oh)
          for (int64_t ow = 0; ow < OW; ++ow)
            for (int64_t o = c0; o < c1; ++o) {
              int64_t acc = op.bias.empty() ? 0 : op.bias[o];
              if (isDense) {
                const int64_t *xin = &x.v[oh * C];
                const int64_t *wk = &op.weight[o * C];
                for (int64_t k = 0; k < C; ++k)
                  acc += (xin[k] - zp[k]) * wk[k];
              } else {
                ArrayRef<int64_t> st = op.strides, pad = op.padding,
                                  dil = op.dilations;
                int64_t grp = o / perGroup;
                for (int64_t kh = 0; kh < KH; ++kh) {
                  int64_t ih = oh * st[0] - pad[0] + kh * dil[0];
                  if (ih < 0 || ih >= H)
                    continue; // padding holds input_zp: contributes 0
                  for (int64_t kw = 0; kw < KW; ++kw) {
                    int64_t iw = ow * st[1] - pad[2] + kw * dil[1];
                    if (iw < 0 || iw >= W)
                      continue;
                    const int64_t *xin =
                        &x.v[((n * H + ih) * W + iw) * C + grp * CG];
                    const int64_t *wk =
                        &op.weight[((o * KH + kh) * KW + kw) * CG];
                    const int64_t *zin = &zp[grp * CG];
                    for (int64_t c = 0; c < CG; ++c)
                      acc += (xin[c] - zin[c]) * wk[c];
                  }
                }
              }
              int64_t &out = y.v[((n * OH + oh) * OW + ow) * O + o];
              if (llvm::Error e = requant(op, acc, o, out))
                return e;
            }
      }
  values.ints[op.output] = std::move(y);
  return llvm::Error::success();
}

llvm::Error SegmentRunner::run(const SimStep &seg) {
  for (const SimOp &op : seg.ops) {
    switch (op.kind) {
    case SimOpKind::Conv2d:
    case SimOpKind::Dense:
      if (llvm::Error e = layer(op))
        return e;
      break;
    case SimOpKind::Add: {
      const IntTensor &a = get(op.inputs[0]), &b = get(op.inputs[1]);
      IntTensor y = make(op.output);
      qmath::AddRescale r;
      r.lhs = {op.inputMultiplier[0], op.inputShift[0]};
      r.rhs = {op.inputMultiplier[1], op.inputShift[1]};
      r.output = {op.multiplier[0], op.shift[0]};
      for (int64_t i = 0; i < y.size(); ++i)
        y.v[i] = qmath::addQuantized(a.v[i], b.v[i], op.inputZp, op.rhsZp, r,
                                     op.outputZp, op.qmin, op.qmax);
      values.ints[op.output] = std::move(y);
      break;
    }
    case SimOpKind::Pad: {
      const IntTensor &x = get(op.input);
      IntTensor y = make(op.output);
      std::fill(y.v.begin(), y.v.end(), op.padValue);
      int64_t rank = static_cast<int64_t>(x.shape.size());
      SmallVector<int64_t> outStride(rank, 1);
      for (int64_t d = rank - 2; d >= 0; --d)
        outStride[d] = outStride[d + 1] * y.shape[d + 1];
      SmallVector<int64_t> idx(rank, 0);
      for (int64_t i = 0; i < x.size(); ++i) {
        int64_t dst = 0;
        for (int64_t d = 0; d < rank; ++d)
          dst += (idx[d] + op.padding[2 * d]) * outStride[d];
        y.v[dst] = x.v[i];
        for (int64_t d = rank - 1; d >= 0; --d) {
          if (++idx[d] < x.shape[d])
            break;
          idx[d] = 0;
        }
      }
      values.ints[op.output] = std::move(y);
      break;
    }
    case SimOpKind::Concat: {
      IntTensor y = make(op.output);
      int64_t axis = op.axis;
      int64_t outer = 1, inner = 1;
      for (int64_t d = 0; d < axis; ++d)
        outer *= y.shape[d];
      for (int64_t d = axis + 1; d < static_cast<int64_t>(y.shape.size());
           ++d)
        inner *= y.shape[d];
      int64_t outRow = y.shape[axis] * inner, offset = 0;
      for (int64_t id : op.inputs) {
        const IntTensor &x = get(id);
        int64_t row = x.shape[axis] * inner;
        for (int64_t o = 0; o < outer; ++o)
          std::copy(x.v.begin() + o * row, x.v.begin() + (o + 1) * row,
                    y.v.begin() + o * outRow + offset);
        offset += row;
      }
      values.ints[op.output] = std::move(y);
      break;
    }
    case SimOpKind::Clamp: {
      IntTensor y = get(op.input);
      if (op.mins.empty()) {
        for (int64_t &v : y.v)
          v = std::min(std::max(v, op.min), op.max);
      } else {
        size_t channels = op.mins.size();
        for (size_t i = 0; i < y.v.size(); ++i)
          y.v[i] = std::min(std::max(y.v[i], op.mins[i % channels]),
                            op.maxs[i % channels]);
      }
      values.ints[op.output] = std::move(y);
      break;
    }
    case SimOpKind::Rescale: {
      IntTensor y = get(op.input);
      y.shape.assign(program.tensors[op.output].shape.begin(),
                     program.tensors[op.output].shape.end());
      int64_t channels = program.tensors[op.input].shape.empty()
                             ? 1
                             : program.tensors[op.input].shape.back();
      for (int64_t i = 0; i < y.size(); ++i) {
        size_t ch = static_cast<size_t>(i % channels);
        size_t c = op.multiplier.size() == 1 ? 0 : ch;
        y.v[i] = qmath::requantize(
            y.v[i], op.inputZpOf(ch),
            qmath::Rescale{op.multiplier[c], op.shift[c]}, op.outputZpOf(ch),
            op.qmin, op.qmax);
      }
      values.ints[op.output] = std::move(y);
      break;
    }
    case SimOpKind::MaxPool2d: {
      const IntTensor &x = get(op.input);
      IntTensor y = make(op.output);
      int64_t N = x.shape[0], H = x.shape[1], W = x.shape[2], C = x.shape[3];
      int64_t OH = y.shape[1], OW = y.shape[2];
      ArrayRef<int64_t> k = op.kernel, st = op.strides, pad = op.padding;
      for (int64_t n = 0; n < N; ++n)
        for (int64_t oh = 0; oh < OH; ++oh)
          for (int64_t ow = 0; ow < OW; ++ow)
            for (int64_t c = 0; c < C; ++c) {
              int64_t best = INT64_MIN;
              for (int64_t kh = 0; kh < k[0]; ++kh)
                for (int64_t kw = 0; kw < k[1]; ++kw) {
                  int64_t ih = oh * st[0] - pad[0] + kh;
                  int64_t iw = ow * st[1] - pad[2] + kw;
                  if (ih < 0 || ih >= H || iw < 0 || iw >= W)
                    continue; // padding never wins
                  best = std::max(best, x.v[((n * H + ih) * W + iw) * C + c]);
                }
              // A window entirely in the padding (only in damaged
              // programs) yields the type's lowest value.
              if (best == INT64_MIN)
                best = lowestOf(program.tensors[op.output].type);
              y.v[((n * OH + oh) * OW + ow) * C + c] = best;
            }
      values.ints[op.output] = std::move(y);
      break;
    }
    case SimOpKind::AvgPool2d: {
      const IntTensor &x = get(op.input);
      IntTensor y = make(op.output);
      int64_t N = x.shape[0], H = x.shape[1], W = x.shape[2], C = x.shape[3];
      int64_t OH = y.shape[1], OW = y.shape[2];
      ArrayRef<int64_t> k = op.kernel, st = op.strides;
      int64_t count = k[0] * k[1];
      // TOSA AVG_POOL2D's reciprocal: k = ceil(log2(count)),
      // multiplier = ((2^30 + 1) << k) / count, shift = 30 + k.
      int64_t kbits = count > 1 ? llvm::Log2_64_Ceil(count) : 0;
      qmath::Rescale r{
          static_cast<int32_t>(((int64_t(1 << 30) + 1) << kbits) / count),
          static_cast<int32_t>(30 + kbits)};
      for (int64_t n = 0; n < N; ++n)
        for (int64_t oh = 0; oh < OH; ++oh)
          for (int64_t ow = 0; ow < OW; ++ow)
            for (int64_t c = 0; c < C; ++c) {
              int64_t acc = 0;
              for (int64_t kh = 0; kh < k[0]; ++kh)
                for (int64_t kw = 0; kw < k[1]; ++kw) {
                  int64_t ih = oh * st[0] + kh, iw = ow * st[1] + kw;
                  if (ih < H && iw < W)
                    acc += x.v[((n * H + ih) * W + iw) * C + c] - op.inputZp;
                }
              int64_t v = qmath::applyRescale(static_cast<int32_t>(acc), r);
              y.v[((n * OH + oh) * OW + ow) * C + c] =
                  std::min(std::max(v + op.outputZp, op.qmin), op.qmax);
            }
      values.ints[op.output] = std::move(y);
      break;
    }
    case SimOpKind::Transpose: {
      const IntTensor &x = get(op.input);
      IntTensor y = make(op.output);
      ArrayRef<int64_t> perm = op.permutation;
      int64_t rank = static_cast<int64_t>(x.shape.size());
      SmallVector<int64_t> inStride(rank, 1);
      for (int64_t d = rank - 2; d >= 0; --d)
        inStride[d] = inStride[d + 1] * x.shape[d + 1];
      SmallVector<int64_t> idx(rank, 0);
      for (int64_t o = 0; o < y.size(); ++o) {
        int64_t src = 0;
        for (int64_t d = 0; d < rank; ++d)
          src += idx[d] * inStride[perm[d]];
        y.v[o] = x.v[src];
        for (int64_t d = rank - 1; d >= 0; --d) {
          if (++idx[d] < y.shape[d])
            break;
          idx[d] = 0;
        }
      }
      values.ints[op.output] = std::move(y);
      break;
    }
    case SimOpKind::Reshape: {
      IntTensor y = get(op.input);
      y.shape.assign(program.tensors[op.output].shape.begin(),
                     program.tensors[op.output].shape.end());
      values.ints[op.output] = std::move(y);
      break;
    }
    }
  }
  return llvm::Error::success();
}

/// A host tensor's values as a HostTensor of its type.
HostTensor toHost(const SimTensor &t, const Values &values, int64_t id) {
  HostTensor h = HostTensor::allocate(t.type, t.shape);
  if (t.type == ElementType::F32) {
    std::copy(values.floats[id].begin(), values.floats[id].end(),
              h.data<float>());
    return h;
  }
  const std::vector<int64_t> &v = values.ints[id].v;
  for (size_t i = 0; i < v.size(); ++i) {
    switch (t.type) {
    case ElementType::I8:
      h.data<int8_t>()[i] = static_cast<int8_t>(v[i]);
      break;
    case ElementType::U8:
      h.data<uint8_t>()[i] = static_cast<uint8_t>(v[i]);
      break;
    case ElementType::I16:
      h.data<int16_t>()[i] = static_cast<int16_t>(v[i]);
      break;
    default:
      h.data<int32_t>()[i] = static_cast<int32_t>(v[i]);
      break;
    }
  }
  return h;
}

void fromHost(const SimTensor &t, const HostTensor &h, Values &values,
              int64_t id) {
  int64_t n = h.numElements();
  if (t.type == ElementType::F32) {
    values.floats[id].assign(h.data<float>(), h.data<float>() + n);
    return;
  }
  IntTensor &out = values.ints[id];
  out.shape.assign(t.shape.begin(), t.shape.end());
  out.v.resize(n);
  for (int64_t i = 0; i < n; ++i) {
    switch (t.type) {
    case ElementType::I8:
      out.v[i] = h.data<int8_t>()[i];
      break;
    case ElementType::U8:
      out.v[i] = h.data<uint8_t>()[i];
      break;
    case ElementType::I16:
      out.v[i] = h.data<int16_t>()[i];
      break;
    default:
      out.v[i] = h.data<int32_t>()[i];
      break;
    }
  }
}

} // namespace

llvm::StringRef npu::opKindName(SimOpKind kind) {
  switch (kind) {
  case SimOpKind::Conv2d:
    return "npu.conv2d";
  case SimOpKind::Dense:
    return "npu.dense";
  case SimOpKind::Rescale:
    return "npu.rescale";
  case SimOpKind::Clamp:
    return "npu.clamp";
  case SimOpKind::MaxPool2d:
    return "npu.max_pool2d";
  case SimOpKind::AvgPool2d:
    return "npu.avg_pool2d";
  case SimOpKind::Transpose:
    return "npu.transpose";
  case SimOpKind::Reshape:
    return "npu.reshape";
  case SimOpKind::Add:
    return "npu.add";
  case SimOpKind::Concat:
    return "npu.concat";
  case SimOpKind::Pad:
    return "npu.pad";
  }
  return "npu.?";
}

llvm::Expected<std::vector<HostTensor>>
npu::simulate(const SimProgram &program, ArrayRef<HostTensor> inputs,
              ArrayRef<CompiledModel *> cpuSegments, SimStats &stats) {
  if (inputs.size() != program.inputs.size())
    return makeError("npu simulator: the model takes " +
                     llvm::Twine(program.inputs.size()) + " inputs, got " +
                     llvm::Twine(inputs.size()));
  for (const SimStep &step : program.steps)
    if (step.kind == SimStepKind::CpuSegment &&
        (step.index >= static_cast<int64_t>(cpuSegments.size()) ||
         !cpuSegments[step.index]))
      return makeError("npu simulator: no code for CPU segment " +
                       llvm::Twine(step.index));
  int64_t chunks = 0;
  for (auto [i, in] : llvm::enumerate(inputs)) {
    const SimTensor &t = program.tensors[program.inputs[i]];
    if (t.type != ElementType::F32 || in.type != ElementType::F32)
      return makeError("npu simulator: input " + llvm::Twine(i) +
                       " must be f32");
    int64_t per = numel(t.shape);
    if (per == 0 || in.numElements() % per != 0)
      return makeError("npu simulator: input " + llvm::Twine(i) + " holds " +
                       llvm::Twine(in.numElements()) +
                       " values, not a multiple of " + llvm::Twine(per));
    int64_t k = in.numElements() / per;
    if (chunks && k != chunks)
      return makeError("npu simulator: inputs hold different batch counts");
    chunks = k;
  }
  for (auto [i, id] : llvm::enumerate(program.outputs))
    if (program.tensors[id].type != ElementType::F32)
      return makeError("npu simulator: output " + llvm::Twine(i) +
                       " must be dequantized (f32)");
  std::vector<std::vector<float>> results(program.outputs.size());
  Values values;
  double cpuSeconds = 0.0;
  for (int64_t chunk = 0; chunk < chunks; ++chunk) {
    values.ints.assign(program.tensors.size(), IntTensor());
    values.floats.assign(program.tensors.size(), std::vector<float>());
    for (auto [i, id] : llvm::enumerate(program.inputs)) {
      int64_t per = numel(program.tensors[id].shape);
      const float *data = inputs[i].data<float>() + chunk * per;
      values.floats[id].assign(data, data + per);
    }
    for (const SimStep &step : program.steps) {
      switch (step.kind) {
      case SimStepKind::Quantize: {
        const SimTensor &out = program.tensors[step.outputs[0]];
        const SimQuant &q = *out.quant;
        IntTensor t;
        t.shape.assign(out.shape.begin(), out.shape.end());
        size_t channels = q.perChannel() ? q.scales.size() : 1, i = 0;
        for (float x : values.floats[step.inputs[0]]) {
          size_t c = i++ % channels;
          t.v.push_back(qmath::quantize(x, q.scaleOf(c), q.zeroPointOf(c),
                                        q.qmin, q.qmax));
        }
        values.ints[step.outputs[0]] = std::move(t);
        break;
      }
      case SimStepKind::Dequantize: {
        const SimQuant &q = *program.tensors[step.inputs[0]].quant;
        std::vector<float> out;
        size_t channels = q.perChannel() ? q.scales.size() : 1, i = 0;
        for (int64_t v : values.ints[step.inputs[0]].v) {
          size_t c = i++ % channels;
          out.push_back(qmath::dequantize(v, q.scaleOf(c), q.zeroPointOf(c)));
        }
        values.floats[step.outputs[0]] = std::move(out);
        break;
      }
      case SimStepKind::Transfer: {
        IntTensor t = values.ints[step.inputs[0]];
        const SimTensor &out = program.tensors[step.outputs[0]];
        t.shape.assign(out.shape.begin(), out.shape.end());
        values.ints[step.outputs[0]] = std::move(t);
        break;
      }
      case SimStepKind::Segment: {
        SegmentRunner runner(program, values);
        if (llvm::Error e = runner.run(step))
          return std::move(e);
        break;
      }
      case SimStepKind::CpuSegment: {
        std::vector<HostTensor> in;
        for (int64_t id : step.inputs)
          in.push_back(toHost(program.tensors[id], values, id));
        auto start = std::chrono::steady_clock::now();
        auto out = cpuSegments[step.index]->run(in);
        cpuSeconds += std::chrono::duration<double>(
                                std::chrono::steady_clock::now() - start)
                                .count();
        if (!out)
          return makeError("CPU segment " + llvm::Twine(step.index) + ": " +
                           llvm::toString(out.takeError()));
        if (out->size() != step.outputs.size())
          return makeError("CPU segment " + llvm::Twine(step.index) +
                           " returned " + llvm::Twine(out->size()) +
                           " tensors, expected " +
                           llvm::Twine(step.outputs.size()));
        for (auto [id, t] : llvm::zip_equal(step.outputs, *out)) {
          const SimTensor &spec = program.tensors[id];
          if (t.type != spec.type || numel(spec.shape) != t.numElements())
            return makeError("CPU segment " + llvm::Twine(step.index) +
                             ": output '" + spec.name + "' is " +
                             formatShape(t.shape) + " " +
                             stringifyElementType(t.type) + ", expected " +
                             formatShape(spec.shape) + " " +
                             stringifyElementType(spec.type));
          fromHost(spec, t, values, id);
        }
        break;
      }
      }
    }
    for (auto [i, id] : llvm::enumerate(program.outputs))
      llvm::append_range(results[i], values.floats[id]);
  }
  // The cost model depends on the shapes only; the CPU segments' host time
  // is measured.
  stats = estimateCost(program);
  stats.runs = chunks;
  stats.cpuSeconds = cpuSeconds;
  std::vector<HostTensor> out;
  for (auto [i, r] : llvm::enumerate(results)) {
    const std::vector<int64_t> &outShape =
        program.tensors[program.outputs[i]].shape;
    SmallVector<int64_t> shape(outShape.begin(), outShape.end());
    if (!shape.empty())
      shape[0] *= chunks;
    HostTensor t = HostTensor::allocate(ElementType::F32, shape);
    std::copy(r.begin(), r.end(), t.data<float>());
    out.push_back(std::move(t));
  }
  return out;
}

void npu::printStats(llvm::raw_ostream &os, const SimStats &stats,
                     const SimHardware &hw) {
  os << llvm::formatv("npu simulator: target '{0}', {1}x{2} MACs at {3} MHz "
                      "(per run of the compiled batch)\n",
                      hw.name, hw.macRows, hw.macCols, hw.clockMHz);
  if (stats.images > 1)
    os << llvm::formatv("  the batch of {0} images runs as {0} runs of one "
                        "image: MACs, cycles and off-chip traffic are totals "
                        "over the batch, on-chip bytes per image\n",
                        stats.images);
  os << llvm::formatv("  {0,-4} {1,-28} {2,-16} {3,12} {4,10} {5,6} {6,10}\n",
                      "seg", "layer", "op", "MACs", "cycles", "util",
                      "on-chip B");
  int64_t lanes = hw.macRows * hw.macCols;
  for (const LayerStats &l : stats.layers) {
    double util = l.cycles ? double(l.macs) / double(l.cycles * lanes) : 0.0;
    os << llvm::formatv("  {0,-4} {1,-28} {2,-16} {3,12} {4,10} {5,6:P0} "
                        "{6,10}\n",
                        l.segment, l.name, l.op, l.macs, l.cycles, util,
                        l.onChipBytes);
  }
  double util =
      stats.cycles ? double(stats.macs) / double(stats.cycles * lanes) : 0.0;
  os << llvm::formatv(
      "  total: {0} MACs, {1} cycles ({2:F1} us), MAC "
      "utilization {3:P1}, peak on-chip {4} bytes{7}{5}, "
      "off-chip traffic {6} bytes\n",
      stats.macs, stats.cycles, double(stats.cycles) / hw.clockMHz, util,
      stats.peakOnChipBytes,
      hw.memoryBytes ? llvm::formatv(" of {0}", hw.memoryBytes).str()
                     : std::string(),
      stats.offChipBytes, stats.images > 1 ? " per image" : "");
  for (const LayerStats &l : stats.layers)
    if (l.tiles)
      os << llvm::formatv("  tiled: '{0}' runs as {1} tiles (on-chip {2} "
                          "bytes per tile, off-chip traffic {3} bytes: "
                          "{4}input rows with their halo, outputs)\n",
                          l.name, l.tiles, l.onChipBytes, l.offChipBytes,
                          l.op == "npu.conv2d" || l.op == "npu.dense"
                              ? "weights, "
                              : "");
  if (hw.memoryBytes && stats.peakOnChipBytes > hw.memoryBytes) {
    std::string names;
    int64_t count = 0;
    for (const LayerStats &l : stats.layers)
      if (l.onChipBytes > hw.memoryBytes) {
        if (count++ < 4)
          names += (names.empty() ? "" : ", ") + l.name;
      }
    os << llvm::formatv("  over memory: {0} layer(s) need more than the {1} "
                        "bytes on chip at once and cannot be tiled (not even "
                        "one output row fits, or no NHWC rows to tile): "
                        "{2}{3}\n",
                        count, hw.memoryBytes, names, count > 4 ? ", ..." : "");
  }
  if (stats.cpuSegmentRuns)
    os << llvm::formatv("  CPU fallback: {0} segment(s) per run (compiled "
                        "code, not in the cycle model): {1} MACs in conv2d/"
                        "dense layers, {2:F1} us per run measured on this "
                        "host (wall time of the compiled code)\n",
                        stats.cpuSegmentRuns, stats.cpuMacs,
                        stats.runs ? 1e6 * stats.cpuSeconds / stats.runs
                                   : 0.0);
}
