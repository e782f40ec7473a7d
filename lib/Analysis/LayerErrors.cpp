//===- LayerErrors.cpp - per-layer float-vs-quantized error ---------------===//

#include "qmlir/Analysis/LayerErrors.h"

#include "qmlir/Dialect/QNN/Transforms/Instrument.h"
#include "qmlir/Runtime/JIT.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/Support/Format.h"

#include <cmath>
#include <limits>
#include <map>

using namespace mlir;
using namespace qmlir;

namespace {

struct Instrumented {
  std::unique_ptr<JITModule> jit;
  std::vector<qnn::NamedTensor> tensors;
  unsigned firstExposed = 0;
};

llvm::Expected<Instrumented> instrument(ModuleOp module, StringRef entry) {
  OwningOpRef<ModuleOp> copy = module.clone();
  auto func = copy->lookupSymbol<func::FuncOp>(entry);
  if (!func || func.isExternal() || !func.getBody().hasOneBlock())
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "no single-block function named '" +
                                       entry + "'");
  Instrumented result;
  result.firstExposed = func.getNumResults();
  result.tensors = qnn::exposeLayerOutputs(func);
  auto jit = JITModule::compile(*copy, entry);
  if (!jit)
    return jit.takeError();
  result.jit = std::move(*jit);
  return std::move(result);
}

} // namespace

llvm::Expected<std::vector<LayerError>>
qmlir::compareLayers(ModuleOp reference, ModuleOp candidate, StringRef entry,
                     ArrayRef<HostTensor> inputs) {
  auto ref = instrument(reference, entry);
  if (!ref)
    return ref.takeError();
  auto cand = instrument(candidate, entry);
  if (!cand)
    return cand.takeError();
  auto refOut = ref->jit->runBatched(inputs);
  if (!refOut)
    return refOut.takeError();
  auto candOut = cand->jit->runBatched(inputs);
  if (!candOut)
    return candOut.takeError();

  std::map<std::string, unsigned> refIndex;
  for (auto [i, t] : llvm::enumerate(ref->tensors))
    refIndex[t.name] = ref->firstExposed + i;

  std::vector<LayerError> errors;
  for (auto [i, t] : llvm::enumerate(cand->tensors)) {
    auto it = refIndex.find(t.name);
    if (it == refIndex.end())
      continue;
    const HostTensor &a = (*refOut)[it->second];
    const HostTensor &b = (*candOut)[cand->firstExposed + i];
    if (a.shape != b.shape || a.type != ElementType::F32 ||
        b.type != ElementType::F32)
      continue;
    double signal = 0, noise = 0, dot = 0, na = 0, nb = 0, maxErr = 0;
    const float *x = a.data<float>(), *y = b.data<float>();
    for (int64_t k = 0, e = a.numElements(); k < e; ++k) {
      double d = double(x[k]) - double(y[k]);
      signal += double(x[k]) * x[k];
      noise += d * d;
      dot += double(x[k]) * y[k];
      na += double(x[k]) * x[k];
      nb += double(y[k]) * y[k];
      maxErr = std::max(maxErr, std::fabs(d));
    }
    LayerError err;
    err.name = t.name;
    err.op = t.op;
    err.sqnrDb = noise == 0 ? std::numeric_limits<double>::infinity()
                            : 10.0 * std::log10(signal / noise);
    err.cosine = (na == 0 || nb == 0) ? (na == nb ? 1.0 : 0.0)
                                      : dot / std::sqrt(na * nb);
    err.maxAbsError = maxErr;
    err.elements = a.numElements();
    errors.push_back(err);
  }
  return errors;
}

void qmlir::printLayerErrors(llvm::raw_ostream &os,
                             ArrayRef<LayerError> errors) {
  // Worst first, ties in the order given (by position in `errors`, not with
  // std::stable_sort: its temporary buffer is a deprecation warning of
  // libstdc++ 12 under clang).
  std::vector<const LayerError *> sorted;
  for (const LayerError &e : errors)
    sorted.push_back(&e);
  llvm::sort(sorted, [&](const LayerError *a, const LayerError *b) {
    return std::tie(a->sqnrDb, a) < std::tie(b->sqnrDb, b);
  });
  size_t width = 6, opWidth = 18;
  for (const LayerError *e : sorted) {
    width = std::max(width, e->name.size());
    opWidth = std::max(opWidth, e->op.size());
  }
  os << llvm::left_justify("tensor", width) << "  "
     << llvm::left_justify("op", opWidth) << "  "
     << "SQNR (dB)  cosine    max |err|\n";
  for (const LayerError *e : sorted)
    os << llvm::left_justify(e->name, width) << "  "
       << llvm::left_justify(e->op, opWidth) << "  "
       << llvm::format("%9.2f  %.6f  %g", e->sqnrDb, e->cosine, e->maxAbsError)
       << "\n";
}
