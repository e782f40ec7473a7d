//===- Npz.cpp - NumPy .npz archives --------------------------------------===//
//
// A .npz file is a zip archive of .npy files. This reads the central
// directory (zip64 records included: NumPy opens members with force_zip64),
// then each member, stored or deflated (zlib's raw inflate; LLVM's zlib
// wrapper only handles the zlib container, not zip's raw deflate streams),
// and checks its CRC-32.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Runtime/Npz.h"
#include "qmlir/Runtime/Npy.h"
#include "qmlir/Support/Limits.h"

#include "llvm/Support/Endian.h"
#include "llvm/Support/MemoryBuffer.h"

#include <zlib.h>

using namespace qmlir;
using llvm::support::endian::read16le;
using llvm::support::endian::read32le;
using llvm::support::endian::read64le;

static llvm::Error npzError(llvm::StringRef path, const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 path + ": " + message);
}

namespace {

struct Member {
  std::string name;
  uint16_t method = 0;
  uint16_t flags = 0;
  uint32_t crc = 0;
  uint64_t compressedSize = 0;
  uint64_t size = 0;
  uint64_t localOffset = 0;
};

/// Applies the zip64 extended information extra field to the 32-bit fields
/// that hold 0xFFFFFFFF.
bool applyZip64(llvm::StringRef extra, Member &m) {
  while (extra.size() >= 4) {
    uint16_t id = read16le(extra.data());
    uint16_t len = read16le(extra.data() + 2);
    if (extra.size() < 4u + len)
      return false;
    llvm::StringRef body = extra.substr(4, len);
    if (id == 1) {
      auto take = [&](uint64_t &field) {
        if (field != 0xFFFFFFFFu)
          return true;
        if (body.size() < 8)
          return false;
        field = read64le(body.data());
        body = body.drop_front(8);
        return true;
      };
      return take(m.size) && take(m.compressedSize) && take(m.localOffset);
    }
    extra = extra.drop_front(4 + len);
  }
  return true;
}

} // namespace

llvm::Expected<std::vector<NamedArray>> qmlir::readNpz(llvm::StringRef path) {
  auto bufferOr = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                              /*RequiresNullTerminator=*/false);
  if (!bufferOr)
    return npzError(path, "cannot open: " + bufferOr.getError().message());
  return parseNpz((*bufferOr)->getBuffer(), path);
}

/// Whether [offset, offset + size) lies within `data` (without overflowing).
static bool inBounds(llvm::StringRef data, uint64_t offset, uint64_t size) {
  return offset <= data.size() && size <= data.size() - offset;
}

