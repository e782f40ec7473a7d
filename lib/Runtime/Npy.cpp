//===- Npy.cpp - NumPy .npy reader and writer -----------------------------===//
//
// The header is a Python dict literal such as
//   {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }
// parsed here with a small tokenizer that accepts what NumPy writes.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Runtime/Npy.h"
#include "qmlir/Support/Limits.h"
#include "qmlir/Support/OutputFile.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Endian.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

#include <cstring>
#include <limits>
#include <optional>

using namespace qmlir;

static constexpr char kMagic[] = "\x93NUMPY";
static constexpr size_t kMagicSize = 6;

llvm::StringRef qmlir::getNpyDescr(ElementType type) {
  switch (type) {
  case ElementType::F32:
    return "<f4";
  case ElementType::F64:
    return "<f8";
  case ElementType::I8:
    return "|i1";
  case ElementType::U8:
    return "|u1";
  case ElementType::I16:
    return "<i2";
  case ElementType::I32:
    return "<i4";
  case ElementType::I64:
    return "<i8";
  case ElementType::I1:
    return "|b1";
  }
  llvm_unreachable("unknown ElementType");
}

static std::optional<ElementType> parseDescr(llvm::StringRef descr) {
  if (descr.size() != 3)
    return std::nullopt;
  char order = descr[0];
  llvm::StringRef kind = descr.drop_front();
  bool oneByte = kind.ends_with("1");
  // NumPy writes '|' for single bytes; '<' and '=' (native, little-endian
  // here) are accepted too.
  if (order != '<' && order != '=' && !(oneByte && order == '|'))
    return std::nullopt;
  return llvm::StringSwitch<std::optional<ElementType>>(kind)
      .Case("f4", ElementType::F32)
      .Case("f8", ElementType::F64)
      .Case("i1", ElementType::I8)
      .Case("u1", ElementType::U8)
      .Case("i2", ElementType::I16)
      .Case("i4", ElementType::I32)
      .Case("i8", ElementType::I64)
      .Case("b1", ElementType::I1)
      .Default(std::nullopt);
}

namespace {

/// Parser for the header dict.
class HeaderParser {
public:
  explicit HeaderParser(llvm::StringRef text) : text(text) {}

  /// Fills descr, fortranOrder and shape; returns an error message or "".
  std::string parse(std::string &descr, bool &fortranOrder,
                    llvm::SmallVectorImpl<int64_t> &shape) {
    bool haveDescr = false, haveOrder = false, haveShape = false;
    if (!consume('{'))
      return "header is not a dict";
    while (true) {
      skipSpace();
      if (consume('}'))
        break;
      std::string key;
      if (!parseString(key))
        return "malformed header key";
      if (!consume(':'))
        return "malformed header: expected ':' after '" + key + "'";
      skipSpace();
      if ((key == "descr" && haveDescr) ||
          (key == "fortran_order" && haveOrder) ||
          (key == "shape" && haveShape))
        return "header key '" + key + "' appears twice";
      if (key == "descr") {
        if (!parseString(descr))
          return "malformed 'descr' value (structured dtypes are not "
                 "supported)";
        haveDescr = true;
      } else if (key == "fortran_order") {
        if (text.consume_front("True"))
          fortranOrder = true;
        else if (text.consume_front("False"))
          fortranOrder = false;
        else
          return "malformed 'fortran_order' value";
        haveOrder = true;
      } else if (key == "shape") {
        if (!parseTuple(shape))
          return "malformed 'shape' value";
        haveShape = true;
      } else {
        return "unexpected header key '" + key + "'";
      }
      skipSpace();
      if (consume(','))
        continue;
      if (consume('}'))
        break;
      return "malformed header: expected ',' or '}'";
    }
    if (!haveDescr || !haveOrder || !haveShape)
      return "header lacks one of 'descr', 'fortran_order', 'shape'";
    return "";
  }

private:
  void skipSpace() { text = text.ltrim(" \t\r\n"); }
  bool consume(char c) {
    skipSpace();
    return text.consume_front(llvm::StringRef(&c, 1));
  }
  bool parseString(std::string &out) {
    skipSpace();
    if (text.empty() || (text[0] != '\'' && text[0] != '"'))
      return false;
    char quote = text[0];
    size_t end = text.find(quote, 1);
    if (end == llvm::StringRef::npos)
      return false;
    out = text.substr(1, end - 1).str();
    text = text.drop_front(end + 1);
    return true;
  }
  bool parseTuple(llvm::SmallVectorImpl<int64_t> &out) {
    if (!consume('('))
      return false;
    while (true) {
      skipSpace();
      if (consume(')'))
        return true;
      size_t digits = 0;
      while (digits < text.size() && llvm::isDigit(text[digits]))
        ++digits;
      int64_t value;
      if (digits == 0 || text.take_front(digits).getAsInteger(10, value))
        return false;
      out.push_back(value);
      text = text.drop_front(digits);
      skipSpace();
      if (consume(','))
        continue;
      if (consume(')'))
        return true;
      return false;
    }
  }

