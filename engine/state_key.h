// Appending integers to a state key (Daemon::AppendState, AppendPacketState,
// the simulator's Simulation::SteadyStateKey) at the cost of a store each.
//
// Why not push_back: a key is a few hundred integers taken every simulated
// second of a quiet run, and push_back's capacity check plus its out-of-line
// growth path kept GCC from inlining it at the many call sites: it was more
// than half the cost of a key. The writer claims room up front and writes
// through a pointer; running out of room (a key longer than the caller
// guessed) only costs a regrowth.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>
#include <utility>
#include <vector>

namespace vrrp {

// Leaves new elements uninitialised on resize: the writer claims room it
// fills itself, and zeroing it first showed up in profiles.
template <typename T>
struct UninitAllocator : std::allocator<T> {
  template <typename U>
  struct rebind {
    using other = UninitAllocator<U>;
  };
  UninitAllocator() = default;
  template <typename U>
  UninitAllocator(const UninitAllocator<U>&) noexcept {}
  template <typename U>
  void construct(U* p) noexcept {
    ::new (static_cast<void*>(p)) U;
  }
  template <typename U, typename... Args>
  void construct(U* p, Args&&... args) {
    ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
  }
};

// A state key: integers compared as a whole.
using StateKey = std::vector<std::int64_t, UninitAllocator<std::int64_t>>;

class StateKeyWriter {
 public:
  // Appends to `out` (its contents so far stay); `expected` integers are
  // claimed at once.
  StateKeyWriter(StateKey* out, std::size_t expected) : out_(out) {
    const std::size_t n = out->size();
    out->resize(n + (expected ? expected : 16));
    p_ = out->data() + n;
    end_ = out->data() + out->size();
  }
  StateKeyWriter(const StateKeyWriter&) = delete;
  StateKeyWriter& operator=(const StateKeyWriter&) = delete;
  // Gives the unused room back: `out` ends with what was put.
  ~StateKeyWriter() { out_->resize(static_cast<std::size_t>(p_ - out_->data())); }

  [[gnu::always_inline]] void Put(std::int64_t v) {
    if (p_ == end_) [[unlikely]]
      Grow();
    *p_++ = v;
  }

 private:
  [[gnu::noinline]] void Grow() {
    const std::size_t used = static_cast<std::size_t>(p_ - out_->data());
    out_->resize(out_->size() * 2 + 16);
    p_ = out_->data() + used;
    end_ = out_->data() + out_->size();
  }

  StateKey* out_;
  std::int64_t* p_;
  std::int64_t* end_;
};

}  // namespace vrrp
