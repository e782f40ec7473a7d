//===- QDQExport.cpp - quantized qnn module to an ONNX QDQ model ----------===//
//
// The graph, values and layouts of the export (QDQExporter.h) and its entry
// point. A quantized result is the float result of the ONNX op followed by
// QuantizeLinear and DequantizeLinear with the result type's parameters;
// quantized constants (weights, biases) are integer initializers read
// through DequantizeLinear. libonnx and protobuf throw; everything is caught
// in exportONNXQDQ.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Export/ONNX/QDQExport.h"

#include "QDQExporter.h"

#include "qmlir/Dialect/QNN/Transforms/TensorNames.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/Endian.h"

#include <onnx/checker.h>
#include <onnx/defs/attr_proto_util.h>
#include <onnx/defs/printer.h>
#include <onnx/defs/schema.h>
#include <onnx/shape_inference/implementation.h>

#include <exception>
#include <sstream>

using namespace mlir;
using namespace qmlir;
using namespace qmlir::onnx_export;

Perm qmlir::onnx_export::identity(int64_t rank) {
  Perm p;
  for (int64_t i = 0; i < rank; ++i)
    p.push_back(i);
  return p;
}

Perm qmlir::onnx_export::inverse(ArrayRef<int64_t> perm) {
  Perm inv(perm.size());
  for (auto [i, p] : llvm::enumerate(perm))
    inv[p] = static_cast<int64_t>(i);
  return inv;
}

SmallVector<int64_t> qmlir::onnx_export::permuted(ArrayRef<int64_t> shape,
                                                  ArrayRef<int64_t> perm) {
  SmallVector<int64_t> out;
  for (int64_t p : perm)
    out.push_back(shape[p]);
  return out;
}

/// Whether `transpose(x, perm)` has the row-major data of x (only unit
/// dimensions move), so a Reshape can stand for the Transpose.
bool qmlir::onnx_export::sameRowMajorData(ArrayRef<int64_t> shape,
                                          ArrayRef<int64_t> perm) {
  int64_t last = -1;
  for (int64_t p : perm) {
    if (shape[p] == 1)
      continue;
    if (p < last)
      return false;
    last = p;
  }
  return true;
}

namespace {
/// Host transpose: out dimension i is in dimension perm[i].
template <typename T>
std::vector<T> transposeData(const std::vector<T> &in, ArrayRef<int64_t> shape,
                             ArrayRef<int64_t> perm) {
  int64_t rank = shape.size();
  SmallVector<int64_t> inStrides(rank, 1);
  for (int64_t i = rank - 2; i >= 0; --i)
    inStrides[i] = inStrides[i + 1] * shape[i + 1];
  SmallVector<int64_t> outShape = permuted(shape, perm);
  std::vector<T> out(in.size());
  SmallVector<int64_t> index(rank, 0);
  for (size_t flat = 0; flat < out.size(); ++flat) {
    int64_t src = 0;
    for (int64_t i = 0; i < rank; ++i)
      src += index[i] * inStrides[perm[i]];
    out[flat] = in[src];
    for (int64_t i = rank - 1; i >= 0; --i) {
      if (++index[i] < outShape[i])
        break;
      index[i] = 0;
    }
  }
  return out;
}

} // namespace

//===----------------------------------------------------------------------===//
// Graph building helpers
//===----------------------------------------------------------------------===//

std::string QDQExporter::uniqueTensor(StringRef base) {
  std::string name = base.str();
  for (int i = 1; !tensorNames.insert(name).second; ++i)
    name = (base + "_" + Twine(i)).str();
  return name;
}

std::string QDQExporter::uniqueNode(StringRef base) {
  std::string name = base.str();
  for (int i = 1; !nodeNames.insert(name).second; ++i)
    name = (base + "_" + Twine(i)).str();
  return name;
}

onnx::NodeProto &QDQExporter::addNode(StringRef opType, StringRef nodeName,
                                      ArrayRef<std::string> inputs,
                                      ArrayRef<std::string> outputs) {
  onnx::NodeProto &node = *graph().add_node();
  node.set_op_type(opType.str());
  node.set_name(uniqueNode(nodeName));
  for (const std::string &in : inputs)
    node.add_input(in);
  for (const std::string &out : outputs)
    node.add_output(out);
  return node;
}

