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

#include "qmlir/Dialect/NPU/IR/NPUOps.h"
#include "qmlir/Dialect/QNN/IR/QNNOps.h"
#include "qmlir/Dialect/QNN/Transforms/TensorNames.h"
#include "qmlir/Quant/QuantMath.h"

#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/Matchers.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"

#include <cmath>

using namespace mlir;
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

IntTensor constantOf(Value v) {
  DenseIntElementsAttr attr;
  IntTensor t;
  if (!matchPattern(v, m_Constant(&attr)))
    return t;
  auto type = cast<RankedTensorType>(v.getType());
  t.shape.assign(type.getShape().begin(), type.getShape().end());
  for (const APInt &x : attr.getValues<APInt>())
    t.v.push_back(x.getSExtValue());
  return t;
}

std::string opName(Operation *op) {
  std::string name = qnn::locationName(op->getLoc());
  return name.empty() ? op->getName().getStringRef().str() : name;
}

/// Packed bytes of `n` values of `bits` bits.
int64_t packed(int64_t n, int64_t bits) { return (n * bits + 7) / 8; }

int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

class SegmentRunner {
public:
  SegmentRunner(const SimHardware &hw, SimStats &stats, int64_t index,
                bool record)
      : hw(hw), stats(stats), index(index), record(record) {}

  llvm::Expected<std::vector<IntTensor>> run(SegmentOp seg,
                                             ArrayRef<IntTensor> inputs);

private:
  llvm::Error conv(Conv2dOp op);
  llvm::Error dense(DenseOp op);
  llvm::Error requant(Operation *op, int64_t acc, int64_t channel,
                      ArrayRef<int32_t> mult, ArrayRef<int32_t> shift,
                      int64_t accBits, int64_t outZp, int64_t qmin,
                      int64_t qmax, int64_t &out);
  void cost(Operation *op, int64_t macs, int64_t cycles, int64_t onChip) {
    if (!record)
      return;
    LayerStats s;
    s.name = opName(op);
    s.op = op->getName().getStringRef().str();
    s.segment = index;
    s.macs = macs;
    s.cycles = cycles;
    s.onChipBytes = onChip;
    stats.layers.push_back(s);
  }
  const IntTensor &get(Value v) { return values[v]; }

  const SimHardware &hw;
  SimStats &stats;
  int64_t index;
  bool record;
  DenseMap<Value, IntTensor> values;
};

llvm::Error SegmentRunner::requant(Operation *op, int64_t acc, int64_t channel,
                                   ArrayRef<int32_t> mult,
                                   ArrayRef<int32_t> shift, int64_t accBits,
                                   int64_t outZp, int64_t qmin, int64_t qmax,
                                   int64_t &out) {
  int64_t limit = (int64_t(1) << (accBits - 1)) - 1;
  if (acc > limit || acc < -limit - 1)
    return makeError("npu simulator: layer '" + opName(op) + "': accumulator " +
                     llvm::Twine(acc) + " overflows " + llvm::Twine(accBits) +
                     " bits");
  size_t c = mult.size() == 1 ? 0 : static_cast<size_t>(channel);
  out = qmath::requantize(acc, 0, qmath::Rescale{mult[c], shift[c]}, outZp,
                          qmin, qmax);
  return llvm::Error::success();
}

