//===- PackRhs.cpp - the constant B of a kernel, packed by panel ----------===//
//
// The weights of a matrix or channelwise kernel laid out in the order the
// kernel's innermost loops read them (ContractionEmit.cpp): one panel of
// columns after the other, `step` consecutive reduction elements of a column
// together for VNNI.
//
//===----------------------------------------------------------------------===//

#include "Contraction.h"

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
