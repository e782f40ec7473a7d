//===- Tensors.cpp - TF tensor data, type names and tensor names ----------===//
//
// Host tensors (Const data and folded shape computations) in TF layout,
// the TensorProto reader, and the small formatting helpers the handlers
// share. Adapted from the ONNX importer's HostTensor; the two stay separate
// because each is tied to its framework's protobuf types.
//
//===----------------------------------------------------------------------===//

#include "GraphImporter.h"
#include "qmlir/Support/Limits.h"

#include "mlir/IR/BuiltinTypes.h"
#include "llvm/Support/raw_ostream.h"

#include <cstring>

using namespace mlir;
using namespace qmlir;
using namespace qmlir::tf_import;

//===----------------------------------------------------------------------===//
// HostTensor
//===----------------------------------------------------------------------===//

int64_t HostTensor::numElements() const {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

double HostTensor::get(int64_t i) const {
  return isFloat() ? double(floats[i]) : double(ints[i]);
}

HostTensor HostTensor::transposed(ArrayRef<int64_t> perm) const {
  HostTensor out;
  out.dtype = dtype;
  out.shape = permuteShape(shape, perm);
  int64_t rank = shape.size();
  SmallVector<int64_t> srcStrides(rank, 1);
  for (int64_t d = rank - 2; d >= 0; --d)
    srcStrides[d] = srcStrides[d + 1] * shape[d + 1];
  SmallVector<int64_t> strideOfOut;
  for (int64_t p : perm)
    strideOfOut.push_back(srcStrides[p]);
  int64_t n = numElements();
  auto copy = [&](const auto &src, auto &dst) {
    dst.resize(n);
    SmallVector<int64_t> idx(rank, 0);
    for (int64_t i = 0; i < n; ++i) {
      int64_t offset = 0;
      for (int64_t d = 0; d < rank; ++d)
        offset += idx[d] * strideOfOut[d];
      dst[i] = src[offset];
      for (int64_t d = rank - 1; d >= 0; --d) {
        if (++idx[d] < out.shape[d])
          break;
        idx[d] = 0;
      }
    }
  };
  if (isFloat())
    copy(floats, out.floats);
  else
    copy(ints, out.ints);
  return out;
}

HostTensor HostTensor::reshaped(ArrayRef<int64_t> newShape) const {
  HostTensor out = *this;
  out.shape.assign(newShape.begin(), newShape.end());
  return out;
}

HostTensor HostTensor::withRank(int64_t rank) const {
  HostTensor out = *this;
  while (static_cast<int64_t>(out.shape.size()) < rank)
    out.shape.insert(out.shape.begin(), 1);
  return out;
}

HostTensor HostTensor::ofInts(ArrayRef<int64_t> shape,
                              std::vector<int64_t> values,
                              tfproto::DataType dtype) {
  HostTensor t;
  t.shape.assign(shape.begin(), shape.end());
  t.dtype = dtype;
  t.ints = std::move(values);
  return t;
}

//===----------------------------------------------------------------------===//
// TensorProto
//===----------------------------------------------------------------------===//

/// Reads `n` values: from `content` (little-endian `Stored` values) when it
/// is set, else from the typed field, where fewer values than `n` repeat the
/// last one (TF's rule; none at all means zeros).
template <typename Stored, typename Field, typename Out>
static LogicalResult readValues(const std::string &content, const Field &typed,
                                int64_t n, const std::string &what,
                                std::vector<Out> &out, std::string &error) {
  if (!content.empty()) {
    if (content.size() != n * sizeof(Stored)) {
      error = "has " + std::to_string(content.size()) +
              " bytes of tensor_content but " + what + " needs " +
              std::to_string(n * sizeof(Stored));
      return failure();
    }
    std::vector<Stored> values(n);
    std::memcpy(values.data(), content.data(), content.size());
    out.assign(values.begin(), values.end());
    return success();
  }
  int64_t count = typed.size();
  if (count > n) {
    error = "has " + std::to_string(count) + " values but " + what + " needs " +
            std::to_string(n);
    return failure();
  }
  out.assign(typed.begin(), typed.end());
  out.resize(n, count ? out.back() : Out());
  return success();
}

FailureOr<HostTensor>
qmlir::tf_import::readTensor(const tfproto::TensorProto &tensor,
                             std::string &error) {
  HostTensor t;
  t.dtype = tensor.dtype();
  if (tensor.tensor_shape().unknown_rank()) {
    error = "has an unknown rank";
    return failure();
  }
  for (const auto &dim : tensor.tensor_shape().dim()) {
    if (dim.size() < 0) {
      error = "has an invalid dimension " + std::to_string(dim.size());
      return failure();
    }
    t.shape.push_back(dim.size());
  }
  // One value may stand for all (TF's fill rule): the declared size is
  // checked before the values are expanded, held as float or int64_t.
  if (llvm::Error err = checkTensorSize(t.shape, 8)) {
    error = llvm::toString(std::move(err));
    return failure();
  }
  int64_t n = t.numElements();
  std::string what = "its shape " + formatShape(t.shape) + " of " +
                     dataTypeName(tensor.dtype());
  const std::string &content = tensor.tensor_content();
  switch (tensor.dtype()) {
  case tfproto::DT_FLOAT:
    if (failed(readValues<float>(content, tensor.float_val(), n, what, t.floats,
                                 error)))
      return failure();
    return t;
  case tfproto::DT_INT32:
    if (failed(readValues<int32_t>(content, tensor.int_val(), n, what, t.ints,
                                   error)))
      return failure();
    return t;
  case tfproto::DT_INT16:
    if (failed(readValues<int16_t>(content, tensor.int_val(), n, what, t.ints,
                                   error)))
      return failure();
    return t;
  case tfproto::DT_INT8:
    if (failed(readValues<int8_t>(content, tensor.int_val(), n, what, t.ints,
                                  error)))
      return failure();
    return t;
  case tfproto::DT_UINT8:
    if (failed(readValues<uint8_t>(content, tensor.int_val(), n, what, t.ints,
                                   error)))
      return failure();
    return t;
  case tfproto::DT_INT64:
    if (failed(readValues<int64_t>(content, tensor.int64_val(), n, what, t.ints,
                                   error)))
      return failure();
    return t;
  case tfproto::DT_BOOL:
    if (failed(readValues<uint8_t>(content, tensor.bool_val(), n, what, t.ints,
                                   error)))
      return failure();
    return t;
  default:
    error = "has element type " + dataTypeName(tensor.dtype()) +
            "; only DT_FLOAT (and integer and boolean types for shapes, axes "
            "and flags) are supported";
    return failure();
  }
}

std::string qmlir::tf_import::dataTypeName(int dtype) {
  if (tfproto::DataType_IsValid(dtype))
    return tfproto::DataType_Name(static_cast<tfproto::DataType>(dtype));
  return "data type " + std::to_string(dtype);
}

Type qmlir::tf_import::elementTypeOf(MLIRContext *ctx, int dtype) {
  switch (dtype) {
  case tfproto::DT_FLOAT:
    return Float32Type::get(ctx);
  case tfproto::DT_BOOL:
    return IntegerType::get(ctx, 1);
  case tfproto::DT_INT8:
    return IntegerType::get(ctx, 8);
  case tfproto::DT_INT16:
    return IntegerType::get(ctx, 16);
  case tfproto::DT_INT32:
    return IntegerType::get(ctx, 32);
  case tfproto::DT_INT64:
    return IntegerType::get(ctx, 64);
  default:
    return {};
  }
}

//===----------------------------------------------------------------------===//
// Formatting and names
//===----------------------------------------------------------------------===//


std::string TensorRef::str() const {
  return index == 0 ? node : node + ":" + std::to_string(index);
}

FailureOr<TensorRef> qmlir::tf_import::parseTensorRef(StringRef name) {
  TensorRef ref;
  if (name.consume_front("^"))
    ref.control = true;
  auto [node, index] = name.rsplit(':');
  if (index.data() != nullptr && name.contains(':')) {
    unsigned i;
    if (index.getAsInteger(10, i) || ref.control)
      return failure();
    ref.index = static_cast<int>(i);
    ref.node = node.str();
  } else {
    ref.node = name.str();
  }
  if (ref.node.empty())
    return failure();
  return ref;
}