llvm::Error SegmentRunner::conv(Conv2dOp op) {
  const IntTensor &x = get(op.getInput());
  IntTensor w = constantOf(op.getWeight());
  IntTensor b = op.getBias() ? constantOf(op.getBias()) : IntTensor();
  auto outType = op.getOutput().getType();
  IntTensor y;
  y.shape.assign(outType.getShape().begin(), outType.getShape().end());
  y.v.resize(numel(y.shape));
  int64_t N = x.shape[0], H = x.shape[1], W = x.shape[2], C = x.shape[3];
  int64_t O = w.shape[0], KH = w.shape[1], KW = w.shape[2], CG = w.shape[3];
  int64_t OH = y.shape[1], OW = y.shape[2];
  int64_t groups = static_cast<int64_t>(op.getGroups());
  int64_t perGroup = O / groups;
  ArrayRef<int64_t> st = op.getStrides(), pad = op.getPadding(),
                    dil = op.getDilations();
  int64_t zp = static_cast<int64_t>(op.getInputZp());
  int64_t accBits = static_cast<int64_t>(op.getAccBits());
  int64_t outZp = static_cast<int64_t>(op.getOutputZp());
  int64_t qmin = static_cast<int64_t>(op.getQmin());
  int64_t qmax = static_cast<int64_t>(op.getQmax());
  for (int64_t n = 0; n < N; ++n)
    for (int64_t oh = 0; oh < OH; ++oh)
      for (int64_t ow = 0; ow < OW; ++ow)
        for (int64_t o = 0; o < O; ++o) {
          int64_t g = o / perGroup;
          int64_t acc = b.v.empty() ? 0 : b.v[o];
          for (int64_t kh = 0; kh < KH; ++kh) {
            int64_t ih = oh * st[0] - pad[0] + kh * dil[0];
            if (ih < 0 || ih >= H)
              continue; // padding holds input_zp: contributes 0
            for (int64_t kw = 0; kw < KW; ++kw) {
              int64_t iw = ow * st[1] - pad[2] + kw * dil[1];
              if (iw < 0 || iw >= W)
                continue;
              const int64_t *xin = &x.v[((n * H + ih) * W + iw) * C + g * CG];
              const int64_t *wk = &w.v[((o * KH + kh) * KW + kw) * CG];
              for (int64_t c = 0; c < CG; ++c)
                acc += (xin[c] - zp) * wk[c];
            }
          }
          int64_t &out = y.v[((n * OH + oh) * OW + ow) * O + o];
          if (llvm::Error e =
                  requant(op, acc, o, op.getMultiplier(), op.getShift(),
                          accBits, outZp, qmin, qmax, out))
            return e;
        }
  int64_t macs = N * OH * OW * O * KH * KW * CG;
  // Output channels across the columns, the reduction across the rows.
  int64_t cycles =
      N * OH * OW * ceilDiv(O, hw.macCols) * ceilDiv(KH * KW * CG, hw.macRows);
  int64_t onChip = packed(w.size(), op.getWeightBits()) + 4 * b.size() +
                   packed(x.size(), op.getInputBits()) +
                   packed(y.size(), op.getOutputBits());
  cost(op, macs, cycles, onChip);
  values[op.getOutput()] = std::move(y);
  return llvm::Error::success();
}

llvm::Error SegmentRunner::dense(DenseOp op) {
  const IntTensor &x = get(op.getInput());
  IntTensor w = constantOf(op.getWeight());
  IntTensor b = op.getBias() ? constantOf(op.getBias()) : IntTensor();
  auto outType = op.getOutput().getType();
  IntTensor y;
  y.shape.assign(outType.getShape().begin(), outType.getShape().end());
  y.v.resize(numel(y.shape));
  int64_t M = w.shape[0], K = w.shape[1];
  int64_t rows = x.size() / K;
  int64_t zp = static_cast<int64_t>(op.getInputZp());
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t m = 0; m < M; ++m) {
      int64_t acc = b.v.empty() ? 0 : b.v[m];
      for (int64_t k = 0; k < K; ++k)
        acc += (x.v[r * K + k] - zp) * w.v[m * K + k];
      if (llvm::Error e =
              requant(op, acc, m, op.getMultiplier(), op.getShift(),
                      static_cast<int64_t>(op.getAccBits()),
                      static_cast<int64_t>(op.getOutputZp()),
                      static_cast<int64_t>(op.getQmin()),
                      static_cast<int64_t>(op.getQmax()), y.v[r * M + m]))
        return e;
    }
  int64_t cycles = rows * ceilDiv(M, hw.macCols) * ceilDiv(K, hw.macRows);
  int64_t onChip = packed(w.size(), op.getWeightBits()) + 4 * b.size() +
                   packed(x.size(), op.getInputBits()) +
                   packed(y.size(), op.getOutputBits());
  cost(op, rows * M * K, cycles, onChip);
  values[op.getOutput()] = std::move(y);
  return llvm::Error::success();
}

