//===- QDQOps.cpp - qnn ops as ONNX nodes ---------------------------------===//
//
// One exporter per qnn op family; QDQExporter::exportOp dispatches. Ops
// ONNX opset 13 cannot express are errors naming the op and its node.
//
//===----------------------------------------------------------------------===//

#include "QDQExporter.h"

#include "qmlir/Dialect/QNN/Transforms/TensorNames.h"
#include "qmlir/Support/Shapes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "llvm/ADT/STLExtras.h"

#include <onnx/defs/attr_proto_util.h>

using namespace mlir;
using namespace qmlir;
using namespace qmlir::onnx_export;

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

static Perm nchw() { return Perm(std::begin(kToNCHW), std::end(kToNCHW)); }

LogicalResult QDQExporter::exportConv(qnn::Conv2dOp op) {
  std::string layer = qnn::layerName(op);
  std::string x = get(op.getInput(), kToNCHW, op);
  if (x.empty())
    return failure();
  // OHWI -> OIHW.
  std::string w = get(op.getWeight(), kToNCHW, op, 1);
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
  *node.add_attribute() = onnx::MakeAttribute(
      "kernel_shape", std::vector<int64_t>{wShape[1], wShape[2]});
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
    inputs.push_back(
        floatInit(out + "_min", {clip.getMin().convertToFloat()}, {}));
    inputs.push_back(
        floatInit(out + "_max", {clip.getMax().convertToFloat()}, {}));
  }
  if (auto pad = dyn_cast<qnn::PadOp>(op)) {
    // ONNX pads: all begins, then all ends, in ONNX dimension order.
    ArrayRef<int64_t> p = pad.getPadding();
    std::vector<int64_t> pads(2 * rank);
    for (int64_t i = 0; i < rank; ++i) {
      pads[i] = p[2 * perm[i]];
      pads[rank + i] = p[2 * perm[i] + 1];
    }
    inputs.push_back(
        intInit(out + "_pads", onnx::TensorProto::INT64, pads, {2 * rank}));
    if (pad.getMode() == qnn::PadMode::Constant)
      inputs.push_back(
          floatInit(out + "_value", {pad.getValue().convertToFloat()}, {}));
  }
  onnx::NodeProto &node = addNode(opType, layer, inputs, {out});
  if (auto pad = dyn_cast<qnn::PadOp>(op))
    *node.add_attribute() =
        onnx::MakeAttribute("mode", qnn::stringifyPadMode(pad.getMode()).str());
  if (auto softmax = dyn_cast<qnn::SoftmaxOp>(op)) {
    int64_t axis = softmax.getAxis();
    if (axis < 0)
      axis += rank;
    *node.add_attribute() = onnx::MakeAttribute("axis", inv[axis]);
  }
  if (auto concat = dyn_cast<qnn::ConcatOp>(op))
    *node.add_attribute() = onnx::MakeAttribute(
        "axis", inv[static_cast<int64_t>(concat.getAxis())]);
  return define(op->getResult(0), out, perm, layer, op);
}

LogicalResult QDQExporter::exportPool(Operation *op) {
  std::string layer = qnn::layerName(op);
  std::string x = get(op->getOperand(0), kToNCHW, op);
  if (x.empty())
    return failure();
  std::string out = uniqueTensor(qnn::resultName(op->getResult(0)));
  if (isa<qnn::GlobalAvgPoolOp>(op)) {
    addNode("GlobalAveragePool", layer, {x}, {out});
    return define(op->getResult(0), out, nchw(), layer, op);
  }
  if (auto max = dyn_cast<qnn::MaxPool2dOp>(op)) {
    onnx::NodeProto &node = addNode("MaxPool", layer, {x}, {out});
    *node.add_attribute() =
        onnx::MakeAttribute("kernel_shape", vec(max.getKernel()));
    *node.add_attribute() =
        onnx::MakeAttribute("strides", vec(max.getStrides()));
    *node.add_attribute() =
        onnx::MakeAttribute("pads", onnxPads(max.getPadding()));
    *node.add_attribute() =
        onnx::MakeAttribute("dilations", vec(max.getDilations()));
  } else {
    auto avg = cast<qnn::AvgPool2dOp>(op);
    onnx::NodeProto &node = addNode("AveragePool", layer, {x}, {out});
    *node.add_attribute() =
        onnx::MakeAttribute("kernel_shape", vec(avg.getKernel()));
    *node.add_attribute() =
        onnx::MakeAttribute("strides", vec(avg.getStrides()));
    *node.add_attribute() =
        onnx::MakeAttribute("pads", onnxPads(avg.getPadding()));
    *node.add_attribute() = onnx::MakeAttribute(
        "count_include_pad", static_cast<int64_t>(avg.getCountIncludePad()));
  }
  return define(op->getResult(0), out, nchw(), layer, op);
}

