//===- DenseOps.cpp - Gemm and MatMul -------------------------------------===//
//
// A product with a constant 2-D right operand is a qnn.dense, whose weight is
// [out_features, in_features] (Gemm's transB = 1 layout): constant weights
// are transposed and scaled on the host, and a Gemm bias C that is not per
// output feature becomes a qnn.add after the dense op. Products of two
// values computed at run time (or batched right operands) are qnn.matmul.
//
//===----------------------------------------------------------------------===//

#include "GraphImporter.h"

#include "mlir/Dialect/Traits.h"
#include "qmlir/Dialect/QNN/IR/QNNOps.h"

using namespace mlir;
using namespace qmlir;
using namespace qmlir::onnx_import;

static RankedTensorType tensorType(Value v) {
  return cast<RankedTensorType>(v.getType());
}

/// `v` times a scalar constant, broadcast.
static Value scaleBy(NodeImporter &n, Value v, float factor, StringRef what) {
  Value c = n.materialize(HostTensor::fromFloats({}, {factor}), what);
  if (!c)
    return {};
  return qnn::MulOp::create(n.builder, n.loc, v.getType(), v, c);
}

/// 2-D transpose of a value computed at run time.
static Value transpose2d(NodeImporter &n, Value v) {
  auto t = tensorType(v);
  return qnn::TransposeOp::create(
      n.builder, n.loc, t.clone({t.getDimSize(1), t.getDimSize(0)}), v,
      ArrayRef<int64_t>{1, 0});
}

/// Y = alpha * A' * B' + beta * C with A' = transA ? A^T : A, same for B.
static LogicalResult importGemm(NodeImporter &n) {
  FailureOr<float> alpha = n.floatAttr("alpha", 1.0f);
  FailureOr<float> beta = n.floatAttr("beta", 1.0f);
  FailureOr<int64_t> transA = n.intAttr("transA", 0);
  FailureOr<int64_t> transB = n.intAttr("transB", 0);
  if (failed(alpha) || failed(beta) || failed(transA) || failed(transB))
    return failure();
  for (auto [attrName, value] : {std::pair<StringRef, int64_t>{"transA", *transA},
                                 {"transB", *transB}})
    if (value != 0 && value != 1)
      return n.unsupportedAttr(attrName, std::to_string(value),
                               "expected 0 or 1");
  if (n.inputRank(0) != 2 || n.inputRank(1) != 2)
    return n.emitError() << "A and B must have rank 2";

  // A as [M, K]; alpha goes into a constant operand when there is one.
  bool alphaDone = *alpha == 1.0f;
  Value a;
  if (const HostTensor *c = n.constantInput(0)) {
    HostTensor t = *transA ? c->transposed({1, 0}) : *c;
    if (!alphaDone && !n.constantInput(1)) {
      for (float &v : t.floats)
        v *= *alpha;
      alphaDone = true;
    }
    a = n.materialize(t, n.inputName(0));
  } else {
    a = n.input(0, Layout::ONNX);
    if (a && *transA)
      a = transpose2d(n, a);
  }
  // B as the dense weight [N, K].
  Value weight;
  if (const HostTensor *b = n.constantInput(1)) {
    if (*transB && alphaDone) {
      weight = n.input(1, Layout::ONNX);
    } else {
      HostTensor t = *transB ? *b : b->transposed({1, 0});
      if (!alphaDone) {
        for (float &v : t.floats)
          v *= *alpha;
        alphaDone = true;
      }
      weight = n.materialize(t, n.inputName(1));
    }
  } else {
    weight = n.input(1, Layout::ONNX);
    if (weight && !*transB)
      weight = transpose2d(n, weight);
  }
  if (!a || !weight)
    return failure();
  int64_t outFeatures = tensorType(weight).getDimSize(0);

  // C is a dense bias when it holds one value per output feature (or a
  // scalar, broadcast on the host); otherwise it is added after. With alpha
  // still to apply, everything is added after the scaling.
  Value bias, addend;
  if (n.hasInput(2) && *beta != 0.0f) {
    RankedTensorType cType = n.inputType(2);
    bool perFeature = cType.getRank() >= 1 &&
                      cType.getNumElements() == outFeatures &&
                      cType.getShape().back() == outFeatures;
    if (const HostTensor *c = n.constantInput(2)) {
      HostTensor t = *c;
      for (float &v : t.floats)
        v *= *beta;
      if (t.numElements() == 1) {
        t = t.reshaped({}).broadcastTo({outFeatures});
        perFeature = true;
      }
      if (perFeature)
        t = t.reshaped({outFeatures});
      Value v = n.materialize(t, n.inputName(2));
      if (!v)
        return failure();
      (perFeature && alphaDone ? bias : addend) = v;
    } else {
      Value v = n.input(2, Layout::ONNX);
      if (!v)
        return failure();
      if (*beta != 1.0f)
        v = scaleBy(n, v, *beta, "beta");
      (perFeature && cType.getRank() == 1 && alphaDone ? bias : addend) = v;
    }
  }

  SmallVector<int64_t> shape = {tensorType(a).getDimSize(0), outFeatures};
  RankedTensorType type = n.outputType(0, shape);
  if (!type)
    return failure();
  Value result = qnn::DenseOp::create(n.builder, n.loc, type, a, weight, bias);
  if (!alphaDone)
    result = scaleBy(n, result, *alpha, "alpha");
  if (addend)
    result = qnn::AddOp::create(n.builder, n.loc, type, result, addend);
  if (!result)
    return failure();
  n.setOutput(0, result, Layout::ONNX);
  return success();
}

