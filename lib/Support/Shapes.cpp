//===- Shapes.cpp - shape permutations and shape text ---------------------===//

#include "qmlir/Support/Shapes.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/raw_ostream.h"

using namespace llvm;

SmallVector<int64_t> qmlir::permuteShape(ArrayRef<int64_t> shape,
                                         ArrayRef<int64_t> perm) {
  SmallVector<int64_t> out;
  for (int64_t p : perm)
    out.push_back(shape[p]);
  return out;
}

std::string qmlir::formatShape(ArrayRef<int64_t> shape) {
  if (shape.empty())
    return "scalar";
  std::string s;
  raw_string_ostream os(s);
  interleave(
      shape, os,
      [&](int64_t d) {
        if (d < 0)
          os << "?";
        else
          os << d;
      },
      "x");
  return s;
}

std::string qmlir::formatList(ArrayRef<int64_t> values) {
  std::string s;
  raw_string_ostream os(s);
  os << "[";
  interleaveComma(values, os);
  os << "]";
  return s;
}
