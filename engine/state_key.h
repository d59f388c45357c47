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
#include <vector>

namespace vrrp {

class StateKeyWriter {
 public:
  // Appends to `out` (its contents so far stay); `expected` integers are
  // claimed at once.
  StateKeyWriter(std::vector<std::int64_t>* out, std::size_t expected) : out_(out) {
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

  std::vector<std::int64_t>* out_;
  std::int64_t* p_;
  std::int64_t* end_;
};

}  // namespace vrrp
