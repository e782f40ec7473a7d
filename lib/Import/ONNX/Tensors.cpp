//===- Tensors.cpp - ONNX tensors known at import time --------------------===//
//
// Initializers and Constant nodes become HostTensors: the importer folds
// shape computations and layout changes on them before anything is
// materialized as an arith.constant.
//
//===----------------------------------------------------------------------===//

#include "GraphImporter.h"

#include "qmlir/Support/Limits.h"

#include "llvm/Support/raw_ostream.h"

#include <cmath>
#include <cstring>

using namespace mlir;
using namespace qmlir;
using namespace qmlir::onnx_import;


HostTensor HostTensor::fromFloats(ArrayRef<int64_t> shape,
                                  std::vector<float> values) {
  HostTensor t;
  t.shape.assign(shape.begin(), shape.end());
  t.floats = std::move(values);
  return t;
}

HostTensor HostTensor::fromInts(ArrayRef<int64_t> shape,
                                std::vector<int64_t> values, int32_t type) {
  HostTensor t;
  t.shape.assign(shape.begin(), shape.end());
  t.dataType = type;
  t.ints = std::move(values);
  return t;
}

bool HostTensor::isFloat() const { return isFloatType(dataType); }

int64_t HostTensor::numElements() const {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

double HostTensor::value(int64_t i) const {
  return isFloat() ? static_cast<double>(floats[i])
                   : static_cast<double>(ints[i]);
}

HostTensor HostTensor::gathered(ArrayRef<int64_t> newShape,
                                function_ref<int64_t(ArrayRef<int64_t>)>
                                    sourceIndex) const {
  HostTensor out;
  out.dataType = dataType;
  out.shape.assign(newShape.begin(), newShape.end());
  int64_t n = out.numElements(), rank = newShape.size();
  if (isFloat())
    out.floats.resize(n);
  else
    out.ints.resize(n);
  SmallVector<int64_t> idx(rank, 0);
  for (int64_t i = 0; i < n; ++i) {
    int64_t src = sourceIndex(idx);
    if (isFloat())
      out.floats[i] = floats[src];
    else
      out.ints[i] = ints[src];
    for (int64_t d = rank - 1; d >= 0; --d) {
      if (++idx[d] < newShape[d])
        break;
      idx[d] = 0;
    }
  }
  return out;
}

SmallVector<int64_t> HostTensor::strides() const {
  SmallVector<int64_t> s(shape.size(), 1);
  for (int64_t d = static_cast<int64_t>(shape.size()) - 2; d >= 0; --d)
    s[d] = s[d + 1] * shape[d + 1];
  return s;
}

HostTensor HostTensor::transposed(ArrayRef<int64_t> perm) const {
  SmallVector<int64_t> srcStrides = strides();
  return gathered(permuteShape(shape, perm), [&](ArrayRef<int64_t> idx) {
    int64_t offset = 0;
    for (auto [d, p] : llvm::enumerate(perm))
      offset += idx[d] * srcStrides[p];
    return offset;
  });
}

HostTensor HostTensor::withRank(int64_t rank) const {
  HostTensor out = *this;
  while (static_cast<int64_t>(out.shape.size()) < rank)
    out.shape.insert(out.shape.begin(), 1);
  return out;
}

HostTensor HostTensor::reshaped(ArrayRef<int64_t> newShape) const {
  HostTensor out = *this;
  out.shape.assign(newShape.begin(), newShape.end());
  return out;
}

HostTensor HostTensor::broadcastTo(ArrayRef<int64_t> newShape) const {
  HostTensor t = withRank(newShape.size());
  SmallVector<int64_t> srcStrides = t.strides();
  return t.gathered(newShape, [&](ArrayRef<int64_t> idx) {
    int64_t offset = 0;
    for (size_t d = 0; d < idx.size(); ++d)
      if (t.shape[d] != 1)
        offset += idx[d] * srcStrides[d];
    return offset;
  });
}

/// Wraps `v` to the range of the integer ONNX type `type` (two's complement,
/// as a C cast does).
static int64_t wrapToType(int64_t v, int32_t type) {
  switch (type) {
  case onnx::TensorProto::INT8:
    return static_cast<int8_t>(v);
  case onnx::TensorProto::UINT8:
    return static_cast<uint8_t>(v);
  case onnx::TensorProto::INT16:
    return static_cast<int16_t>(v);
  case onnx::TensorProto::UINT16:
    return static_cast<uint16_t>(v);
  case onnx::TensorProto::INT32:
    return static_cast<int32_t>(v);
  case onnx::TensorProto::UINT32:
    return static_cast<uint32_t>(v);
  case onnx::TensorProto::BOOL:
    return v != 0;
  default:
    return v;
  }
}

FailureOr<HostTensor> HostTensor::castTo(int32_t type) const {
  HostTensor out;
  out.shape = shape;
  out.dataType = type;
  int64_t n = numElements();
  if (isFloatType(type)) {
    for (int64_t i = 0; i < n; ++i)
      out.floats.push_back(static_cast<float>(value(i)));
    return out;
  }
  if (!isIntegerType(type))
    return failure();
  for (int64_t i = 0; i < n; ++i) {
    if (!isFloat()) {
      out.ints.push_back(wrapToType(ints[i], type));
      continue;
    }
    // Float to integer truncates toward zero; out-of-range values are
    // undefined in ONNX and saturate here.
    double v = std::trunc(floats[i]);
    if (type == onnx::TensorProto::BOOL)
      out.ints.push_back(floats[i] != 0.0f);
    else if (std::isnan(v))
      out.ints.push_back(0);
    else
      out.ints.push_back(wrapToType(
          static_cast<int64_t>(std::clamp(v, -9.2e18, 9.2e18)), type));
  }
  return out;
}

bool qmlir::onnx_import::isFloatType(int32_t type) {
  return type == onnx::TensorProto::FLOAT;
}

bool qmlir::onnx_import::isIntegerType(int32_t type) {
  switch (type) {
  case onnx::TensorProto::INT8:
  case onnx::TensorProto::UINT8:
  case onnx::TensorProto::INT16:
  case onnx::TensorProto::UINT16:
  case onnx::TensorProto::INT32:
  case onnx::TensorProto::UINT32:
  case onnx::TensorProto::INT64:
  case onnx::TensorProto::BOOL:
    return true;
  default:
    return false;
  }
}

Type qmlir::onnx_import::mlirElementType(MLIRContext *ctx, int32_t type) {
  switch (type) {
  case onnx::TensorProto::FLOAT:
    return Float32Type::get(ctx);
  case onnx::TensorProto::BOOL:
    return IntegerType::get(ctx, 1);
  case onnx::TensorProto::INT8:
  case onnx::TensorProto::UINT8:
    return IntegerType::get(ctx, 8);
  case onnx::TensorProto::INT16:
  case onnx::TensorProto::UINT16:
    return IntegerType::get(ctx, 16);
  case onnx::TensorProto::INT32:
  case onnx::TensorProto::UINT32:
    return IntegerType::get(ctx, 32);
  case onnx::TensorProto::INT64:
    return IntegerType::get(ctx, 64);
  default:
    return {};
  }
}

std::string qmlir::onnx_import::elementTypeName(int32_t dataType) {
  if (onnx::TensorProto_DataType_IsValid(dataType))
    return onnx::TensorProto_DataType_Name(
        static_cast<onnx::TensorProto_DataType>(dataType));
  return "data type " + std::to_string(dataType);
}

/// Reads `n` values into `out`: from `raw` (little-endian `Stored` values)
/// when it is set, else from the typed repeated field `typed`.
template <typename Stored, typename Field, typename Out>
static LogicalResult readValues(const std::string &raw, const Field &typed,
                                int64_t n, const std::string &shape,
                                std::vector<Out> &out, std::string &error) {
  if (raw.empty()) {
    if (typed.size() != n) {
      error = "has " + std::to_string(typed.size()) + " values but its shape " +
              shape + " needs " + std::to_string(n);
      return failure();
    }
    out.assign(typed.begin(), typed.end());
    return success();
  }
  if (raw.size() != n * sizeof(Stored)) {
    error = "has " + std::to_string(raw.size()) + " bytes of data but its " +
            "shape " + shape + " needs " + std::to_string(n * sizeof(Stored));
    return failure();
  }
  std::vector<Stored> values(n);
  std::memcpy(values.data(), raw.data(), raw.size());
  out.assign(values.begin(), values.end());
  return success();
}

/// The number of values stored in `tensor`'s typed field for its data type
/// and the width of one value in raw_data; {-1, 0} for types without a fixed
/// layout here (strings, complex, 4-bit and undefined types).
static std::pair<int64_t, size_t> storedValues(const onnx::TensorProto &t) {
  switch (t.data_type()) {
  case onnx::TensorProto::FLOAT:
    return {t.float_data_size(), 4};
  case onnx::TensorProto::DOUBLE:
    return {t.double_data_size(), 8};
  case onnx::TensorProto::INT64:
    return {t.int64_data_size(), 8};
  case onnx::TensorProto::UINT64:
    return {t.uint64_data_size(), 8};
  case onnx::TensorProto::UINT32:
    return {t.uint64_data_size(), 4};
  case onnx::TensorProto::INT32:
    return {t.int32_data_size(), 4};
  case onnx::TensorProto::INT16:
  case onnx::TensorProto::UINT16:
  case onnx::TensorProto::FLOAT16:
  case onnx::TensorProto::BFLOAT16:
    return {t.int32_data_size(), 2};
  case onnx::TensorProto::INT8:
  case onnx::TensorProto::UINT8:
  case onnx::TensorProto::BOOL:
    return {t.int32_data_size(), 1};
  default:
    return {-1, 0};
  }
}

LogicalResult qmlir::onnx_import::checkTensorData(
    const onnx::TensorProto &tensor, std::string &error) {
  SmallVector<int64_t> shape;
  for (int64_t d : tensor.dims()) {
    if (d < 0) {
      error = "has an invalid dimension " + std::to_string(d);
      return failure();
    }
    shape.push_back(d);
  }
  // Values are held as float or int64_t (8 bytes) on the host.
  if (llvm::Error err = checkTensorSize(shape, 8)) {
    error = llvm::toString(std::move(err));
    return failure();
  }
  if (tensor.data_location() == onnx::TensorProto::EXTERNAL) {
    error = "uses external data, which is not supported";
    return failure();
  }
  auto [typed, width] = storedValues(tensor);
  if (typed < 0)
    return success();
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d; // no overflow: checkTensorSize bounded the product
  const std::string &raw = tensor.raw_data();
  if (raw.empty() && typed != n) {
    error = "has " + std::to_string(typed) + " values but its shape " +
            formatShape(shape) + " needs " + std::to_string(n);
    return failure();
  }
  if (!raw.empty() && raw.size() != n * width) {
    error = "has " + std::to_string(raw.size()) + " bytes of data but its " +
            "shape " + formatShape(shape) + " needs " +
            std::to_string(n * width);
    return failure();
  }
  return success();
}

FailureOr<HostTensor>
qmlir::onnx_import::readTensor(const onnx::TensorProto &tensor,
                               std::string &error) {
  if (failed(checkTensorData(tensor, error)))
    return failure();
  HostTensor t;
  t.shape.assign(tensor.dims().begin(), tensor.dims().end());
  int64_t n = t.numElements();
  const std::string &raw = tensor.raw_data();
  std::string shape = formatShape(t.shape);
  t.dataType = tensor.data_type();
  LogicalResult read = failure();
  // Integer types narrower than 32 bits are stored in int32_data when not
  // raw; raw data holds them at their own width.
  switch (tensor.data_type()) {
  case onnx::TensorProto::FLOAT:
    read = readValues<float>(raw, tensor.float_data(), n, shape, t.floats,
                             error);
    break;
  case onnx::TensorProto::INT64:
    read = readValues<int64_t>(raw, tensor.int64_data(), n, shape, t.ints,
                               error);
    break;
  case onnx::TensorProto::INT32:
    read = readValues<int32_t>(raw, tensor.int32_data(), n, shape, t.ints,
                               error);
    break;
  case onnx::TensorProto::UINT32:
    read = readValues<uint32_t>(raw, tensor.uint64_data(), n, shape, t.ints,
                                error);
    break;
  case onnx::TensorProto::INT16:
    read = readValues<int16_t>(raw, tensor.int32_data(), n, shape, t.ints,
                               error);
    break;
  case onnx::TensorProto::UINT16:
    read = readValues<uint16_t>(raw, tensor.int32_data(), n, shape, t.ints,
                                error);
    break;
  case onnx::TensorProto::INT8:
    read = readValues<int8_t>(raw, tensor.int32_data(), n, shape, t.ints,
                              error);
    break;
  case onnx::TensorProto::UINT8:
  case onnx::TensorProto::BOOL:
    read = readValues<uint8_t>(raw, tensor.int32_data(), n, shape, t.ints,
                               error);
    break;
  default:
    error = "has element type " + elementTypeName(tensor.data_type()) +
            "; only FLOAT and integer types (INT8..INT64, UINT8..UINT32, "
            "BOOL) are supported";
    return failure();
  }
  if (failed(read))
    return failure();
  // Typed fields hold wider values; keep them in the type's range.
  for (int64_t &v : t.ints)
    v = wrapToType(v, t.dataType);
  return t;
}


