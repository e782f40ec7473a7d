//===- Shapes.h - shape permutations and shape text -------------*- C++ -*-===//
//
// The layout permutations between NCHW and qnn's NHWC, and the one way
// shapes and integer lists are written in messages (importers, runtime,
// simulator), so every tool names a shape the same way.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_SUPPORT_SHAPES_H
#define QMLIR_SUPPORT_SHAPES_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"

#include <cstdint>
#include <string>

namespace qmlir {

/// Permutations of a rank-4 tensor: NCHW → NHWC and NHWC → NCHW (result dim
/// i is source dim perm[i]).
inline constexpr int64_t kToNHWC[] = {0, 2, 3, 1};
inline constexpr int64_t kToNCHW[] = {0, 3, 1, 2};

/// Returns `shape` permuted: result[i] = shape[perm[i]].
llvm::SmallVector<int64_t> permuteShape(llvm::ArrayRef<int64_t> shape,
                                        llvm::ArrayRef<int64_t> perm);

/// "1x3x8x8"; "scalar" for rank 0 and "?" for a dynamic (negative) dim.
std::string formatShape(llvm::ArrayRef<int64_t> shape);

/// "[1, 2]".
std::string formatList(llvm::ArrayRef<int64_t> values);

} // namespace qmlir

#endif // QMLIR_SUPPORT_SHAPES_H