llvm::Expected<std::vector<IntTensor>>
SegmentRunner::run(SegmentOp seg, ArrayRef<IntTensor> inputs) {
  Block &body = seg.getBody().front();
  for (auto [arg, in] : llvm::zip_equal(body.getArguments(), inputs))
    values[arg] = in;
  int64_t lanes = hw.macRows * hw.macCols;
  for (Operation &opRef : body) {
    Operation *op = &opRef;
    if (isa<arith::ConstantOp>(op))
      continue;
    if (auto c = dyn_cast<Conv2dOp>(op)) {
      if (llvm::Error e = conv(c))
        return std::move(e);
    } else if (auto d = dyn_cast<DenseOp>(op)) {
      if (llvm::Error e = dense(d))
        return std::move(e);
    } else if (auto c = dyn_cast<ClampOp>(op)) {
      IntTensor y = get(c.getInput());
      int64_t lo = static_cast<int64_t>(c.getMin());
      int64_t hi = static_cast<int64_t>(c.getMax());
      for (int64_t &v : y.v)
        v = std::min(std::max(v, lo), hi);
      int64_t bits = static_cast<int64_t>(c.getBits());
      cost(op, 0, ceilDiv(y.size(), lanes), 2 * packed(y.size(), bits));
      values[c.getOutput()] = std::move(y);
    } else if (auto r = dyn_cast<RescaleOp>(op)) {
      IntTensor y = get(r.getInput());
      ArrayRef<int32_t> mult = r.getMultiplier(), shift = r.getShift();
      int64_t channels = y.shape.empty() ? 1 : y.shape.back();
      for (int64_t i = 0; i < y.size(); ++i) {
        size_t c = mult.size() == 1 ? 0 : static_cast<size_t>(i % channels);
        y.v[i] = qmath::requantize(y.v[i], static_cast<int64_t>(r.getInputZp()),
                                   qmath::Rescale{mult[c], shift[c]},
                                   static_cast<int64_t>(r.getOutputZp()),
                                   static_cast<int64_t>(r.getQmin()),
                                   static_cast<int64_t>(r.getQmax()));
      }
      cost(op, 0, ceilDiv(y.size(), lanes),
           packed(y.size(), r.getInputBits()) +
               packed(y.size(), r.getOutputBits()));
      values[r.getOutput()] = std::move(y);
    } else if (auto p = dyn_cast<MaxPool2dOp>(op)) {
      const IntTensor &x = get(p.getInput());
      auto outType = p.getOutput().getType();
      IntTensor y;
      y.shape.assign(outType.getShape().begin(), outType.getShape().end());
      y.v.resize(numel(y.shape));
      int64_t N = x.shape[0], H = x.shape[1], W = x.shape[2], C = x.shape[3];
      int64_t OH = y.shape[1], OW = y.shape[2];
      ArrayRef<int64_t> k = p.getKernel(), st = p.getStrides(),
                        pad = p.getPadding();
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
              y.v[((n * OH + oh) * OW + ow) * C + c] = best;
            }
      int64_t bits = static_cast<int64_t>(p.getBits());
      cost(op, 0, ceilDiv(y.size() * k[0] * k[1], lanes),
           packed(x.size(), bits) + packed(y.size(), bits));
      values[p.getOutput()] = std::move(y);
    } else if (auto p = dyn_cast<AvgPool2dOp>(op)) {
      const IntTensor &x = get(p.getInput());
      auto outType = p.getOutput().getType();
      IntTensor y;
      y.shape.assign(outType.getShape().begin(), outType.getShape().end());
      y.v.resize(numel(y.shape));
      int64_t N = x.shape[0], H = x.shape[1], W = x.shape[2], C = x.shape[3];
      int64_t OH = y.shape[1], OW = y.shape[2];
      ArrayRef<int64_t> k = p.getKernel(), st = p.getStrides();
      int64_t count = k[0] * k[1];
      // TOSA AVG_POOL2D's reciprocal: k = ceil(log2(count)),
      // multiplier = ((2^30 + 1) << k) / count, shift = 30 + k.
      int64_t kbits = count > 1 ? llvm::Log2_64_Ceil(count) : 0;
      qmath::Rescale r{
          static_cast<int32_t>(((int64_t(1 << 30) + 1) << kbits) / count),
          static_cast<int32_t>(30 + kbits)};
      int64_t zpIn = static_cast<int64_t>(p.getInputZp());
      int64_t zpOut = static_cast<int64_t>(p.getOutputZp());
      int64_t qmin = static_cast<int64_t>(p.getQmin());
      int64_t qmax = static_cast<int64_t>(p.getQmax());
      for (int64_t n = 0; n < N; ++n)
        for (int64_t oh = 0; oh < OH; ++oh)
          for (int64_t ow = 0; ow < OW; ++ow)
            for (int64_t c = 0; c < C; ++c) {
              int64_t acc = 0;
              for (int64_t kh = 0; kh < k[0]; ++kh)
                for (int64_t kw = 0; kw < k[1]; ++kw) {
                  int64_t ih = oh * st[0] + kh, iw = ow * st[1] + kw;
                  if (ih < H && iw < W)
                    acc += x.v[((n * H + ih) * W + iw) * C + c] - zpIn;
                }
              int64_t v = qmath::applyRescale(static_cast<int32_t>(acc), r);
              y.v[((n * OH + oh) * OW + ow) * C + c] =
                  std::min(std::max(v + zpOut, qmin), qmax);
            }
      int64_t bits = static_cast<int64_t>(p.getBits());
      cost(op, 0, ceilDiv(y.size() * count, lanes),
           packed(x.size(), bits) + packed(y.size(), bits));
      values[p.getOutput()] = std::move(y);
    } else if (auto t = dyn_cast<TransposeOp>(op)) {
      const IntTensor &x = get(t.getInput());
      auto outShape = t.getOutput().getType().getShape();
      ArrayRef<int64_t> perm = t.getPermutation();
      IntTensor y;
      y.shape.assign(outShape.begin(), outShape.end());
      y.v.resize(x.v.size());
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
      cost(op, 0, 0, 0);
      values[t.getOutput()] = std::move(y);
    } else if (auto r = dyn_cast<ReshapeOp>(op)) {
      IntTensor y = get(r.getInput());
      auto shape = r.getOutput().getType().getShape();
      y.shape.assign(shape.begin(), shape.end());
      cost(op, 0, 0, 0);
      values[r.getOutput()] = std::move(y);
    } else if (auto y = dyn_cast<YieldOp>(op)) {
      std::vector<IntTensor> out;
      for (Value v : y.getValues())
        out.push_back(get(v));
      return out;
    } else {
      return makeError("npu simulator: cannot execute '" +
                       op->getName().getStringRef() + "' in a segment");
    }
  }
  return makeError("npu simulator: segment without npu.yield");
}