/// numpy matmul: 1-D operands get a unit dim (removed from the result); a
/// constant 2-D right operand makes it a dense layer.
static LogicalResult importMatMul(NodeImporter &n) {
  ArrayRef<int64_t> aShape = n.inputShape(0), bShape = n.inputShape(1);
  if (aShape.empty() || bShape.empty())
    return n.emitError() << "operands must have rank >= 1";
  SmallVector<int64_t> outShape;
  {
    SmallVector<int64_t> a2(aShape), b2(bShape);
    if (a2.size() == 1)
      a2.insert(a2.begin(), 1);
    if (b2.size() == 1)
      b2.push_back(1);
    if (a2.back() != b2[b2.size() - 2])
      return n.emitError() << "cannot multiply " << formatShape(aShape)
                           << " by " << formatShape(bShape);
    if (!OpTrait::util::getBroadcastedShape(ArrayRef(a2).drop_back(2),
                                            ArrayRef(b2).drop_back(2),
                                            outShape))
      return n.emitError() << "batch dimensions of " << formatShape(aShape)
                           << " and " << formatShape(bShape)
                           << " do not broadcast";
    if (aShape.size() > 1)
      outShape.push_back(a2[a2.size() - 2]);
    if (bShape.size() > 1)
      outShape.push_back(b2.back());
  }
  if (!n.outputType(0, outShape))
    return failure();

  Value a = n.input(0, Layout::ONNX);
  if (!a)
    return failure();
  if (aShape.size() == 1)
    a = qnn::ReshapeOp::create(n.builder, n.loc,
                               tensorType(a).clone({1, aShape[0]}), a);
  Value result;
  const HostTensor *b = n.constantInput(1);
  if (b && b->shape.size() <= 2) {
    HostTensor w = b->shape.size() == 1 ? b->reshaped({b->shape[0], 1}) : *b;
    Value weight = n.materialize(w.transposed({1, 0}), n.inputName(1));
    if (!weight)
      return failure();
    SmallVector<int64_t> shape(tensorType(a).getShape().drop_back());
    shape.push_back(w.shape[1]);
    result = qnn::DenseOp::create(n.builder, n.loc, tensorType(a).clone(shape),
                                  a, weight, Value());
  } else {
    Value bv = n.input(1, Layout::ONNX);
    if (!bv)
      return failure();
    if (bShape.size() == 1)
      bv = qnn::ReshapeOp::create(n.builder, n.loc,
                                  tensorType(bv).clone({bShape[0], 1}), bv);
    ArrayRef<int64_t> as = tensorType(a).getShape(),
                      bs = tensorType(bv).getShape();
    SmallVector<int64_t> shape;
    OpTrait::util::getBroadcastedShape(as.drop_back(2), bs.drop_back(2), shape);
    shape.push_back(as[as.size() - 2]);
    shape.push_back(bs.back());
    result = qnn::MatMulOp::create(n.builder, n.loc,
                                   tensorType(a).clone(shape), a, bv);
  }
  if (tensorType(result).getShape() != ArrayRef<int64_t>(outShape))
    result = qnn::ReshapeOp::create(n.builder, n.loc,
                                    tensorType(result).clone(outShape), result);
  n.setOutput(0, result, Layout::ONNX);
  return success();
}

void qmlir::onnx_import::registerDenseHandlers(HandlerTable &table) {
  table["Gemm"] = importGemm;
  table["MatMul"] = importMatMul;
}
