//===- PackRhs.cpp - the constant B of a kernel, packed by panel ----------===//
//
// The weights of a matrix or channelwise kernel laid out in the order the
// kernel's innermost loops read them (ContractionEmit.cpp): one panel of
// columns after the other, `step` consecutive reduction elements of a column
// together for VNNI; and the integer kernels' zero-point compensation.
//
//===----------------------------------------------------------------------===//

#include "Contraction.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

#include "llvm/Support/MathExtras.h"

#include <cstring>

using namespace mlir;

/// B as [panel][outer][paddedRun / step][panelWidth][step], zero-padded;
/// `colSums` receives sum_k B[k, n] for integer kernels.
std::vector<char> qmlir::cpu::packRhs(const ContractionSpec &s,
                                      int64_t panelWidth, int64_t step,
                                      std::vector<int64_t> &colSums) {
  int64_t numCols = s.numCols(), numOuter = s.numOuter();
  int64_t runLength = s.runLength();
  int64_t paddedRun = llvm::alignTo(runLength, step);
  int64_t numPanels = llvm::divideCeil(numCols, panelWidth);
  int64_t elemBytes = s.isFloat ? 4 : 1;
  std::vector<char> out(
      numPanels * numOuter * paddedRun * panelWidth * elemBytes, 0);
  colSums.assign(numPanels * panelWidth, 0);
  SmallVector<float> fvals;
  SmallVector<int8_t> ivals;
  if (s.isFloat)
    for (const APFloat &v : s.rhs.getValues<APFloat>())
      fvals.push_back(v.convertToFloat());
  else
    for (const APInt &v : s.rhs.getValues<APInt>())
      ivals.push_back(static_cast<int8_t>(v.getSExtValue()));

  // Offsets of B along the outer and run dimensions, in packing order.
  auto offsets = [&](ArrayRef<unsigned> dims) {
    SmallVector<int64_t> offs = {0};
    for (unsigned d : dims) {
      SmallVector<int64_t> next;
      for (int64_t o : offs)
        for (int64_t i = 0; i < s.extents[d]; ++i)
          next.push_back(o + i * s.rhsCoef[d]);
      offs = std::move(next);
    }
    return offs;
  };
  SmallVector<int64_t> outerOffs = offsets(s.outerDims);
  SmallVector<int64_t> runOffs = offsets(s.runDims);
  int64_t colCoef = s.rhsCoef[s.colDim];
  for (int64_t o = 0; o < numOuter; ++o)
    for (int64_t l = 0; l < runLength; ++l)
      for (int64_t n = 0; n < numCols; ++n) {
        int64_t src = s.rhsConstant + outerOffs[o] + runOffs[l] + colCoef * n;
        int64_t p = n / panelWidth, c = n % panelWidth;
        int64_t dst =
            (((p * numOuter + o) * (paddedRun / step) + l / step) * panelWidth +
             c) *
                step +
            l % step;
        if (s.isFloat) {
          std::memcpy(&out[dst * 4], &fvals[src], 4);
        } else {
          out[dst] = ivals[src];
          colSums[n] += ivals[src];
        }
      }
  return out;
}

std::vector<char> qmlir::cpu::bytesAsPairs(const std::vector<char> &bytes) {
  std::vector<char> words(bytes.size() * 4, 0);
  for (size_t i = 0; i < bytes.size(); ++i) {
    auto w = static_cast<uint16_t>(static_cast<int16_t>(bytes[i]));
    std::memcpy(&words[4 * i], &w, 2);
  }
  return words;
}

std::pair<Value, Value>
qmlir::cpu::packedConstants(OpBuilder &b, Location loc,
                            const ContractionSpec &s, int64_t panelWidth,
                            int64_t step, bool vnni, bool pairs) {
  std::vector<int64_t> colSums;
  std::vector<char> data = packRhs(s, panelWidth, step, colSums);
  if (pairs)
    data = bytesAsPairs(data);
  int64_t size =
      static_cast<int64_t>(data.size()) / (s.isFloat || pairs ? 4 : 1);
  Type elem = s.isFloat ? Type(b.getF32Type())
                        : Type(pairs ? b.getI32Type() : b.getI8Type());
  Value packed = arith::ConstantOp::create(
      b, loc,
      DenseElementsAttr::getFromRawBuffer(RankedTensorType::get({size}, elem),
                                          ArrayRef<char>(data)));

  // sum_k (A - zp) * B = sum_k (A + 128) * B - (128 + zp) * sum_k B: the
  // VNNI kernel multiplies A + 128 (unsigned), so the second term goes into
  // the initial value. Modulo 2^32 like the reference's i32 arithmetic.
  int64_t shift = (vnni ? 128 : 0) + s.lhsZeroPoint;
  if (s.isFloat || shift == 0)
    return {packed, Value()};
  SmallVector<int32_t> comp;
  for (int64_t sum : colSums)
    comp.push_back(static_cast<int32_t>(static_cast<uint32_t>(-shift) *
                                        static_cast<uint32_t>(sum)));
  auto compType = RankedTensorType::get({static_cast<int64_t>(comp.size())},
                                        b.getI32Type());
  Value compensation = arith::ConstantOp::create(
      b, loc, DenseElementsAttr::get(compType, ArrayRef<int32_t>(comp)));
  return {packed, compensation};
}