/// The per-tensor parameters of a quantized tensor type.
std::optional<qmath::QuantParams> paramsOf(Type type) {
  auto t = dyn_cast<RankedTensorType>(type);
  auto q = t ? dyn_cast<quant::UniformQuantizedType>(t.getElementType())
             : quant::UniformQuantizedType();
  if (!q)
    return std::nullopt;
  qmath::QuantParams p;
  p.scale = q.getScale();
  p.zeroPoint = q.getZeroPoint();
  p.qmin = q.getStorageTypeMin();
  p.qmax = q.getStorageTypeMax();
  return p;
}

/// Bits of an integer segment boundary tensor for the traffic count.
int64_t boundaryBytes(Value v) {
  auto t = cast<RankedTensorType>(v.getType());
  unsigned width = t.getElementType().getIntOrFloatBitWidth();
  for (Operation *user : v.getUsers())
    if (auto tr = dyn_cast<TransferOp>(user))
      if (auto q = paramsOf(tr.getOutput().getType()))
        width = llvm::Log2_64_Ceil(q->qmax - q->qmin + 1);
  if (auto tr = v.getDefiningOp<TransferOp>())
    if (auto q = paramsOf(tr.getInput().getType()))
      width = llvm::Log2_64_Ceil(q->qmax - q->qmin + 1);
  return packed(t.getNumElements(), width);
}

