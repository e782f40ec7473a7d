//===- NpyTest.cpp - tests of HostTensor and the .npy reader/writer -------===//

#include "qmlir/Runtime/HostTensor.h"
#include "qmlir/Runtime/Npy.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/raw_ostream.h"

#include <gtest/gtest.h>

#include <cstring>
#include <string>

using namespace qmlir;

namespace {

/// A temporary file path removed at the end of the test.
class TempFile {
public:
  TempFile() {
    llvm::SmallString<128> p;
    EXPECT_FALSE(llvm::sys::fs::createTemporaryFile("qmlir-npy", "npy", p));
    path = std::string(p);
  }
  ~TempFile() { llvm::sys::fs::remove(path); }
  void write(const std::string &bytes) const {
    std::error_code ec;
    llvm::raw_fd_ostream os(path, ec);
    ASSERT_FALSE(ec);
    os << bytes;
  }
  std::string path;
};

/// The bytes of a .npy file with the given version and header dict (padded
/// like NumPy does) followed by `data`.
std::string npyBytes(int major, std::string dict, const std::string &data) {
  size_t prefix = major == 1 ? 10 : 12;
  size_t total = (prefix + dict.size() + 1 + 63) / 64 * 64;
  dict.append(total - prefix - dict.size() - 1, ' ');
  dict.push_back('\n');
  std::string out = "\x93NUMPY";
  out.push_back(static_cast<char>(major));
  out.push_back(0);
  uint32_t len = dict.size();
  out.push_back(static_cast<char>(len & 0xff));
  out.push_back(static_cast<char>((len >> 8) & 0xff));
  if (major != 1) {
    out.push_back(static_cast<char>((len >> 16) & 0xff));
    out.push_back(static_cast<char>((len >> 24) & 0xff));
  }
  return out + dict + data;
}

std::string errorOf(llvm::Expected<HostTensor> t) {
  if (t)
    return "";
  return llvm::toString(t.takeError());
}

TEST(HostTensor, AllocateIsZeroedAndAligned) {
  HostTensor t = HostTensor::allocate(ElementType::I16, {3, 5});
  EXPECT_EQ(t.numElements(), 15);
  EXPECT_EQ(t.byteSize(), 30u);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(t.rawData()) % 64, 0u);
  for (int i = 0; i < 15; ++i)
    EXPECT_EQ(t.data<int16_t>()[i], 0);
  HostTensor s = HostTensor::allocate(ElementType::F64, {});
  EXPECT_EQ(s.numElements(), 1);
  EXPECT_NE(s.rawData(), nullptr);
}

TEST(HostTensor, CopyIsDeepMoveTransfers) {
  HostTensor a = HostTensor::allocate(ElementType::F32, {4});
  a.data<float>()[2] = 1.5f;
  HostTensor b = a;
  EXPECT_NE(a.rawData(), b.rawData());
  EXPECT_EQ(b.data<float>()[2], 1.5f);
  b.data<float>()[2] = 3.0f;
  EXPECT_EQ(a.data<float>()[2], 1.5f);
  void *p = a.rawData();
  HostTensor c = std::move(a);
  EXPECT_EQ(c.rawData(), p);
  EXPECT_EQ(c.shape.size(), 1u);
  HostTensor d;
  d = c;
  EXPECT_EQ(d.data<float>()[2], 1.5f);
}

TEST(HostTensor, Names) {
  EXPECT_EQ(stringifyElementType(ElementType::U8), "u8");
  EXPECT_EQ(stringifyElementType(ElementType::I1), "i1");
  EXPECT_EQ(formatShape({1, 28, 28}), "1x28x28");
  EXPECT_EQ(formatShape({}), "scalar");
}

// Every dtype survives a write/read round trip, for several ranks.
TEST(Npy, RoundTripEveryType) {
  for (ElementType type :
       {ElementType::F32, ElementType::F64, ElementType::I8, ElementType::U8,
        ElementType::I16, ElementType::I32, ElementType::I64,
        ElementType::I1}) {
    for (llvm::SmallVector<int64_t, 4> shape :
         {llvm::SmallVector<int64_t, 4>{}, {7}, {2, 3, 4}, {0, 3}}) {
      HostTensor t = HostTensor::allocate(type, shape);
      auto *bytes = static_cast<uint8_t *>(t.rawData());
      for (size_t i = 0; i < t.byteSize(); ++i)
        bytes[i] = type == ElementType::I1 ? (i % 3 == 0) : (i * 37 + 11);
      TempFile f;
      ASSERT_FALSE(bool(writeNpy(f.path, t)));
      auto back = readNpy(f.path);
      ASSERT_TRUE(bool(back)) << llvm::toString(back.takeError());
      EXPECT_EQ(back->type, type);
      EXPECT_EQ(back->shape, t.shape);
      EXPECT_EQ(std::memcmp(back->rawData(), t.rawData(), t.byteSize()), 0);
    }
  }
}