/// Little-endian bytes of `data` as `T` (ONNX raw_data).
template <typename T, typename U>
static std::string rawBytes(ArrayRef<U> data) {
  std::string bytes(data.size() * sizeof(T), '\0');
  for (auto [i, v] : llvm::enumerate(data)) {
    T t = static_cast<T>(v);
    llvm::support::endian::write<T, llvm::endianness::little>(
        bytes.data() + i * sizeof(T), t);
  }
  return bytes;
}

std::string QDQExporter::floatInit(StringRef base, ArrayRef<float> data,
                                   ArrayRef<int64_t> shape) {
  onnx::TensorProto &t = *graph().add_initializer();
  t.set_name(uniqueTensor(base));
  t.set_data_type(onnx::TensorProto::FLOAT);
  for (int64_t d : shape)
    t.add_dims(d);
  t.set_raw_data(rawBytes<float>(data));
  return t.name();
}

std::string QDQExporter::intInit(StringRef base, int32_t dataType,
                                 ArrayRef<int64_t> data,
                                 ArrayRef<int64_t> shape) {
  onnx::TensorProto &t = *graph().add_initializer();
  t.set_name(uniqueTensor(base));
  t.set_data_type(dataType);
  for (int64_t d : shape)
    t.add_dims(d);
  switch (dataType) {
  case onnx::TensorProto::INT8:
    t.set_raw_data(rawBytes<int8_t>(data));
    break;
  case onnx::TensorProto::UINT8:
    t.set_raw_data(rawBytes<uint8_t>(data));
    break;
  case onnx::TensorProto::INT32:
    t.set_raw_data(rawBytes<int32_t>(data));
    break;
  default:
    t.set_raw_data(rawBytes<int64_t>(data));
    break;
  }
  return t.name();
}

InFlightDiagnostic QDQExporter::error(Operation *op) {
  return op->emitError() << "ONNX QDQ export: ";
}

FailureOr<int32_t> QDQExporter::storageType(quant::QuantizedType qtype,
                                            Operation *op, bool allow32) {
  unsigned width = qtype.getStorageTypeIntegralWidth();
  if (width == 8)
    return qtype.isSigned() ? onnx::TensorProto::INT8
                            : onnx::TensorProto::UINT8;
  if (width == 32 && allow32 && qtype.isSigned())
    return onnx::TensorProto::INT32;
  return error(op) << "'" << qnn::layerName(op) << "' has a tensor of type "
                   << qtype << "; opset " << kOpset
                   << " QuantizeLinear/DequantizeLinear hold only 8-bit "
                      "storage (and int32 biases)";
}

LogicalResult QDQExporter::quantParams(quant::QuantizedType qtype,
                                       ArrayRef<int64_t> perm, StringRef base,
                                       Operation *op, bool allow32,
                                       std::string &scale,
                                       std::string &zeroPoint,
                                       std::optional<int64_t> &axis) {
  FailureOr<int32_t> storage = storageType(qtype, op, allow32);
  if (failed(storage))
    return failure();
  if (auto uniform = dyn_cast<quant::UniformQuantizedType>(qtype)) {
    scale = floatInit((base + "_scale").str(),
                      {static_cast<float>(uniform.getScale())}, {});
    zeroPoint = intInit((base + "_zero_point").str(), *storage,
                        {uniform.getZeroPoint()}, {});
    return success();
  }
  auto perAxis = dyn_cast<quant::UniformQuantizedPerAxisType>(qtype);
  if (!perAxis)
    return error(op) << "unsupported quantized type " << qtype;
  std::vector<float> scales;
  for (double s : perAxis.getScales())
    scales.push_back(static_cast<float>(s));
  SmallVector<int64_t> zps(perAxis.getZeroPoints());
  int64_t n = scales.size();
  scale = floatInit((base + "_scale").str(), scales, {n});
  zeroPoint = intInit((base + "_zero_point").str(), *storage, zps, {n});
  axis = inverse(perm)[perAxis.getQuantizedDimension()];
  return success();
}

//===----------------------------------------------------------------------===//
// Values and layouts
//===----------------------------------------------------------------------===//