int64_t segmentWeightBytes(SegmentOp seg) {
  int64_t bytes = 0;
  seg.walk([&](Operation *op) {
    if (auto c = dyn_cast<Conv2dOp>(op))
      bytes +=
          packed(c.getWeight().getType().getNumElements(), c.getWeightBits()) +
          (c.getBias() ? 4 * c.getBias().getType().getNumElements() : 0);
    if (auto d = dyn_cast<DenseOp>(op))
      bytes +=
          packed(d.getWeight().getType().getNumElements(), d.getWeightBits()) +
          (d.getBias() ? 4 * d.getBias().getType().getNumElements() : 0);
  });
  return bytes;
}

} // namespace

SimHardware npu::hardwareOf(ModuleOp module) {
  SimHardware hw;
  auto dict = module->getAttrOfType<DictionaryAttr>("npu.target");
  if (!dict)
    return hw;
  if (auto s = dict.getAs<StringAttr>("name"))
    hw.name = s.getValue().str();
  if (auto a = dict.getAs<IntegerAttr>("mac_rows"))
    hw.macRows = a.getInt();
  if (auto a = dict.getAs<IntegerAttr>("mac_cols"))
    hw.macCols = a.getInt();
  if (auto a = dict.getAs<FloatAttr>("clock_mhz"))
    hw.clockMHz = a.getValueAsDouble();
  if (auto a = dict.getAs<IntegerAttr>("memory_bytes"))
    hw.memoryBytes = a.getInt();
  return hw;
}