  llvm::StringRef text;
};

} // namespace

static llvm::Error npyError(llvm::StringRef path, const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 path + ": " + message);
}

llvm::Expected<HostTensor> qmlir::readNpy(llvm::StringRef path) {
  auto bufferOr = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                              /*RequiresNullTerminator=*/false);
  if (!bufferOr)
    return npyError(path, "cannot open: " + bufferOr.getError().message());
  return parseNpy((*bufferOr)->getBuffer(), path);
}

llvm::Expected<HostTensor> qmlir::parseNpy(llvm::StringRef data,
                                           llvm::StringRef path) {
  if (data.size() < kMagicSize + 4 ||
      !data.starts_with(llvm::StringRef(kMagic, kMagicSize)))
    return npyError(path, "not a .npy file (bad magic)");
  unsigned major = static_cast<uint8_t>(data[6]);
  size_t headerLen, headerStart;
  if (major == 1) {
    headerLen = llvm::support::endian::read16le(data.data() + 8);
    headerStart = 10;
  } else if (major == 2 || major == 3) {
    if (data.size() < 12)
      return npyError(path, "truncated header");
    headerLen = llvm::support::endian::read32le(data.data() + 8);
    headerStart = 12;
  } else {
    return npyError(path, "unsupported .npy format version " +
                              llvm::Twine(major));
  }
  if (data.size() < headerStart + headerLen)
    return npyError(path, "truncated header");
  llvm::StringRef header = data.substr(headerStart, headerLen);

  std::string descr;
  bool fortranOrder = false;
  llvm::SmallVector<int64_t, 4> shape;
  std::string problem = HeaderParser(header).parse(descr, fortranOrder, shape);
  if (!problem.empty())
    return npyError(path, problem);
  std::optional<ElementType> type = parseDescr(descr);
  if (!type)
    return npyError(path, "unsupported dtype '" + descr +
                              "' (supported: <f4 <f8 |i1 |u1 <i2 <i4 <i8 "
                              "|b1, little-endian)");
  if (fortranOrder)
    return npyError(path, "Fortran-order arrays are not supported (save a "
                          "C-contiguous array)");

  // Check the size before allocating, so that a corrupt shape cannot ask for
  // an absurd allocation.
  // In int64_t, as HostTensor counts elements (a product that only fits
  // uint64_t would overflow there).
  std::optional<int64_t> count = checkedElementCount(shape);
  int64_t elementBytes = static_cast<int64_t>(getElementByteSize(*type));
  if (!count || *count > std::numeric_limits<int64_t>::max() / elementBytes)
    return npyError(path, "shape (" + formatShape(shape) + ") is too large");
  uint64_t needed = static_cast<uint64_t>(*count * elementBytes);
  uint64_t available = data.size() - headerStart - headerLen;
  if (available < needed)
    return npyError(path, "truncated data: shape (" + formatShape(shape) +
                              ") of " + descr + " needs " +
                              llvm::Twine(needed) + " bytes, the file has " +
                              llvm::Twine(available));
  HostTensor tensor = HostTensor::allocate(*type, shape);
  std::memcpy(tensor.rawData(), data.data() + headerStart + headerLen,
              tensor.byteSize());
  return std::move(tensor);
}

llvm::Error qmlir::writeNpy(llvm::StringRef path, const HostTensor &tensor) {
  std::string dict;
  llvm::raw_string_ostream os(dict);
  os << "{'descr': '" << getNpyDescr(tensor.type)
     << "', 'fortran_order': False, 'shape': (";
  for (int64_t d : tensor.shape)
    os << d << (tensor.shape.size() == 1 ? "," : ", ");
  if (tensor.shape.size() > 1)
    dict.resize(dict.size() - 2);
  os << "), }";
  // Pad with spaces and a final newline so the data starts 64-byte aligned.
  size_t prefix = dict.size() + 1 + 10 > 65535 ? 12 : 10;
  size_t total = (prefix + dict.size() + 1 + 63) / 64 * 64;
  dict.append(total - prefix - dict.size() - 1, ' ');
  dict.push_back('\n');

  return writeFileAtomically(path, [&](llvm::raw_ostream &out) {
    out.write(kMagic, kMagicSize);
    if (prefix == 10) {
      out << '\x01' << '\x00';
      char len[2];
      llvm::support::endian::write16le(len, dict.size());
      out.write(len, 2);
    } else {
      out << '\x02' << '\x00';
      char len[4];
      llvm::support::endian::write32le(len, dict.size());
      out.write(len, 4);
    }
    out << dict;
    out.write(static_cast<const char *>(tensor.rawData()), tensor.byteSize());
    return llvm::Error::success();
  });
}