std::optional<HostConst> QDQExporter::constant(Value v) {
  HostConst c;
  Value storage = v;
  if (auto scast = v.getDefiningOp<quant::StorageCastOp>()) {
    c.qtype = dyn_cast<quant::QuantizedType>(
        getElementTypeOrSelf(scast.getResult().getType()));
    if (!c.qtype)
      return std::nullopt;
    storage = scast.getInput();
  }
  auto cst = storage.getDefiningOp<arith::ConstantOp>();
  if (!cst)
    return std::nullopt;
  auto attr = dyn_cast<DenseElementsAttr>(cst.getValue());
  if (!attr)
    return std::nullopt;
  c.shape = llvm::to_vector(attr.getType().getShape());
  Type elem = attr.getElementType();
  if (c.qtype && isa<IntegerType>(elem)) {
    for (const APInt &i : attr.getValues<APInt>())
      c.ints.push_back(c.qtype.isSigned()
                           ? i.getSExtValue()
                           : static_cast<int64_t>(i.getZExtValue()));
    return c;
  }
  if (!c.qtype && isa<FloatType>(elem)) {
    for (const APFloat &f : attr.getValues<APFloat>()) {
      APFloat single = f;
      bool lost;
      single.convert(APFloat::IEEEsingle(), APFloat::rmNearestTiesToEven,
                     &lost);
      c.floats.push_back(single.convertToFloat());
    }
    return c;
  }
  return std::nullopt;
}

Perm QDQExporter::primaryPerm(Value v) {
  auto it = values.find(v);
  if (it != values.end())
    return it->second.reps.front().perm;
  return identity(cast<RankedTensorType>(v.getType()).getRank());
}

std::string QDQExporter::get(Value v, ArrayRef<int64_t> perm, Operation *user,
                             std::optional<unsigned> operandIndex) {
  auto type = cast<RankedTensorType>(v.getType());
  int64_t rank = type.getRank();
  if (std::optional<HostConst> c = constant(v)) {
    auto key = std::make_pair(v.getAsOpaquePointer(), Perm(perm));
    auto found = constants.find(key);
    if (found != constants.end())
      return found->second;
    if (static_cast<int64_t>(perm.size()) < rank) {
      error(user) << "operand of rank " << rank << " used at rank "
                  << perm.size();
      return "";
    }
    // Leading unit dimensions up to the rank the user needs (broadcasting).
    int64_t lead = perm.size() - rank;
    SmallVector<int64_t> shape(lead, 1);
    shape.append(c->shape);
    SmallVector<int64_t> onnxShape = permuted(shape, perm);
    // Weights and biases are named as encodings name them (the initializer's
    // name when they still are one); other constants after their user.
    // A constant that a qnn.dequantize reads (an imported QDQ model) is
    // named like that op, the weight's name in the model it came from.
    std::string base = operandIndex ? qnn::parameterName(user, *operandIndex)
                       : isa<qnn::DequantizeOp>(user)
                           ? qnn::layerName(user)
                           : qnn::layerName(user) + ".const";
    std::string name;
    if (c->qtype) {
      // The quantized dimension moves with the leading unit dimensions.
      std::string scale, zp;
      std::optional<int64_t> axis;
      quant::QuantizedType qtype = c->qtype;
      if (auto perAxis = dyn_cast<quant::UniformQuantizedPerAxisType>(qtype))
        qtype = quant::UniformQuantizedPerAxisType::get(
            perAxis.getFlags(), perAxis.getStorageType(),
            perAxis.getExpressedType(), perAxis.getScales(),
            perAxis.getZeroPoints(), perAxis.getQuantizedDimension() + lead,
            perAxis.getStorageTypeMin(), perAxis.getStorageTypeMax());
      FailureOr<int32_t> storage = storageType(qtype, user, /*allow32=*/true);
      if (failed(storage) ||
          failed(quantParams(qtype, perm, base, user, true, scale, zp, axis)))
        return "";
      std::string data =
          intInit(base + "_quantized", *storage,
                  transposeData(c->ints, shape, perm), onnxShape);
      name = uniqueTensor(base);
      // The node is named like its output, the weight's name, so that an
      // importer locates the dequantized weight at it (node and tensor names
      // are separate namespaces in ONNX).
      onnx::NodeProto &dq =
          addNode("DequantizeLinear", name, {data, scale, zp}, {name});
      if (axis)
        *dq.add_attribute() = onnx::MakeAttribute("axis", *axis);
    } else {
      name = floatInit(base, transposeData(c->floats, shape, perm), onnxShape);
    }
    constants[key] = name;
    return name;
  }

  auto it = values.find(v);
  if (it == values.end()) {
    error(user) << "operand is not defined by an exported op";
    return "";
  }
  if (static_cast<int64_t>(perm.size()) != rank) {
    error(user) << "operand of rank " << rank << " used at rank "
                << perm.size();
    return "";
  }
  ValueReps &reps = it->second;
  for (const Rep &r : reps.reps)
    if (ArrayRef<int64_t>(r.perm) == perm)
      return r.name;

  ArrayRef<int64_t> shape = type.getShape();
  SmallVector<int64_t> target = permuted(shape, perm);
  std::string name;
  if (sameRowMajorData(shape, perm)) {
    if (!reps.rowMajor.empty() &&
        ArrayRef<int64_t>(reps.rowMajorShape) == ArrayRef<int64_t>(target)) {
      // The tensor a qnn reshape came from already has this shape.
      name = reps.rowMajor;
    } else {
      // Reshape any tensor holding the value's row-major data.
      std::string source = reps.rowMajor;
      for (const Rep &r : reps.reps)
        if (sameRowMajorData(shape, r.perm)) {
          source = r.name;
          break;
        }
      if (!source.empty()) {
        std::string shapeName =
            intInit(source + "_shape", onnx::TensorProto::INT64, target,
                    {static_cast<int64_t>(target.size())});
        name = uniqueTensor(source + "_reshaped");
        addNode("Reshape", source + "_Reshape", {source, shapeName}, {name});
      }
    }
  }
  if (name.empty()) {
    const Rep &from = reps.reps.front();
    Perm inv = inverse(from.perm);
    SmallVector<int64_t> onnxPerm;
    for (int64_t p : perm)
      onnxPerm.push_back(inv[p]);
    name = uniqueTensor(from.name + "_transposed");
    onnx::NodeProto &node =
        addNode("Transpose", from.name + "_Transpose", {from.name}, {name});
    *node.add_attribute() = onnx::MakeAttribute(
        "perm", std::vector<int64_t>(onnxPerm.begin(), onnxPerm.end()));
  }
  reps.reps.push_back({name, Perm(perm)});
  return name;
}

