//===- QDQExport.cpp - quantized qnn module to an ONNX QDQ model ----------===//
//
// Walks the function once, in order. Every qnn value maps to one or more
// ONNX tensors holding it in some dimension order (qnn is NHWC inside, ONNX
// NCHW), so qnn transposes cost nothing and ONNX Transpose/Reshape nodes are
// only created where an ONNX op needs another order. A quantized result is
// the float result of the ONNX op followed by QuantizeLinear and
// DequantizeLinear with the result type's parameters; quantized constants
// (weights, biases) are integer initializers read through DequantizeLinear.
// libonnx and protobuf throw; everything is caught in exportONNXQDQ.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Export/ONNX/QDQExport.h"

#include "qmlir/Dialect/QNN/IR/QNNOps.h"
#include "qmlir/Dialect/QNN/Transforms/TensorNames.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/Endian.h"

#include <onnx/checker.h>
#include <onnx/defs/attr_proto_util.h>
#include <onnx/defs/printer.h>
#include <onnx/defs/schema.h>
#include <onnx/onnx_pb.h>
#include <onnx/shape_inference/implementation.h>

#include <exception>
#include <sstream>

using namespace mlir;
using namespace qmlir;

/// The opset the export targets: the first with per-axis QuantizeLinear and
/// DequantizeLinear, and the one qmlir's importer implements.
static constexpr int64_t kOpset = 13;