LogicalResult QDQExporter::exportOp(Operation *op) {
  // Constants are materialized where they are used, in the order needed.
  if ((isa<arith::ConstantOp>(op) ||
       (isa<quant::StorageCastOp>(op) && constant(op->getResult(0)))) &&
      llvm::all_of(op->getUsers(),
                   [](Operation *user) { return !isa<func::ReturnOp>(user); }))
    return success();
  if (auto scast = dyn_cast<quant::StorageCastOp>(op))
    return exportStorageCast(scast);
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
  if (isa<qnn::SubOp>(op))
    return exportElementwise(op, "Sub");
  if (isa<qnn::DivOp>(op))
    return exportElementwise(op, "Div");
  if (isa<qnn::PowOp>(op))
    return exportElementwise(op, "Pow");
  if (isa<qnn::MaximumOp>(op))
    return exportElementwise(op, "Max");
  if (isa<qnn::MinimumOp>(op))
    return exportElementwise(op, "Min");
  if (isa<qnn::PReluOp>(op))
    return exportElementwise(op, "PRelu");
  if (auto matmul = dyn_cast<qnn::MatMulOp>(op)) {
    // Not elementwise: both operands in their declared order.
    std::string layer = qnn::layerName(op);
    std::string a =
        get(matmul.getLhs(), identity(matmul.getLhs().getType().getRank()), op);
    std::string b =
        get(matmul.getRhs(), identity(matmul.getRhs().getType().getRank()), op);
    if (a.empty() || b.empty())
      return failure();
    std::string out = uniqueTensor(qnn::resultName(op->getResult(0)));
    addNode("MatMul", layer, {a, b}, {out});
    return define(matmul.getOutput(), out,
                  identity(matmul.getOutput().getType().getRank()), layer, op);
  }
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
    if (!it->second.storage.empty()) {
      reps.storage = it->second.storage;
      for (int64_t q : it->second.storagePerm)
        reps.storagePerm.push_back(inv[q]);
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
        intInit(qnn::layerName(op) + "_shape", onnx::TensorProto::INT64, shape,
                {static_cast<int64_t>(shape.size())});
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
    // A quantize imported from a QuantizeLinear node keeps that node's name.
    std::string name = qnn::layerName(op);
    StringRef nodeBase = name;
    nodeBase.consume_back("_QuantizeLinear");
    return define(quantize.getOutput(), x, perm, nodeBase, op);
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

LogicalResult QDQExporter::exportStorageCast(quant::StorageCastOp op) {
  auto it = values.find(op.getInput());
  if (it == values.end() || it->second.storage.empty())
    return error(op) << "'" << qnn::layerName(op)
                     << "': quant.scast of a tensor without an integer form";
  ValueReps in = it->second;
  ValueReps out;
  out.storage = in.storage;
  out.storagePerm = in.storagePerm;
  auto qtype = dyn_cast<quant::QuantizedType>(
      getElementTypeOrSelf(op.getResult().getType()));
  if (qtype) {
    // The integers dequantized with the result type's parameters.
    std::string scale, zp;
    std::optional<int64_t> axis;
    std::string base = in.storage + "_reinterpreted";
    if (failed(quantParams(qtype, in.storagePerm, base, op, false, scale, zp,
                           axis)))
      return failure();
    std::string dq = uniqueTensor(base);
    onnx::NodeProto &node =
        addNode("DequantizeLinear", base + "_DequantizeLinear",
                {in.storage, scale, zp}, {dq});
    if (axis)
      *node.add_attribute() = onnx::MakeAttribute("axis", *axis);
    out.reps.push_back({dq, in.storagePerm});
  } else {
    // The plain integers: only another quant.scast may read them.
    out.reps.push_back({in.storage, in.storagePerm});
  }
  values[op.getResult()] = std::move(out);
  return success();
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
    std::string outName = attr ? attr.str() : "output" + std::to_string(i);
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
