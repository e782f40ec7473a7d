//===- ElementwiseOps.cpp - Relu, Clip, Add/Sub/Mul, Identity, Dropout ----===//
//
// Unary elementwise ops work in whatever layout their input has. Binary ops
// switch to NHWC when any operand is NHWC: rank-4 values are transposed,
// lower-rank constants are right-aligned to rank 4 and transposed on the
// host, which keeps ONNX's broadcasting intact.
//
//===----------------------------------------------------------------------===//

#include "GraphImporter.h"

#include "mlir/Dialect/Traits.h"
#include "qmlir/Dialect/QNN/IR/QNNOps.h"

#include <limits>

using namespace mlir;
using namespace qmlir;
using namespace qmlir::onnx_import;

static LogicalResult importRelu(NodeImporter &n) {
  Value x = n.inputAsIs(0);
  if (!x)
    return failure();
  n.setOutput(0, qnn::ReluOp::create(n.builder, n.loc, x.getType(), x),
              n.inputLayout(0));
  return success();
}

/// Opset 13 Clip: optional constant scalar bounds as inputs 1 and 2.
static LogicalResult importClip(NodeImporter &n) {
  float bounds[2] = {-std::numeric_limits<float>::infinity(),
                     std::numeric_limits<float>::infinity()};
  for (unsigned i = 1; i <= 2; ++i) {
    if (!n.hasInput(i))
      continue;
    const HostTensor *c = n.constantInput(i);
    if (!c || !c->isFloat || c->numElements() != 1)
      return n.emitError() << "bound '" << n.inputName(i)
                           << "' must be a constant float32 scalar";
    bounds[i - 1] = c->floats[0];
  }
  if (bounds[0] > bounds[1])
    return n.emitError() << "min " << bounds[0] << " exceeds max " << bounds[1];
  Value x = n.inputAsIs(0);
  if (!x)
    return failure();
  auto clip = qnn::ClipOp::create(n.builder, n.loc, x.getType(), x,
                                  APFloat(bounds[0]), APFloat(bounds[1]));
  n.setOutput(0, clip, n.inputLayout(0));
  return success();
}

static LogicalResult importIdentity(NodeImporter &n) {
  n.forwardInput(0, 0);
  return success();
}

/// Inference Dropout is the identity; its mask output must be unused.
static LogicalResult importDropout(NodeImporter &n) {
  if (n.hasInput(2)) {
    const HostTensor *training = n.constantInput(2);
    if (!training || training->numElements() != 1 ||
        (training->isFloat ? training->floats[0] != 0 : training->ints[0] != 0))
      return n.emitError() << "training_mode '" << n.inputName(2)
                           << "' must be a constant false";
  }
  n.forwardInput(0, 0);
  return success();
}

namespace {
enum class BinaryKind { Add, Sub, Mul };
} // namespace

template <BinaryKind kind> static LogicalResult importBinary(NodeImporter &n) {
  // Sub is an add of the negated constant; qnn has no subtraction.
  if (kind == BinaryKind::Sub && !n.constantInput(1))
    return n.emitError() << "Sub is only supported with a constant right "
                            "operand";
  bool nhwc = false;
  for (unsigned i = 0; i < 2; ++i)
    nhwc |= !n.constantInput(i) && n.inputLayout(i) == Layout::NHWC;
  Layout layout = nhwc ? Layout::NHWC : Layout::ONNX;

  Value operands[2];
  for (unsigned i = 0; i < 2; ++i) {
    int64_t rank = n.inputType(i).getRank();
    const HostTensor *c = n.constantInput(i);
    bool negate = kind == BinaryKind::Sub && i == 1;
    if (nhwc && rank > 4)
      return n.emitError() << "operand '" << n.inputName(i) << "' of rank "
                           << rank << " cannot broadcast with NHWC operands";
    if (nhwc && rank < 4 && !c)
      return n.emitError() << "non-constant operand '" << n.inputName(i)
                           << "' of rank " << rank
                           << " cannot broadcast with NHWC operands";
    if (c && (negate || (nhwc && rank < 4))) {
      // Data derived from the constant: materialized for this node only.
      HostTensor t = *c;
      if (negate)
        for (float &v : t.floats)
          v = -v;
      if (nhwc)
        t = t.withRank(4).transposed(kToNHWC);
      operands[i] = n.materialize(t, n.inputName(i));
    } else {
      operands[i] = n.input(i, layout);
    }
    if (!operands[i])
      return failure();
  }

  auto lhsType = cast<RankedTensorType>(operands[0].getType());
  auto rhsType = cast<RankedTensorType>(operands[1].getType());
  SmallVector<int64_t> shape;
  if (!OpTrait::util::getBroadcastedShape(lhsType.getShape(),
                                          rhsType.getShape(), shape))
    return n.emitError() << "operand shapes " << formatShape(lhsType.getShape())
                         << " and " << formatShape(rhsType.getShape())
                         << " do not broadcast";
  RankedTensorType type =
      n.outputType(0, nhwc ? permuteShape(shape, kToNCHW) : shape, layout);
  if (!type)
    return failure();
  Value result;
  if (kind == BinaryKind::Mul)
    result =
        qnn::MulOp::create(n.builder, n.loc, type, operands[0], operands[1]);
  else
    result =
        qnn::AddOp::create(n.builder, n.loc, type, operands[0], operands[1]);
  n.setOutput(0, result, layout);
  return success();
}

void qmlir::onnx_import::registerElementwiseHandlers(HandlerTable &table) {
  table["Relu"] = importRelu;
  table["Clip"] = importClip;
  table["Identity"] = importIdentity;
  table["Dropout"] = importDropout;
  table["Add"] = importBinary<BinaryKind::Add>;
  table["Sub"] = importBinary<BinaryKind::Sub>;
  table["Mul"] = importBinary<BinaryKind::Mul>;
}
