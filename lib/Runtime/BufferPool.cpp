//===- BufferPool.cpp - reuse of a compiled model's temporary buffers -----===//

#include "qmlir/Runtime/BufferPool.h"

#include <algorithm>
#include <cstdlib>

using namespace qmlir;

/// Precedes every block, one alignment unit long so that the block stays
/// aligned: the rounded size, the key of the block's free list.
struct BufferPool::Header {
  size_t size;
};
static_assert(sizeof(size_t) <= BufferPool::kAlignment);

static size_t roundUp(size_t size) {
  return (size + BufferPool::kAlignment - 1) & ~(BufferPool::kAlignment - 1);
}

BufferPool::~BufferPool() {
  for (void *base : systemBlocks)
    std::free(base);
}

void *BufferPool::allocate(size_t size) {
  if (size > SIZE_MAX - 2 * kAlignment)
    return nullptr;
  size_t rounded = roundUp(size);
  {
    std::lock_guard<std::mutex> lock(mutex);
    ++counters.allocations;
    auto it = freeBlocks.find(rounded);
    if (it != freeBlocks.end() && !it->second.empty()) {
      void *block = it->second.pop_back_val();
      ++counters.reused;
      counters.liveBytes += rounded;
      counters.peakLiveBytes =
          std::max(counters.peakLiveBytes, counters.liveBytes);
      return block;
    }
  }
  // A new block, outside the lock (the system allocator is thread-safe).
  void *base = std::aligned_alloc(kAlignment, kAlignment + rounded);
  if (!base)
    return nullptr;
  static_cast<Header *>(base)->size = rounded;
  std::lock_guard<std::mutex> lock(mutex);
  systemBlocks.push_back(base);
  counters.heldBytes += kAlignment + rounded;
  counters.liveBytes += rounded;
  counters.peakLiveBytes = std::max(counters.peakLiveBytes, counters.liveBytes);
  return static_cast<char *>(base) + kAlignment;
}

void BufferPool::deallocate(void *block) {
  if (!block)
    return;
  auto *header =
      reinterpret_cast<Header *>(static_cast<char *>(block) - kAlignment);
  std::lock_guard<std::mutex> lock(mutex);
  counters.liveBytes -= header->size;
  freeBlocks[header->size].push_back(block);
}

BufferPoolStats BufferPool::stats() const {
  std::lock_guard<std::mutex> lock(mutex);
  return counters;
}

extern "C" void *qmlirBufferPoolAlloc(BufferPool *pool, uint64_t size) {
  return pool->allocate(size);
}

extern "C" void qmlirBufferPoolFree(BufferPool *pool, void *block) {
  pool->deallocate(block);
}