LogicalResult QDQExporter::define(Value v, const std::string &name, Perm perm,
                                  StringRef nodeBase, Operation *op) {
  auto qtype =
      dyn_cast<quant::QuantizedType>(getElementTypeOrSelf(v.getType()));
  if (!qtype) {
    values[v].reps.assign({Rep{name, perm}});
    return success();
  }
  std::string scale, zp;
  std::optional<int64_t> axis;
  if (failed(quantParams(qtype, perm, name, op, /*allow32=*/false, scale, zp,
                         axis)))
    return failure();
  std::string q = uniqueTensor(name + "_quantized");
  std::string dq = uniqueTensor(name + "_dequantized");
  onnx::NodeProto &qNode =
      addNode("QuantizeLinear", nodeBase.str() + "_QuantizeLinear",
              {name, scale, zp}, {q});
  onnx::NodeProto &dqNode =
      addNode("DequantizeLinear", nodeBase.str() + "_DequantizeLinear",
              {q, scale, zp}, {dq});
  if (axis) {
    *qNode.add_attribute() = onnx::MakeAttribute("axis", *axis);
    *dqNode.add_attribute() = onnx::MakeAttribute("axis", *axis);
  }
  // QuantizeLinear saturates to the full 8-bit range; a narrower storage
  // range (sub-8-bit or symmetric activations) is a Clip of the
  // dequantized values at its ends, which are exact in float.
  int64_t fullMin = qtype.isSigned() ? -128 : 0;
  int64_t fullMax = qtype.isSigned() ? 127 : 255;
  if (qtype.getStorageTypeMin() != fullMin ||
      qtype.getStorageTypeMax() != fullMax) {
    auto uniform = dyn_cast<quant::UniformQuantizedType>(qtype);
    if (!uniform)
      return error(op) << "'" << qnn::layerName(op)
                       << "': per-axis tensors with a narrow storage range ("
                       << qtype << ") have no ONNX QDQ form";
    float s = static_cast<float>(uniform.getScale());
    float lo =
        static_cast<float>(qtype.getStorageTypeMin() - uniform.getZeroPoint()) *
        s;
    float hi =
        static_cast<float>(qtype.getStorageTypeMax() - uniform.getZeroPoint()) *
        s;
    std::string clipped = uniqueTensor(name + "_narrow");
    addNode("Clip", nodeBase.str() + "_NarrowRange",
            {dq, floatInit(name + "_narrow_min", {lo}, {}),
             floatInit(name + "_narrow_max", {hi}, {})},
            {clipped});
    dq = clipped;
  }
  ValueReps &reps = values[v];
  reps.reps.assign({Rep{dq, perm}});
  reps.storage = q;
  reps.storagePerm = perm;
  return success();
}