llvm::Expected<std::vector<NamedArray>>
qmlir::parseNpz(llvm::StringRef data, llvm::StringRef path) {

  // End of central directory: the last "PK\5\6" within the final 64 KiB.
  size_t searchFrom = data.size() > 65557 ? data.size() - 65557 : 0;
  size_t eocd = data.rfind(llvm::StringRef("PK\x05\x06", 4));
  if (eocd == llvm::StringRef::npos || eocd < searchFrom ||
      eocd + 22 > data.size())
    return npzError(path, "not a .npz file (no zip end-of-directory record)");
  const char *e = data.data() + eocd;
  uint64_t entries = read16le(e + 10);
  uint64_t dirSize = read32le(e + 12);
  uint64_t dirOffset = read32le(e + 16);
  if (entries == 0xFFFF || dirOffset == 0xFFFFFFFFu || dirSize == 0xFFFFFFFFu) {
    // Zip64: a locator right before the record points at the zip64 record.
    if (eocd < 20 || data.substr(eocd - 20, 4) != llvm::StringRef("PK\x06\x07", 4))
      return npzError(path, "corrupt zip64 directory locator");
    uint64_t at = read64le(data.data() + eocd - 20 + 8);
    if (!inBounds(data, at, 56) ||
        data.substr(at, 4) != llvm::StringRef("PK\x06\x06", 4))
      return npzError(path, "corrupt zip64 directory record");
    const char *z = data.data() + at;
    entries = read64le(z + 32);
    dirSize = read64le(z + 40);
    dirOffset = read64le(z + 48);
  }
  if (!inBounds(data, dirOffset, dirSize))
    return npzError(path, "truncated zip directory");

  std::vector<Member> members;
  size_t at = dirOffset;
  for (uint64_t i = 0; i < entries; ++i) {
    if (!inBounds(data, at, 46) ||
        data.substr(at, 4) != llvm::StringRef("PK\x01\x02", 4))
      return npzError(path, "corrupt zip directory entry " + llvm::Twine(i));
    const char *c = data.data() + at;
    Member m;
    m.flags = read16le(c + 8);
    m.method = read16le(c + 10);
    m.crc = read32le(c + 16);
    m.compressedSize = read32le(c + 20);
    m.size = read32le(c + 24);
    uint16_t nameLen = read16le(c + 28), extraLen = read16le(c + 30),
             commentLen = read16le(c + 32);
    m.localOffset = read32le(c + 42);
    if (!inBounds(data, at, 46 + nameLen + extraLen + commentLen))
      return npzError(path, "corrupt zip directory entry " + llvm::Twine(i));
    m.name = data.substr(at + 46, nameLen).str();
    if (!applyZip64(data.substr(at + 46 + nameLen, extraLen), m))
      return npzError(path, "corrupt zip64 field of member '" + m.name + "'");
    members.push_back(std::move(m));
    at += 46 + nameLen + extraLen + commentLen;
  }

  std::vector<NamedArray> arrays;
  for (const Member &m : members) {
    std::string where = (path + "[" + m.name + "]").str();
    if (m.name.empty() || m.name.back() == '/')
      continue; // directories
    if (m.flags & 1)
      return npzError(where, "encrypted members are not supported");
    if (!inBounds(data, m.localOffset, 30) ||
        data.substr(m.localOffset, 4) != llvm::StringRef("PK\x03\x04", 4))
      return npzError(where, "corrupt local header");
    const char *l = data.data() + m.localOffset;
    uint64_t start = m.localOffset + 30 + read16le(l + 26) + read16le(l + 28);
    if (!inBounds(data, start, m.compressedSize))
      return npzError(where, "truncated member data");
    llvm::StringRef raw = data.substr(start, m.compressedSize);
    std::string contents;
    if (m.method == 0) {
      contents = raw.str();
    } else if (m.method == 8) {
      // Check the claimed size before allocating it: within the tensor
      // limit, and within deflate's maximum ratio (1032:1).
      if (m.size > uint64_t(maxTensorBytes()) + 4096)
        return npzError(where, "member of " + llvm::Twine(m.size) +
                                   " bytes is above the limit of " +
                                   llvm::Twine(maxTensorBytes()) +
                                   " bytes (raise it with --max-tensor-bytes "
                                   "or QMLIR_MAX_TENSOR_BYTES)");
      if (m.size / 1032 > raw.size() + 1)
        return npzError(where, "corrupt deflate data (claimed size " +
                                   llvm::Twine(m.size) + " from " +
                                   llvm::Twine(raw.size()) + " bytes)");
      contents.resize(m.size);
      z_stream s{};
      if (inflateInit2(&s, -MAX_WBITS) != Z_OK)
        return npzError(where, "cannot initialize zlib");
      s.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(raw.data()));
      s.avail_in = static_cast<uInt>(raw.size());
      s.next_out = reinterpret_cast<Bytef *>(contents.data());
      s.avail_out = static_cast<uInt>(contents.size());
      int status = inflate(&s, Z_FINISH);
      uint64_t produced = s.total_out;
      inflateEnd(&s);
      if (status != Z_STREAM_END || produced != m.size)
        return npzError(where, "corrupt deflate data");
    } else {
      return npzError(where, "unsupported zip compression method " +
                                 llvm::Twine(m.method) +
                                 " (np.savez and np.savez_compressed are "
                                 "supported)");
    }
    uLong crc = crc32(0L, Z_NULL, 0);
    crc = crc32(crc, reinterpret_cast<const Bytef *>(contents.data()),
                static_cast<uInt>(contents.size()));
    if (crc != m.crc)
      return npzError(where, "CRC mismatch (corrupt archive)");
    llvm::Expected<HostTensor> tensor = parseNpy(contents, where);
    if (!tensor)
      return tensor.takeError();
    llvm::StringRef name = m.name;
    name.consume_back(".npy");
    arrays.push_back({name.str(), std::move(*tensor)});
  }
  return arrays;
}

llvm::Expected<std::vector<NamedArray>> qmlir::readArrays(llvm::StringRef path) {
  if (path.ends_with(".npz"))
    return readNpz(path);
  llvm::Expected<HostTensor> t = readNpy(path);
  if (!t)
    return t.takeError();
  std::vector<NamedArray> out;
  out.push_back({"", std::move(*t)});
  return out;
}
