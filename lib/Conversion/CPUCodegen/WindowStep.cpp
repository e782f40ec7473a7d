//===- WindowStep.cpp - channelwise window taps with shared loads ---------===//
//
// The innermost window dimension of a channelwise kernel (the kernel
// columns of a depthwise convolution or pooling window) over a tile of
// consecutive output pixels: output i, tap t reads A at i * rowStride +
// t * tapStride. Neighbouring outputs share inputs (stride 1, 3 taps: 6
// outputs read 8 input vectors, not 18), so each distinct input vector is
// loaded once and combined into every accumulator that uses it
// (Lowering.md §6, "Depthwise windows"). Each accumulator still receives its
// taps in ascending order, the order of the loop this replaces, so float
// results are bit-identical to it.
//
//===----------------------------------------------------------------------===//

#include "Contraction.h"

#include <map>

using namespace mlir;

SmallVector<Value> qmlir::cpu::emitWindowStep(
    ValueRange acc, int64_t rows, int64_t numVectors, int64_t rowStride,
    int64_t tapStride, int64_t taps,
    llvm::function_ref<Value(int64_t, int64_t)> loadA,
    llvm::function_ref<Value(int64_t, int64_t)> loadB,
    llvm::function_ref<Value(Value, Value, Value)> combine) {
  // (output, tap) pairs by the offset of the input they read, ascending.
  std::map<int64_t, SmallVector<std::pair<int64_t, int64_t>>> users;
  for (int64_t i = 0; i < rows; ++i)
    for (int64_t t = 0; t < taps; ++t)
      users[i * rowStride + t * tapStride].push_back({i, t});
  SmallVector<Value> result(acc.begin(), acc.end());
  // One vector of columns at a time: its accumulators, the taps' B vectors
  // and one input vector are live.
  for (int64_t j = 0; j < numVectors; ++j) {
    SmallVector<Value> bVecs;
    for (int64_t t = 0; t < taps; ++t)
      bVecs.push_back(loadB(t, j));
    for (auto &[offset, pairs] : users) {
      Value a = loadA(offset, j);
      for (auto [i, t] : pairs) {
        Value &c = result[i * numVectors + j];
        c = combine(c, a, bVecs[t]);
      }
    }
  }
  return result;
}
