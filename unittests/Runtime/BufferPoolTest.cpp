//===- BufferPoolTest.cpp - the compiled code's buffer pool ---------------===//

#include "qmlir/Runtime/BufferPool.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <thread>
#include <vector>

using qmlir::BufferPool;

namespace {

TEST(BufferPool, ReusesBlocksOfTheSameSize) {
  BufferPool pool;
  // One "call": the same sizes in the same order, all freed at the end.
  std::vector<size_t> sizes = {1000, 64, 0, 1000, 1 << 20, 7};
  std::vector<void *> first;
  for (size_t size : sizes) {
    void *p = pool.allocate(size);
    ASSERT_NE(p, nullptr);
    EXPECT_EQ(reinterpret_cast<uintptr_t>(p) % BufferPool::kAlignment, 0u);
    std::memset(p, 0xab, size);
    first.push_back(p);
  }
  for (void *p : first)
    pool.deallocate(p);
  qmlir::BufferPoolStats afterFirst = pool.stats();
  EXPECT_EQ(afterFirst.allocations, sizes.size());
  EXPECT_EQ(afterFirst.reused, 0u);
  EXPECT_EQ(afterFirst.liveBytes, 0u);
  // 1000 twice, 64, 0, 1 MiB, 7 (rounded to 64 each).
  EXPECT_EQ(afterFirst.peakLiveBytes, 2 * 1024u + 64u + 0u + (1u << 20) + 64u);

  for (int call = 0; call < 3; ++call) {
    std::vector<void *> again;
    for (size_t size : sizes)
      again.push_back(pool.allocate(size));
    for (void *p : again)
      pool.deallocate(p);
  }
  qmlir::BufferPoolStats stats = pool.stats();
  EXPECT_EQ(stats.allocations, 4 * sizes.size());
  EXPECT_EQ(stats.reused, 3 * sizes.size());
  EXPECT_EQ(stats.heldBytes, afterFirst.heldBytes);
  EXPECT_EQ(stats.peakLiveBytes, afterFirst.peakLiveBytes);
  pool.deallocate(nullptr);
}

TEST(BufferPool, ThreadSafe) {
  BufferPool pool;
  constexpr int kThreads = 4, kRounds = 2000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&pool, t] {
      for (int r = 0; r < kRounds; ++r) {
        size_t size = 64 * (1 + (r + t) % 5);
        auto *p = static_cast<unsigned char *>(pool.allocate(size));
        ASSERT_NE(p, nullptr);
        std::memset(p, t, size);
        for (size_t i = 0; i < size; ++i)
          ASSERT_EQ(p[i], t) << "a block was handed out twice";
        pool.deallocate(p);
      }
    });
  for (std::thread &t : threads)
    t.join();
  qmlir::BufferPoolStats stats = pool.stats();
  EXPECT_EQ(stats.allocations, uint64_t(kThreads) * kRounds);
  EXPECT_EQ(stats.liveBytes, 0u);
  // At most one block per thread and size was ever needed.
  EXPECT_LE(stats.allocations - stats.reused, uint64_t(kThreads) * 5);
}

} // namespace