LogicalResult QDQExporter::run() {
  model.set_ir_version(8);
  model.set_producer_name("qmlir");
  onnx::OperatorSetIdProto &opset = *model.add_opset_import();
  opset.set_domain("");
  opset.set_version(kOpset);
  graph().set_name(func.getSymName().str());

  // Model input and output names are reserved first.
  for (unsigned i = 0; i < func.getNumArguments(); ++i)
    tensorNames.insert(qnn::argumentName(func, i));
  for (unsigned i = 0; i < func.getNumResults(); ++i)
    if (auto attr = func.getResultAttrOfType<StringAttr>(i, "qnn.name"))
      tensorNames.insert(attr.str());

  for (BlockArgument arg : func.getArguments()) {
    auto type = dyn_cast<RankedTensorType>(arg.getType());
    if (!type || !isa<FloatType>(type.getElementType()) ||
        !type.hasStaticShape())
      return error(func) << "argument " << arg.getArgNumber() << " has type "
                         << arg.getType()
                         << "; ONNX QDQ models have static float inputs";
    std::string name = qnn::argumentName(func, arg.getArgNumber());
    onnx::ValueInfoProto &vi = *graph().add_input();
    vi.set_name(name);
    onnx::TypeProto_Tensor &tt = *vi.mutable_type()->mutable_tensor_type();
    tt.set_elem_type(onnx::TensorProto::FLOAT);
    for (int64_t d : type.getShape())
      tt.mutable_shape()->add_dim()->set_dim_value(d);
    values[arg].reps.assign({Rep{name, identity(type.getRank())}});
  }
  for (Operation &op : func.getBody().front())
    if (failed(exportOp(&op)))
      return failure();
  pruneDeadNodes();
  return success();
}

//===----------------------------------------------------------------------===//
// Entry point
//===----------------------------------------------------------------------===//

LogicalResult qmlir::exportONNXQDQ(ModuleOp module, llvm::raw_ostream &os,
                                   const ONNXQDQExportOptions &options) {
  SmallVector<func::FuncOp> funcs;
  for (auto f : module.getOps<func::FuncOp>())
    if (!f.isExternal())
      funcs.push_back(f);
  if (funcs.size() != 1)
    return module.emitError()
           << "ONNX QDQ export: expected one function with a body, found "
           << funcs.size();
  func::FuncOp func = funcs.front();
  if (!llvm::hasSingleElement(func.getBody()))
    return func.emitError() << "ONNX QDQ export: expected a single block";
  try {
    QDQExporter exporter(func);
    if (failed(exporter.run()))
      return failure();
    // The export must be a model every ONNX tool accepts: checked, and its
    // shapes inferable with strict shape inference.
    try {
      onnx::checker::check_model(exporter.model);
      onnx::ModelProto inferred = exporter.model;
      onnx::shape_inference::InferShapes(
          inferred, onnx::OpSchemaRegistry::Instance(),
          onnx::ShapeInferenceOptions{true, 1, false});
    } catch (const std::exception &e) {
      return func.emitError()
             << "ONNX QDQ export: the exported model fails ONNX validation: "
             << e.what();
    }
    if (options.text) {
      std::ostringstream text;
      text << "<ir_version: " << exporter.model.ir_version()
           << ", opset_import: [\"\" : " << kOpset << "], producer_name: \""
           << exporter.model.producer_name() << "\">\n";
      // Initializer data would drown the graph; names and types are kept
      // in the signature the printer writes.
      onnx::GraphProto graph = exporter.model.graph();
      for (onnx::TensorProto &t : *graph.mutable_initializer()) {
        t.clear_raw_data();
      }
      text << graph << "\n";
      os << text.str();
      return success();
    }
    std::string bytes;
    if (!exporter.model.SerializeToString(&bytes))
      return func.emitError() << "ONNX QDQ export: serialization failed";
    os << bytes;
    return success();
  } catch (const std::exception &e) {
    return func.emitError() << "ONNX QDQ export: " << e.what();
  }
}