namespace {
using Perm = SmallVector<int64_t, 4>;

/// ONNX tensor `name` holds `transpose(value, perm)`: its dimension i is the
/// value's dimension perm[i].
struct Rep {
  std::string name;
  Perm perm;
};

/// The ONNX tensors that hold one qnn value.
struct ValueReps {
  /// The first is where the value was defined; others were derived from it.
  SmallVector<Rep, 2> reps;
  /// A tensor with the value's row-major data in another shape (the input
  /// of the Reshape that defined the value), or empty.
  std::string rowMajor;
  SmallVector<int64_t> rowMajorShape;
};

/// A constant operand: integer storage values of a quantized constant, or
/// float values.
struct HostConst {
  SmallVector<int64_t> shape;
  std::vector<int64_t> ints;
  std::vector<float> floats;
  /// Set for `quant.scast` of an integer constant.
  quant::QuantizedType qtype;
};

Perm identity(int64_t rank) {
  Perm p;
  for (int64_t i = 0; i < rank; ++i)
    p.push_back(i);
  return p;
}

Perm inverse(ArrayRef<int64_t> perm) {
  Perm inv(perm.size());
  for (auto [i, p] : llvm::enumerate(perm))
    inv[p] = static_cast<int64_t>(i);
  return inv;
}

SmallVector<int64_t> permuted(ArrayRef<int64_t> shape, ArrayRef<int64_t> perm) {
  SmallVector<int64_t> out;
  for (int64_t p : perm)
    out.push_back(shape[p]);
  return out;
}

/// Whether `transpose(x, perm)` has the row-major data of x (only unit
/// dimensions move), so a Reshape can stand for the Transpose.
bool sameRowMajorData(ArrayRef<int64_t> shape, ArrayRef<int64_t> perm) {
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

/// Host transpose: out dimension i is in dimension perm[i].
template <typename T>
std::vector<T> transposeData(const std::vector<T> &in,
                             ArrayRef<int64_t> shape, ArrayRef<int64_t> perm) {
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

class QDQExporter {
public:
  explicit QDQExporter(func::FuncOp func) : func(func) {}

  LogicalResult run();
  onnx::ModelProto model;

private:
  onnx::GraphProto &graph() { return *model.mutable_graph(); }
  std::string uniqueTensor(StringRef base);
  std::string uniqueNode(StringRef base);
  onnx::NodeProto &addNode(StringRef opType, StringRef nodeName,
                           ArrayRef<std::string> inputs,
                           ArrayRef<std::string> outputs);
  std::string floatInit(StringRef base, ArrayRef<float> data,
                        ArrayRef<int64_t> shape);
  std::string intInit(StringRef base, int32_t dataType,
                      ArrayRef<int64_t> data, ArrayRef<int64_t> shape);

  InFlightDiagnostic error(Operation *op);
  /// The ONNX element type of quantized storage, or failure with an error.
  FailureOr<int32_t> storageType(quant::QuantizedType qtype, Operation *op,
                                 bool allow32);
  /// Scale and zero point initializers (and the per-axis ONNX axis) for
  /// `qtype` held in an ONNX tensor of dimension order `perm`.
  LogicalResult quantParams(quant::QuantizedType qtype, ArrayRef<int64_t> perm,
                            StringRef base, Operation *op, bool allow32,
                            std::string &scale, std::string &zeroPoint,
                            std::optional<int64_t> &axis);

  /// The constant behind `v`, or nullopt.
  std::optional<HostConst> constant(Value v);
  /// `v` as an ONNX tensor in dimension order `perm`, creating Transpose or
  /// Reshape nodes (or initializers, for constants) as needed. A constant of
  /// lower rank than `perm` first gets leading unit dimensions (numpy
  /// broadcasting). Empty after an error at `user`.
  std::string get(Value v, ArrayRef<int64_t> perm, Operation *user,
                  std::optional<unsigned> operandIndex = std::nullopt);
  /// The dimension order `v` was defined in.
  Perm primaryPerm(Value v);
  /// Records that ONNX tensor `name` holds the float result `v` in order
  /// `perm`, quantizing and dequantizing it when `v` is quantized.
  LogicalResult define(Value v, const std::string &name, Perm perm,
                       StringRef nodeBase, Operation *op);

  LogicalResult exportOp(Operation *op);
  LogicalResult exportConv(qnn::Conv2dOp op);
  LogicalResult exportDense(qnn::DenseOp op);
  LogicalResult exportElementwise(Operation *op, StringRef opType);
  LogicalResult exportPool(Operation *op);
  LogicalResult exportOutputs(func::ReturnOp ret);
  void pruneDeadNodes();

  func::FuncOp func;
  DenseMap<Value, ValueReps> values;
  /// Constants already materialized, by (value, dimension order).
  std::map<std::pair<void *, Perm>, std::string> constants;
  llvm::StringSet<> tensorNames;
  llvm::StringSet<> nodeNames;
};
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
      c.ints.push_back(c.qtype.isSigned() ? i.getSExtValue()
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
    std::string base = operandIndex
                           ? qnn::parameterName(user, *operandIndex)
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
      onnx::NodeProto &dq = addNode("DequantizeLinear", base + "_DequantizeLinear",
                                    {data, scale, zp}, {name});
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
    float lo = static_cast<float>(qtype.getStorageTypeMin() -
                                  uniform.getZeroPoint()) *
               s;
    float hi = static_cast<float>(qtype.getStorageTypeMax() -
                                  uniform.getZeroPoint()) *
               s;
    std::string clipped = uniqueTensor(name + "_narrow");
    addNode("Clip", nodeBase.str() + "_NarrowRange",
            {dq, floatInit(name + "_narrow_min", {lo}, {}),
             floatInit(name + "_narrow_max", {hi}, {})},
            {clipped});
    dq = clipped;
  }
  values[v].reps.assign({Rep{dq, perm}});
  return success();
}

//===----------------------------------------------------------------------===//
// Ops
//===----------------------------------------------------------------------===//

/// qnn pads [top, bottom, left, right]; ONNX [top, left, bottom, right].
static std::vector<int64_t> onnxPads(ArrayRef<int64_t> qnnPads) {
  return {qnnPads[0], qnnPads[2], qnnPads[1], qnnPads[3]};
}

static std::vector<int64_t> vec(ArrayRef<int64_t> a) {
  return std::vector<int64_t>(a.begin(), a.end());
}

static constexpr int64_t kNCHW[] = {0, 3, 1, 2};
static Perm nchw() { return Perm(std::begin(kNCHW), std::end(kNCHW)); }

LogicalResult QDQExporter::exportConv(qnn::Conv2dOp op) {
  std::string layer = qnn::layerName(op);
  std::string x = get(op.getInput(), kNCHW, op);
  if (x.empty())
    return failure();
  // OHWI -> OIHW.
  std::string w = get(op.getWeight(), kNCHW, op, 1);
  if (w.empty())
    return failure();
  SmallVector<std::string> inputs = {x, w};
  if (op.getBias()) {
    std::string b = get(op.getBias(), {0}, op, 2);
    if (b.empty())
      return failure();
    inputs.push_back(b);
  }
  std::string out = uniqueTensor(qnn::resultName(op->getResult(0)));
  onnx::NodeProto &node = addNode("Conv", layer, inputs, {out});
  ArrayRef<int64_t> wShape = op.getWeight().getType().getShape();
  *node.add_attribute() =
      onnx::MakeAttribute("kernel_shape", std::vector<int64_t>{wShape[1], wShape[2]});
  *node.add_attribute() = onnx::MakeAttribute("strides", vec(op.getStrides()));
  *node.add_attribute() =
      onnx::MakeAttribute("pads", onnxPads(op.getPadding()));
  *node.add_attribute() =
      onnx::MakeAttribute("dilations", vec(op.getDilations()));
  *node.add_attribute() =
      onnx::MakeAttribute("group", static_cast<int64_t>(op.getGroups()));
  return define(op.getOutput(), out, nchw(), layer, op);
}

LogicalResult QDQExporter::exportDense(qnn::DenseOp op) {
  std::string layer = qnn::layerName(op);
  int64_t rank = op.getInput().getType().getRank();
  std::string x = get(op.getInput(), identity(rank), op);
  if (x.empty())
    return failure();
  std::string out = uniqueTensor(qnn::resultName(op->getResult(0)));
  if (rank == 2) {
    std::string w = get(op.getWeight(), {0, 1}, op, 1);
    if (w.empty())
      return failure();
    SmallVector<std::string> inputs = {x, w};
    if (op.getBias()) {
      std::string b = get(op.getBias(), {0}, op, 2);
      if (b.empty())
        return failure();
      inputs.push_back(b);
    }
    onnx::NodeProto &node = addNode("Gemm", layer, inputs, {out});
    *node.add_attribute() = onnx::MakeAttribute("transB", int64_t(1));
    return define(op.getOutput(), out, identity(rank), layer, op);
  }
  // Other ranks: MatMul with the weight transposed to [K, M], then the bias.
  std::string w = get(op.getWeight(), {1, 0}, op, 1);
  if (w.empty())
    return failure();
  if (!op.getBias()) {
    addNode("MatMul", layer, {x, w}, {out});
    return define(op.getOutput(), out, identity(rank), layer, op);
  }
  std::string product = uniqueTensor(out + "_matmul");
  addNode("MatMul", layer + "_MatMul", {x, w}, {product});
  std::string b = get(op.getBias(), {0}, op, 2);
  if (b.empty())
    return failure();
  addNode("Add", layer, {product, b}, {out});
  return define(op.getOutput(), out, identity(rank), layer, op);
}

/// Ops computed element by element (or along one axis), in any dimension
/// order: the operands' order is kept.
LogicalResult QDQExporter::exportElementwise(Operation *op, StringRef opType) {
  std::string layer = qnn::layerName(op);
  auto resultType = cast<RankedTensorType>(op->getResult(0).getType());
  int64_t rank = resultType.getRank();
  // The order of the first non-constant operand of full rank, when every
  // non-constant operand has full rank (then constants are permuted on the
  // host); otherwise the declared order, where ONNX broadcasting is qnn's.
  Perm perm = identity(rank);
  bool allFull = true;
  std::optional<Perm> first;
  for (Value operand : op->getOperands()) {
    if (constant(operand))
      continue;
    if (cast<RankedTensorType>(operand.getType()).getRank() != rank)
      allFull = false;
    else if (!first)
      first = primaryPerm(operand);
  }
  if (allFull && first)
    perm = *first;
  SmallVector<std::string> inputs;
  for (Value operand : op->getOperands()) {
    int64_t r = cast<RankedTensorType>(operand.getType()).getRank();
    std::string name;
    if (r == rank || constant(operand))
      name = get(operand, perm, op);
    else
      name = get(operand, identity(r), op);
    if (name.empty())
      return failure();
    inputs.push_back(name);
  }
  Perm inv = inverse(perm);
  std::string out = uniqueTensor(qnn::resultName(op->getResult(0)));
  if (auto clip = dyn_cast<qnn::ClipOp>(op)) {
    inputs.push_back(floatInit(out + "_min", {clip.getMin().convertToFloat()}, {}));
    inputs.push_back(floatInit(out + "_max", {clip.getMax().convertToFloat()}, {}));
  }
  if (auto pad = dyn_cast<qnn::PadOp>(op)) {
    // ONNX pads: all begins, then all ends, in ONNX dimension order.
    ArrayRef<int64_t> p = pad.getPadding();
    std::vector<int64_t> pads(2 * rank);
    for (int64_t i = 0; i < rank; ++i) {
      pads[i] = p[2 * perm[i]];
      pads[rank + i] = p[2 * perm[i] + 1];
    }
    inputs.push_back(intInit(out + "_pads", onnx::TensorProto::INT64, pads,
                             {2 * rank}));
    inputs.push_back(
        floatInit(out + "_value", {pad.getValue().convertToFloat()}, {}));
  }
  onnx::NodeProto &node = addNode(opType, layer, inputs, {out});
  if (auto softmax = dyn_cast<qnn::SoftmaxOp>(op)) {
    int64_t axis = softmax.getAxis();
    if (axis < 0)
      axis += rank;
    *node.add_attribute() = onnx::MakeAttribute("axis", inv[axis]);
  }
  if (auto concat = dyn_cast<qnn::ConcatOp>(op))
    *node.add_attribute() =
        onnx::MakeAttribute("axis", inv[static_cast<int64_t>(concat.getAxis())]);
  return define(op->getResult(0), out, perm, layer, op);
}

LogicalResult QDQExporter::exportPool(Operation *op) {
  std::string layer = qnn::layerName(op);
  std::string x = get(op->getOperand(0), kNCHW, op);
  if (x.empty())
    return failure();
  std::string out = uniqueTensor(qnn::resultName(op->getResult(0)));
  if (isa<qnn::GlobalAvgPoolOp>(op)) {
    addNode("GlobalAveragePool", layer, {x}, {out});
    return define(op->getResult(0), out, nchw(), layer, op);
  }
  if (auto max = dyn_cast<qnn::MaxPool2dOp>(op)) {
    onnx::NodeProto &node = addNode("MaxPool", layer, {x}, {out});
    *node.add_attribute() = onnx::MakeAttribute("kernel_shape", vec(max.getKernel()));
    *node.add_attribute() = onnx::MakeAttribute("strides", vec(max.getStrides()));
    *node.add_attribute() = onnx::MakeAttribute("pads", onnxPads(max.getPadding()));
    *node.add_attribute() = onnx::MakeAttribute("dilations", vec(max.getDilations()));
  } else {
    auto avg = cast<qnn::AvgPool2dOp>(op);
    onnx::NodeProto &node = addNode("AveragePool", layer, {x}, {out});
    *node.add_attribute() = onnx::MakeAttribute("kernel_shape", vec(avg.getKernel()));
    *node.add_attribute() = onnx::MakeAttribute("strides", vec(avg.getStrides()));
    *node.add_attribute() = onnx::MakeAttribute("pads", onnxPads(avg.getPadding()));
    *node.add_attribute() = onnx::MakeAttribute(
        "count_include_pad", static_cast<int64_t>(avg.getCountIncludePad()));
  }
  return define(op->getResult(0), out, nchw(), layer, op);
}

LogicalResult QDQExporter::exportOp(Operation *op) {
  // Constants are materialized where they are used, in the order needed.
  if (isa<arith::ConstantOp, quant::StorageCastOp>(op) &&
      llvm::all_of(op->getUsers(), [](Operation *user) {
        return !isa<func::ReturnOp>(user);
      }))
    return success();
  if (auto ret = dyn_cast<func::ReturnOp>(op))
    return exportOutputs(ret);
  if (auto conv = dyn_cast<qnn::Conv2dOp>(op))
    return exportConv(conv);
  if (auto dense = dyn_cast<qnn::DenseOp>(op))
    return exportDense(dense);
  if (isa<qnn::MaxPool2dOp, qnn::AvgPool2dOp, qnn::GlobalAvgPoolOp>(op))
    return exportPool(op);
  if (isa<qnn::ReluOp>(op))
    return exportElementwise(op, "Relu");
  if (isa<qnn::ClipOp>(op))
    return exportElementwise(op, "Clip");
  if (isa<qnn::AddOp>(op))
    return exportElementwise(op, "Add");
  if (isa<qnn::MulOp>(op))
    return exportElementwise(op, "Mul");
  if (isa<qnn::SoftmaxOp>(op))
    return exportElementwise(op, "Softmax");
  if (isa<qnn::ConcatOp>(op))
    return exportElementwise(op, "Concat");
  if (isa<qnn::PadOp>(op))
    return exportElementwise(op, "Pad");
  if (auto transpose = dyn_cast<qnn::TransposeOp>(op)) {
    // Free: the same ONNX tensors, another dimension order. Output dimension
    // j is input dimension p[j], so input dimension k is output pinv[k].
    auto it = values.find(transpose.getInput());
    if (it == values.end())
      return error(op) << "operand is not defined by an exported op";
    Perm inv = inverse(transpose.getPermutation());
    ValueReps reps;
    for (const Rep &r : it->second.reps) {
      Perm perm;
      for (int64_t q : r.perm)
        perm.push_back(inv[q]);
      reps.reps.push_back({r.name, perm});
    }
    values[transpose.getOutput()] = std::move(reps);
    return success();
  }
  if (auto reshape = dyn_cast<qnn::ReshapeOp>(op)) {
    Value in = reshape.getInput();
    auto inType = cast<RankedTensorType>(in.getType());
    int64_t inRank = inType.getRank();
    std::string x = get(in, identity(inRank), op);
    if (x.empty())
      return failure();
    ArrayRef<int64_t> shape = reshape.getOutput().getType().getShape();
    std::string shapeName =
        intInit(qnn::layerName(op) + "_shape", onnx::TensorProto::INT64,
                shape, {static_cast<int64_t>(shape.size())});
    std::string out = uniqueTensor(qnn::resultName(op->getResult(0)));
    addNode("Reshape", qnn::layerName(op), {x, shapeName}, {out});
    ValueReps reps;
    reps.reps.push_back({out, identity(shape.size())});
    // The reshape's input holds the same row-major data in its own shape
    // (through its reps); the first in declared order is the simplest.
    const ValueReps &inReps = values[in];
    for (const Rep &r : inReps.reps)
      if (sameRowMajorData(inType.getShape(), r.perm)) {
        reps.rowMajor = r.name;
        reps.rowMajorShape = permuted(inType.getShape(), r.perm);
        break;
      }
    values[reshape.getOutput()] = std::move(reps);
    return success();
  }
  if (auto quantize = dyn_cast<qnn::QuantizeOp>(op)) {
    Perm perm = primaryPerm(quantize.getInput());
    std::string x = get(quantize.getInput(), perm, op);
    if (x.empty())
      return failure();
    return define(quantize.getOutput(), x, perm, qnn::layerName(op), op);
  }
  if (auto requantize = dyn_cast<qnn::RequantizeOp>(op)) {
    Perm perm = primaryPerm(requantize.getInput());
    std::string x = get(requantize.getInput(), perm, op);
    if (x.empty())
      return failure();
    return define(requantize.getOutput(), x, perm, qnn::layerName(op), op);
  }
  if (auto dequantize = dyn_cast<qnn::DequantizeOp>(op)) {
    // The dequantized tensors already are the float values.
    auto it = values.find(dequantize.getInput());
    if (it == values.end()) {
      Perm perm = identity(dequantize.getInput().getType().getRank());
      std::string x = get(dequantize.getInput(), perm, op);
      if (x.empty())
        return failure();
      values[dequantize.getOutput()].reps.assign({Rep{x, perm}});
      return success();
    }
    values[dequantize.getOutput()] = it->second;
    return success();
  }
  if (isa<qnn::ObserveOp>(op))
    return error(op) << "'" << qnn::layerName(op)
                     << "' is a calibration probe; run qnn-calibrate and "
                        "qnn-quantize before exporting";
  return error(op) << "op '" << op->getName() << "' (node '"
                   << qnn::layerName(op)
                   << "') cannot be expressed in ONNX opset " << kOpset;
}

LogicalResult QDQExporter::exportOutputs(func::ReturnOp ret) {
  for (auto [i, v] : llvm::enumerate(ret.getOperands())) {
    auto type = cast<RankedTensorType>(v.getType());
    if (!isa<FloatType>(type.getElementType()))
      return error(ret) << "result " << i << " has type " << type
                        << "; ONNX QDQ models have float outputs";
    std::string name = get(v, identity(type.getRank()), ret);
    if (name.empty())
      return failure();
    auto attr = func.getResultAttrOfType<StringAttr>(i, "qnn.name");
    std::string outName =
        attr ? attr.str() : "output" + std::to_string(i);
    // Rename the producing node's output when it is produced by a node and
    // not read under its own name elsewhere as an output; else Identity.
    bool isNodeOutput = false;
    for (const onnx::NodeProto &node : graph().node())
      for (const std::string &o : node.output())
        isNodeOutput |= o == name;
    bool isGraphOutput = false;
    for (const onnx::ValueInfoProto &o : graph().output())
      isGraphOutput |= o.name() == name;
    if (isNodeOutput && !isGraphOutput) {
      for (onnx::NodeProto &node : *graph().mutable_node()) {
        for (std::string &in : *node.mutable_input())
          if (in == name)
            in = outName;
        for (std::string &o : *node.mutable_output())
          if (o == name)
            o = outName;
      }
      for (auto &[value, reps] : values)
        for (Rep &r : reps.reps)
          if (r.name == name)
            r.name = outName;
    } else {
      addNode("Identity", outName + "_Identity", {name}, {outName});
    }
    onnx::ValueInfoProto &vi = *graph().add_output();
    vi.set_name(outName);
    onnx::TypeProto_Tensor &tt = *vi.mutable_type()->mutable_tensor_type();
    tt.set_elem_type(onnx::TensorProto::FLOAT);
    for (int64_t d : type.getShape())
      tt.mutable_shape()->add_dim()->set_dim_value(d);
  }
  return success();
}

/// Drops nodes whose outputs nothing reads (layout conversions that a later
/// one made unnecessary) and initializers no node reads.
void QDQExporter::pruneDeadNodes() {
  llvm::StringSet<> live;
  for (const onnx::ValueInfoProto &o : graph().output())
    live.insert(o.name());
  std::vector<bool> keep(graph().node_size(), false);
  for (int i = graph().node_size() - 1; i >= 0; --i) {
    const onnx::NodeProto &node = graph().node(i);
    for (const std::string &o : node.output())
      if (live.contains(o))
        keep[i] = true;
    if (keep[i])
      for (const std::string &in : node.input())
        live.insert(in);
  }
  google::protobuf::RepeatedPtrField<onnx::NodeProto> nodes;
  for (int i = 0; i < graph().node_size(); ++i)
    if (keep[i])
      *nodes.Add() = graph().node(i);
  graph().mutable_node()->Swap(&nodes);
  google::protobuf::RepeatedPtrField<onnx::TensorProto> inits;
  for (const onnx::TensorProto &t : graph().initializer())
    if (live.contains(t.name()))
      *inits.Add() = t;
  graph().mutable_initializer()->Swap(&inits);
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