llvm::Expected<std::vector<HostTensor>>
npu::simulate(func::FuncOp func, ArrayRef<HostTensor> inputs,
              const SimHardware &hw, SimStats &stats) {
  auto type = func.getFunctionType();
  if (inputs.size() != type.getNumInputs())
    return makeError("npu simulator: @" + func.getName() + " takes " +
                     llvm::Twine(type.getNumInputs()) + " inputs, got " +
                     llvm::Twine(inputs.size()));
  // Every op outside segments must be one the simulator runs on the host.
  for (Operation &op : func.getBody().front())
    if (!isa<qnn::QuantizeOp, qnn::DequantizeOp, TransferOp, SegmentOp,
             func::ReturnOp>(op))
      return makeError(
          "npu simulator: '" + op.getName().getStringRef() + "' ('" +
          opName(&op) +
          "') runs on the CPU; the simulator runs models whose every "
          "layer is on the accelerator (CPU fallback is not supported yet)");
  int64_t chunks = 0;
  for (auto [i, in] : llvm::enumerate(inputs)) {
    auto argType = cast<RankedTensorType>(type.getInput(i));
    if (!isa<FloatType>(argType.getElementType()) ||
        in.type != ElementType::F32)
      return makeError("npu simulator: input " + llvm::Twine(i) +
                       " must be f32");
    int64_t per = numel(argType.getShape());
    if (per == 0 || in.numElements() % per != 0)
      return makeError("npu simulator: input " + llvm::Twine(i) + " holds " +
                       llvm::Twine(in.numElements()) +
                       " values, not a multiple of " + llvm::Twine(per));
    int64_t k = in.numElements() / per;
    if (chunks && k != chunks)
      return makeError("npu simulator: inputs hold different batch counts");
    chunks = k;
  }
  std::vector<std::vector<float>> results(type.getNumResults());
  for (int64_t chunk = 0; chunk < chunks; ++chunk) {
    DenseMap<Value, std::vector<float>> floats;
    DenseMap<Value, IntTensor> ints;
    for (auto [i, arg] : llvm::enumerate(func.getArguments())) {
      int64_t per = numel(cast<RankedTensorType>(arg.getType()).getShape());
      const float *data = inputs[i].data<float>() + chunk * per;
      floats[arg] = std::vector<float>(data, data + per);
    }
    for (Operation &opRef : func.getBody().front()) {
      Operation *op = &opRef;
      if (auto q = dyn_cast<qnn::QuantizeOp>(op)) {
        auto p = paramsOf(q.getOutput().getType());
        if (!p)
          return makeError("npu simulator: only per-tensor qnn.quantize");
        IntTensor t;
        auto shape = cast<RankedTensorType>(q.getOutput().getType()).getShape();
        t.shape.assign(shape.begin(), shape.end());
        for (float x : floats[q.getInput()])
          t.v.push_back(
              qmath::quantize(x, p->scale, p->zeroPoint, p->qmin, p->qmax));
        ints[q.getOutput()] = std::move(t);
      } else if (auto d = dyn_cast<qnn::DequantizeOp>(op)) {
        auto p = paramsOf(d.getInput().getType());
        if (!p)
          return makeError("npu simulator: only per-tensor qnn.dequantize");
        std::vector<float> out;
        for (int64_t v : ints[d.getInput()].v)
          out.push_back(qmath::dequantize(v, p->scale, p->zeroPoint));
        floats[d.getOutput()] = std::move(out);
      } else if (auto t = dyn_cast<TransferOp>(op)) {
        ints[t.getOutput()] = ints[t.getInput()];
      } else if (auto seg = dyn_cast<SegmentOp>(op)) {
        std::vector<IntTensor> in;
        for (Value v : seg.getInputs())
          in.push_back(ints[v]);
        SegmentRunner runner(hw, stats, seg.getIndex(), chunk == 0);
        auto out = runner.run(seg, in);
        if (!out)
          return out.takeError();
        for (auto [r, t] : llvm::zip_equal(seg.getResults(), *out))
          ints[r] = t;
        if (chunk == 0) {
          for (Value v : seg.getInputs())
            stats.offChipBytes += boundaryBytes(v);
          for (Value v : seg.getResults())
            stats.offChipBytes += boundaryBytes(v);
          stats.offChipBytes += segmentWeightBytes(seg);
        }
      } else if (auto ret = dyn_cast<func::ReturnOp>(op)) {
        for (auto [i, v] : llvm::enumerate(ret.getOperands())) {
          if (!floats.count(v))
            return makeError("npu simulator: output " + llvm::Twine(i) +
                             " must be dequantized (f32)");
          llvm::append_range(results[i], floats[v]);
        }
      }
    }
  }
  stats.runs = chunks;
  for (const LayerStats &l : stats.layers) {
    stats.cycles += l.cycles;
    stats.macs += l.macs;
    stats.peakOnChipBytes = std::max(stats.peakOnChipBytes, l.onChipBytes);
  }
  std::vector<HostTensor> out;
  for (auto [i, r] : llvm::enumerate(results)) {
    auto rt = cast<RankedTensorType>(type.getResult(i));
    SmallVector<int64_t> shape(rt.getShape());
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
      "utilization {3:P1}, peak on-chip {4} bytes{5}, "
      "off-chip traffic {6} bytes\n",
      stats.macs, stats.cycles, double(stats.cycles) / hw.clockMHz, util,
      stats.peakOnChipBytes,
      hw.memoryBytes ? llvm::formatv(" of {0}", hw.memoryBytes).str()
                     : std::string(),
      stats.offChipBytes);
}
