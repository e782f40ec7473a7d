//===- AllocatorTest.cpp - keepFreedMemoryForModels -----------------------===//

#include "qmlir/Runtime/Allocator.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <vector>

namespace {

TEST(Allocator, EnvironmentTurnsItOff) {
  ::setenv("QMLIR_KEEP_FREED_MEMORY", "0", 1);
  EXPECT_FALSE(qmlir::keepFreedMemoryForModels());
  ::unsetenv("QMLIR_KEEP_FREED_MEMORY");
}

TEST(Allocator, AppliedWithGlibc) {
#ifdef __GLIBC__
  EXPECT_TRUE(qmlir::keepFreedMemoryForModels());
#else
  EXPECT_FALSE(qmlir::keepFreedMemoryForModels());
#endif
  // Large blocks still allocate and free normally afterwards.
  for (int i = 0; i < 3; ++i) {
    std::vector<char> big(64 << 20, 1);
    EXPECT_EQ(big.back(), 1);
  }
}

} // namespace
