//===- DenseOps.cpp - Gemm and MatMul -------------------------------------===//
//
// Both become qnn.dense, whose weight is [out_features, in_features] (Gemm's
// transB = 1 layout). Constant weights are transposed and scaled on the host;
// a Gemm bias C that is not per output feature becomes a qnn.add after the
// dense op.
//
//===----------------------------------------------------------------------===//

#include "GraphImporter.h"

#include "qmlir/Dialect/QNN/IR/QNNOps.h"

using namespace mlir;
using namespace qmlir;
using namespace qmlir::onnx_import;

/// The type of a qnn.dense of `input` with `outFeatures` outputs, checked
/// against ONNX's.
static RankedTensorType denseResultType(NodeImporter &n, Value input,
                                        int64_t outFeatures) {
  SmallVector<int64_t> shape(
      cast<RankedTensorType>(input.getType()).getShape().drop_back());
  shape.push_back(outFeatures);
  return n.outputType(0, shape);
}

/// Y = alpha * A * op(B) + beta * C.
static LogicalResult importGemm(NodeImporter &n) {
  FailureOr<float> alpha = n.floatAttr("alpha", 1.0f);
  FailureOr<float> beta = n.floatAttr("beta", 1.0f);
  FailureOr<int64_t> transA = n.intAttr("transA", 0);
  FailureOr<int64_t> transB = n.intAttr("transB", 0);
  if (failed(alpha) || failed(beta) || failed(transA) || failed(transB))
    return failure();
  if (*transA != 0)
    return n.unsupportedAttr("transA", std::to_string(*transA),
                             "only 0 is supported");
  if (*transB != 0 && *transB != 1)
    return n.unsupportedAttr("transB", std::to_string(*transB),
                             "expected 0 or 1");

  Value a = n.input(0, Layout::ONNX);
  if (!a)
    return failure();

  // Weight as [N, K].
  Value weight;
  if (const HostTensor *b = n.constantInput(1)) {
    if (*transB == 1 && *alpha == 1.0f) {
      weight = n.input(1, Layout::ONNX);
    } else {
      HostTensor t = *transB ? *b : b->transposed({1, 0});
      for (float &v : t.floats)
        v *= *alpha;
      weight = n.materialize(t, n.inputName(1));
    }
  } else {
    if (*alpha != 1.0f)
      return n.unsupportedAttr("alpha", std::to_string(*alpha),
                               "only 1 is supported with a non-constant B");
    weight = n.input(1, Layout::ONNX);
    if (weight && *transB == 0) {
      auto t = cast<RankedTensorType>(weight.getType());
      auto type = RankedTensorType::get({t.getDimSize(1), t.getDimSize(0)},
                                        t.getElementType());
      weight = qnn::TransposeOp::create(n.builder, n.loc, type, weight,
                                        ArrayRef<int64_t>{1, 0});
    }
  }
  if (!weight)
    return failure();
  int64_t outFeatures = cast<RankedTensorType>(weight.getType()).getDimSize(0);

  // C is a dense bias when it holds one value per output feature (or a
  // scalar, broadcast on the host); otherwise it is added after.
  Value bias, addend;
  if (n.hasInput(2) && *beta != 0.0f) {
    RankedTensorType cType = n.inputType(2);
    bool perFeature = cType.getNumElements() == outFeatures &&
                      cType.getDimSize(cType.getRank() - 1) == outFeatures;
    if (const HostTensor *c = n.constantInput(2)) {
      HostTensor t = *c;
      for (float &v : t.floats)
        v *= *beta;
      if (t.numElements() == 1 && t.isFloat) {
        t.floats.assign(outFeatures, t.floats[0]);
        perFeature = true;
      }
      if (perFeature)
        t.shape = {outFeatures};
      Value v = n.materialize(t, n.inputName(2));
      (perFeature ? bias : addend) = v;
      if (!v)
        return failure();
    } else {
      if (*beta != 1.0f)
        return n.unsupportedAttr("beta", std::to_string(*beta),
                                 "only 1 is supported with a non-constant C");
      Value v = n.input(2, Layout::ONNX);
      if (!v)
        return failure();
      (perFeature && cType.getRank() == 1 ? bias : addend) = v;
    }
  }

  RankedTensorType type = denseResultType(n, a, outFeatures);
  if (!type)
    return failure();
  Value result = qnn::DenseOp::create(n.builder, n.loc, type, a, weight, bias);
  if (addend)
    result = qnn::AddOp::create(n.builder, n.loc, type, result, addend);
  n.setOutput(0, result, Layout::ONNX);
  return success();
}

/// An input of rank >= 2 times a constant 2-D [K, N] weight.
static LogicalResult importMatMul(NodeImporter &n) {
  const HostTensor *b = n.constantInput(1);
  int64_t aRank = n.inputType(0).getRank();
  if (!b || b->shape.size() != 2 || aRank < 2)
    return n.emitError() << "only an input of rank >= 2 times a constant 2-D "
                            "weight is supported";
  Value a = n.input(0, Layout::ONNX);
  Value weight = n.materialize(b->transposed({1, 0}), n.inputName(1));
  if (!a || !weight)
    return failure();
  RankedTensorType type = denseResultType(n, a, b->shape[1]);
  if (!type)
    return failure();
  n.setOutput(0,
              qnn::DenseOp::create(n.builder, n.loc, type, a, weight, Value()),
              Layout::ONNX);
  return success();
}

void qmlir::onnx_import::registerDenseHandlers(HandlerTable &table) {
  table["Gemm"] = importGemm;
  table["MatMul"] = importMatMul;
}
