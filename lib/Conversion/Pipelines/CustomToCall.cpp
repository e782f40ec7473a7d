//===- CustomToCall.cpp - the qnn-custom-to-call pass ---------------------===//
//
// Each qnn.custom becomes a call of a private external function with memref
// arguments: a constant call-site descriptor, the operands, and result
// buffers allocated here. The JIT binds every such function to a runtime
// trampoline that reads the descriptor and calls the plugin implementation
// (lib/Runtime/CustomOps.cpp parses what serializeCallSite writes; the
// format is in docs/Lowering.md).
//
//===----------------------------------------------------------------------===//

#include "qmlir/Conversion/Passes.h"
#include "qmlir/Dialect/QNN/IR/QNNOps.h"

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/SymbolTable.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

namespace qmlir {
#define GEN_PASS_DEF_QNNCUSTOMTOCALLPASS
#include "qmlir/Conversion/Passes.h.inc"
} // namespace qmlir

using namespace mlir;
using namespace qmlir;

namespace {

/// The descriptor's name for a tensor element type, or "" if the runtime
/// cannot pass it to a plugin.
StringRef dtypeName(Type t) {
  if (t.isF32())
    return "f32";
  if (t.isF64())
    return "f64";
  if (auto i = dyn_cast<IntegerType>(t); i && !i.isUnsigned()) {
    switch (i.getWidth()) {
    case 1:
      return "i1";
    case 8:
      return "i8";
    case 16:
      return "i16";
    case 32:
      return "i32";
    case 64:
      return "i64";
    default:
      break;
    }
  }
  return "";
}

void writeString(llvm::raw_ostream &os, StringRef s) {
  os << s.size() << ":" << s;
}

/// Doubles in C99 hex notation round-trip exactly through strtod.
void writeDouble(llvm::raw_ostream &os, double v) {
  os << llvm::format("%a", v);
}

/// Appends one attribute line, or fails with an error on `op`.
LogicalResult writeAttr(Operation *op, llvm::raw_ostream &os, StringRef name,
                        Attribute attr) {
  os << "attr ";
  writeString(os, name);
  auto ints = [&](ArrayRef<int64_t> values) {
    os << " ints " << values.size();
    for (int64_t v : values)
      os << " " << v;
  };
  auto floats = [&](ArrayRef<double> values) {
    os << " floats " << values.size();
    for (double v : values) {
      os << " ";
      writeDouble(os, v);
    }
  };
  if (auto i = dyn_cast<IntegerAttr>(attr)) {
    os << " int "
       << (i.getType().isInteger(1) ? int64_t(i.getValue().getBoolValue())
                                    : i.getValue().getSExtValue());
  } else if (auto f = dyn_cast<FloatAttr>(attr)) {
    os << " float ";
    writeDouble(os, f.getValueAsDouble());
  } else if (auto s = dyn_cast<StringAttr>(attr)) {
    os << " string ";
    writeString(os, s.getValue());
  } else if (auto t = dyn_cast<TypeAttr>(attr)) {
    std::string str;
    llvm::raw_string_ostream ts(str);
    ts << t.getValue();
    os << " string ";
    writeString(os, str);
  } else if (auto a = dyn_cast<DenseI64ArrayAttr>(attr)) {
    ints(a.asArrayRef());
  } else if (auto a = dyn_cast<DenseI32ArrayAttr>(attr)) {
    ints(SmallVector<int64_t>(a.asArrayRef()));
  } else if (auto a = dyn_cast<DenseF32ArrayAttr>(attr)) {
    floats(SmallVector<double>(a.asArrayRef()));
  } else if (auto a = dyn_cast<DenseF64ArrayAttr>(attr)) {
    floats(a.asArrayRef());
  } else if (auto e = dyn_cast<DenseIntElementsAttr>(attr)) {
    SmallVector<int64_t> values;
    for (const APInt &v : e.getValues<APInt>())
      values.push_back(e.getElementType().isInteger(1) ? v.getZExtValue()
                                                       : v.getSExtValue());
    ints(values);
  } else if (auto e = dyn_cast<DenseFPElementsAttr>(attr)) {
    SmallVector<double> values;
    for (const APFloat &v : e.getValues<APFloat>())
      values.push_back(v.convertToDouble());
    floats(values);
  } else if (auto a = dyn_cast<ArrayAttr>(attr);
             a && llvm::all_of(a, llvm::IsaPred<IntegerAttr>)) {
    SmallVector<int64_t> values;
    for (Attribute v : a)
      values.push_back(cast<IntegerAttr>(v).getValue().getSExtValue());
    ints(values);
  } else if (auto a = dyn_cast<ArrayAttr>(attr);
             a && llvm::all_of(a, llvm::IsaPred<FloatAttr>)) {
    SmallVector<double> values;
    for (Attribute v : a)
      values.push_back(cast<FloatAttr>(v).getValueAsDouble());
    floats(values);
  } else {
    return op->emitOpError() << "attribute '" << name << "' (" << attr
                             << ") cannot be passed to a plugin: only "
                                "integers, floats, strings, types and lists "
                                "of integers or floats can";
  }
  os << "\n";
  return success();
}

/// The node name of an op imported from a model: the innermost NameLoc.
std::string nodeName(Location loc) {
  std::string name;
  loc->walk([&](Location l) {
    if (auto n = dyn_cast<NameLoc>(l)) {
      name = n.getName().str();
      return WalkResult::interrupt();
    }
    return WalkResult::advance();
  });
  return name;
}

/// The call-site descriptor of `op`, or failure after an error.
FailureOr<std::string> serializeCallSite(qnn::CustomOp op) {
  std::string out;
  llvm::raw_string_ostream os(out);
  os << "qmlir.custom.v1\nop ";
  writeString(os, op.getOpName());
  os << "\nnode ";
  writeString(os, nodeName(op.getLoc()));
  os << "\n";
  auto tensor = [&](StringRef kind, unsigned i, Type type) -> LogicalResult {
    auto t = cast<RankedTensorType>(type);
    StringRef dtype = dtypeName(t.getElementType());
    if (dtype.empty())
      return op.emitOpError()
             << kind << " #" << i << " has element type " << t.getElementType()
             << ", which cannot be passed to a plugin (float or signless "
                "integer tensors only; dequantize quantized values first)";
    if (!t.hasStaticShape())
      return op.emitOpError()
             << kind << " #" << i << " must have a static shape";
    os << (kind == "operand" ? "in " : "out ") << dtype << " " << t.getRank();
    for (int64_t d : t.getShape())
      os << " " << d;
    os << "\n";
    return success();
  };
  for (auto [i, t] : llvm::enumerate(op.getInputs().getTypes()))
    if (failed(tensor("operand", i, t)))
      return failure();
  for (auto [i, t] : llvm::enumerate(op.getOutputs().getTypes()))
    if (failed(tensor("result", i, t)))
      return failure();
  for (NamedAttribute a : op.getOpAttrs())
    if (failed(writeAttr(op, os, a.getName(), a.getValue())))
      return failure();
  os << "end\n";
  return out;
}

MemRefType bufferType(Type tensorType) {
  auto t = cast<RankedTensorType>(tensorType);
  return MemRefType::get(t.getShape(), t.getElementType());
}

struct QNNCustomToCallPass
    : qmlir::impl::QNNCustomToCallPassBase<QNNCustomToCallPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    MLIRContext *ctx = &getContext();
    SmallVector<qnn::CustomOp> customOps;
    module.walk([&](qnn::CustomOp op) { customOps.push_back(op); });
    if (customOps.empty())
      return;