// The data of a written file starts 64-byte aligned, as NumPy writes it.
TEST(Npy, WriterPadsHeader) {
  HostTensor t = HostTensor::allocate(ElementType::F32, {2, 3});
  TempFile f;
  ASSERT_FALSE(bool(writeNpy(f.path, t)));
  uint64_t size = 0;
  ASSERT_FALSE(llvm::sys::fs::file_size(f.path, size));
  EXPECT_EQ((size - t.byteSize()) % 64, 0u);
}

// Headers as NumPy writes them, versions 1, 2 and 3.
TEST(Npy, ReadsVersions) {
  std::string data(2 * 3 * 4, '\0');
  int32_t values[6] = {1, -2, 3, -4, 5, 2147483647};
  std::memcpy(data.data(), values, sizeof(values));
  for (int major : {1, 2, 3}) {
    TempFile f;
    f.write(npyBytes(major,
                     "{'descr': '<i4', 'fortran_order': False, 'shape': (2, "
                     "3), }",
                     data));
    auto t = readNpy(f.path);
    ASSERT_TRUE(bool(t)) << llvm::toString(t.takeError());
    EXPECT_EQ(t->type, ElementType::I32);
    EXPECT_EQ(t->shape, (llvm::SmallVector<int64_t, 4>{2, 3}));
    EXPECT_EQ(t->data<int32_t>()[5], 2147483647);
    EXPECT_EQ(t->data<int32_t>()[1], -2);
  }
}

TEST(Npy, ReadsScalarsAndOneDimensional) {
  TempFile a, b;
  a.write(npyBytes(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (), }",
                   std::string(8, '\0')));
  b.write(npyBytes(1, "{'descr': '|b1', 'fortran_order': False, 'shape': (3,), }",
                   std::string("\x01\x00\x01", 3)));
  auto s = readNpy(a.path);
  ASSERT_TRUE(bool(s));
  EXPECT_TRUE(s->shape.empty());
  EXPECT_EQ(s->type, ElementType::F64);
  auto v = readNpy(b.path);
  ASSERT_TRUE(bool(v));
  EXPECT_EQ(v->type, ElementType::I1);
  EXPECT_EQ(v->shape, (llvm::SmallVector<int64_t, 4>{3}));
  EXPECT_EQ(v->data<uint8_t>()[2], 1);
}

// Every error names the file and what is wrong.
TEST(Npy, Errors) {
  TempFile f;
  f.write("not numpy at all");
  std::string e = errorOf(readNpy(f.path));
  EXPECT_NE(e.find(f.path), std::string::npos) << e;
  EXPECT_NE(e.find("bad magic"), std::string::npos) << e;

  f.write(npyBytes(1, "{'descr': '>f4', 'fortran_order': False, 'shape': (1,), }",
                   std::string(4, '\0')));
  e = errorOf(readNpy(f.path));
  EXPECT_NE(e.find("unsupported dtype '>f4'"), std::string::npos) << e;

  f.write(npyBytes(1, "{'descr': '<u2', 'fortran_order': False, 'shape': (1,), }",
                   std::string(2, '\0')));
  e = errorOf(readNpy(f.path));
  EXPECT_NE(e.find("unsupported dtype '<u2'"), std::string::npos) << e;

  f.write(npyBytes(1, "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }",
                   std::string(16, '\0')));
  e = errorOf(readNpy(f.path));
  EXPECT_NE(e.find("Fortran-order"), std::string::npos) << e;

  f.write(npyBytes(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }",
                   std::string(15, '\0')));
  e = errorOf(readNpy(f.path));
  EXPECT_NE(e.find("truncated data"), std::string::npos) << e;
  EXPECT_NE(e.find(f.path), std::string::npos) << e;

  f.write(npyBytes(1, "{'descr': '<f8', 'fortran_order': False, 'shape': "
                      "(1000000000, 1000000000, 1000000000), }",
                   ""));
  e = errorOf(readNpy(f.path));
  EXPECT_NE(e.find("too large"), std::string::npos) << e;

  f.write(npyBytes(1, "{'descr': '<f8', 'fortran_order': False, 'shape': "
                      "(100000, 100000), }",
                   ""));
  e = errorOf(readNpy(f.path));
  EXPECT_NE(e.find("needs 80000000000 bytes, the file has 0"),
            std::string::npos)
      << e;

  f.write(npyBytes(4, "{}", ""));
  e = errorOf(readNpy(f.path));
  EXPECT_NE(e.find("unsupported .npy format version 4"), std::string::npos)
      << e;

  f.write(npyBytes(1, "{'descr': [('a', '<f4')], 'fortran_order': False, "
                      "'shape': (1,), }",
                   std::string(4, '\0')));
  e = errorOf(readNpy(f.path));
  EXPECT_NE(e.find("structured dtypes"), std::string::npos) << e;

  e = errorOf(readNpy(f.path + ".missing"));
  EXPECT_NE(e.find("cannot open"), std::string::npos) << e;
  EXPECT_EQ(e.find('\n'), std::string::npos) << e;
}

} // namespace