    SymbolTable symbols(module);
    OpBuilder moduleBuilder(ctx);
    moduleBuilder.setInsertionPointToStart(module.getBody());
    bool failedAny = false;
    for (auto [index, op] : llvm::enumerate(customOps)) {
      FailureOr<std::string> site = serializeCallSite(op);
      if (failed(site)) {
        failedAny = true;
        continue;
      }
      Location loc = op.getLoc();

      // The descriptor as a constant i8 buffer.
      auto metaType =
          MemRefType::get({int64_t(site->size())}, IntegerType::get(ctx, 8));
      auto bytes = ArrayRef<char>(site->data(), site->size());
      auto init = DenseElementsAttr::get(
          RankedTensorType::get(metaType.getShape(), metaType.getElementType()),
          ArrayRef<int8_t>(reinterpret_cast<const int8_t *>(bytes.data()),
                           bytes.size()));
      auto global = memref::GlobalOp::create(
          moduleBuilder, loc, "__qmlir_custom_meta_" + std::to_string(index),
          moduleBuilder.getStringAttr("private"), metaType, init,
          /*constant=*/true, /*alignment=*/nullptr);
      // The same text, readable, for whoever reads the IR.
      global->setAttr("qnn.call_site", moduleBuilder.getStringAttr(*site));
      symbols.insert(global);

      // One external declaration per call site: their memref types differ.
      SmallVector<Type> argTypes = {metaType};
      for (Type t : op.getInputs().getTypes())
        argTypes.push_back(bufferType(t));
      for (Type t : op.getOutputs().getTypes())
        argTypes.push_back(bufferType(t));
      auto callee = func::FuncOp::create(
          moduleBuilder, loc, "qmlir_custom_call_" + std::to_string(index),
          FunctionType::get(ctx, argTypes, {}));
      callee.setPrivate();
      callee->setAttr(LLVM::LLVMDialect::getEmitCWrapperAttrName(),
                      UnitAttr::get(ctx));
      symbols.insert(callee);

      OpBuilder b(op);
      SmallVector<Value> args = {
          memref::GetGlobalOp::create(b, loc, metaType, global.getSymName())};
      for (Value in : op.getInputs())
        args.push_back(bufferization::ToBufferOp::create(
            b, loc, bufferType(in.getType()), in, b.getUnitAttr()));
      SmallVector<Value> outBuffers;
      for (Type t : op.getOutputs().getTypes()) {
        outBuffers.push_back(memref::AllocOp::create(b, loc, bufferType(t)));
        args.push_back(outBuffers.back());
      }
      func::CallOp::create(b, loc, callee, args);
      SmallVector<Value> results;
      for (auto [buffer, t] :
           llvm::zip_equal(outBuffers, op.getOutputs().getTypes()))
        results.push_back(bufferization::ToTensorOp::create(
            b, loc, t, buffer, b.getUnitAttr(), b.getUnitAttr()));
      op.replaceAllUsesWith(results);
      op.erase();
    }
    if (failedAny)
      signalPassFailure();
  }
};

} // namespace
