#include "sim/explore/shrink.h"

#include <algorithm>

#include "sim/explore/trial.h"
#include "sim/scenario/runner.h"

namespace vsim {

namespace {

constexpr vrrp::Duration kMs = vrrp::kSecond / 1000;

class Shrinker {
 public:
  explicit Shrinker(const ShrinkInput& in) : in_(in) {
    out_.base = *in.base;
    out_.schedule = in.schedule;
    out_.duration = in.duration;
  }

  ShrinkOutput Run() {
    if (!Fails(out_.base, out_.schedule, out_.duration)) return std::move(out_);
    out_.still_fails = true;
    DropFaults();
    ShortenWindows();
    ShiftEarlier();
    SnapTimes();
    DropFaults();  // windows now short and times round: a fault may have become needless
    ShortenRun();
    DropNodes();
    Fails(out_.base, out_.schedule, out_.duration);  // the final evidence
    return std::move(out_);
  }

 private:
  bool Fails(const Scenario& base, const FaultSchedule& s, vrrp::Duration duration) {
    ++out_.runs;
    TrialBuilder tb(base, in_.prefix, duration);
    Scenario trial;
    tb.Build(s, {in_.property}, &trial);
    RunOptions ro;
    ro.seed = in_.run_seed;
    ro.metrics = false;
    RunResult r = RunScenario(trial, ro);
    if (r.expectations.empty() || r.expectations[0].passed) return false;
    out_.evidence = r.expectations[0].evidence;
    return true;
  }
  bool Try(const FaultSchedule& s) { return Fails(out_.base, s, out_.duration); }

  static void Sort(FaultSchedule* s) {
    std::stable_sort(s->begin(), s->end(),
                     [](const Fault& a, const Fault& b) { return a.at < b.at; });
  }

  void DropFaults() {
    // A configuration that fails without any fault: no fault is the minimum.
    if (!out_.schedule.empty() && Try({})) {
      out_.schedule.clear();
      return;
    }
    // ddmin's complement step with granularity n, then one at a time.
    std::size_t n = 2;
    while (out_.schedule.size() >= 2) {
      const std::size_t size = out_.schedule.size();
      const std::size_t chunk = (size + n - 1) / n;
      bool reduced = false;
      for (std::size_t start = 0; start < size; start += chunk) {
        FaultSchedule rest;
        for (std::size_t i = 0; i < size; ++i)
          if (i < start || i >= start + chunk) rest.push_back(out_.schedule[i]);
        if (!rest.empty() && Try(rest)) {
          out_.schedule = std::move(rest);
          n = std::max<std::size_t>(n - 1, 2);
          reduced = true;
          break;
        }
      }
      if (!reduced) {
        if (n >= size) break;
        n = std::min(size, n * 2);
      }
    }
  }

  void ShortenWindows() {
    for (std::size_t i = 0; i < out_.schedule.size(); ++i) {
      Fault& f = out_.schedule[i];
      if (f.instant()) continue;
      const vrrp::Time end_of_run = out_.duration;
      if (!f.length) {
        // Closed at the end of the run is the same as open; try closing it
        // halfway first.
        FaultSchedule s = out_.schedule;
        s[i].length = std::max<vrrp::Duration>((end_of_run - f.at) / 2 / kMs * kMs, kMs);
        if (!Try(s)) continue;
        out_.schedule = std::move(s);
      }
      // The shortest length that still fails (binary search on ms).
      vrrp::Duration lo = kMs, hi = *out_.schedule[i].length;
      if (hi <= lo) continue;
      {
        FaultSchedule s = out_.schedule;
        s[i].length = lo;
        if (Try(s)) {
          out_.schedule = std::move(s);
          continue;
        }
      }
      while (hi - lo > kMs && out_.runs < kMaxRuns) {
        const vrrp::Duration mid = (lo + (hi - lo) / 2) / kMs * kMs;
        if (mid <= lo || mid >= hi) break;
        FaultSchedule s = out_.schedule;
        s[i].length = mid;
        if (Try(s)) {
          hi = mid;
          out_.schedule = std::move(s);
        } else {
          lo = mid;
        }
      }
    }
  }

  // Every fault earlier by the same whole number of seconds (the largest
  // found by bisection), so the run can be shorter.
  void ShiftEarlier() {
    if (out_.schedule.empty()) return;
    vrrp::Time earliest = out_.schedule.front().at;
    for (const auto& f : out_.schedule) earliest = std::min(earliest, f.at);
    auto shifted = [&](vrrp::Duration d) {
      FaultSchedule s = out_.schedule;
      for (auto& f : s) f.at -= d;
      return s;
    };
    std::int64_t lo = 0, hi = earliest / vrrp::kSecond;  // whole seconds; lo is known to fail
    if (hi <= 0) return;
    if (Try(shifted(hi * vrrp::kSecond))) {
      out_.schedule = shifted(hi * vrrp::kSecond);
      return;
    }
    while (hi - lo > 1 && out_.runs < kMaxRuns) {
      const std::int64_t mid = lo + (hi - lo) / 2;
      if (Try(shifted(mid * vrrp::kSecond))) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    if (lo > 0) out_.schedule = shifted(lo * vrrp::kSecond);
  }

  static vrrp::Duration Round(vrrp::Duration x, vrrp::Duration unit, bool up) {
    const vrrp::Duration down = x / unit * unit;
    if (!up) return down;
    return down == x ? x : down + unit;
  }

  void SnapTimes() {
    static constexpr vrrp::Duration kUnits[] = {10 * vrrp::kSecond, vrrp::kSecond, 100 * kMs};
    for (std::size_t i = 0; i < out_.schedule.size(); ++i) {
      for (vrrp::Duration unit : kUnits) {
        const Fault& f = out_.schedule[i];
        if (f.at % unit == 0) break;
        bool done = false;
        for (bool up : {false, true}) {
          FaultSchedule s = out_.schedule;
          s[i].at = Round(f.at, unit, up);
          if (s[i].at >= out_.duration) continue;
          Sort(&s);
          if (Try(s)) {
            out_.schedule = std::move(s);
            done = true;
            break;
          }
        }
        if (done) break;
      }
    }
    for (std::size_t i = 0; i < out_.schedule.size(); ++i) {
      for (vrrp::Duration unit : kUnits) {
        const Fault& f = out_.schedule[i];
        if (!f.length || *f.length == 0 || *f.length % unit == 0) {
          if (f.length && *f.length % unit == 0) break;
          continue;
        }
        bool done = false;
        for (bool up : {false, true}) {
          FaultSchedule s = out_.schedule;
          s[i].length = Round(*f.length, unit, up);
          if (*s[i].length <= 0) continue;
          if (Try(s)) {
            out_.schedule = std::move(s);
            done = true;
            break;
          }
        }
        if (done) break;
      }
    }
  }

  // Nothing the run must still contain may be cut: the faults, the prefix's
  // operations, and the property's own horizon after the last fault.
  vrrp::Duration MinDuration() const {
    vrrp::Time t = TrialBuilder::SettleTime(out_.schedule);
    if (in_.prefix)
      for (const auto& op : out_.base.timeline) t = std::max(t, op.at);
    vrrp::Duration horizon = vrrp::kSecond;
    const Expectation& e = in_.property.expect;
    if (e.within) horizon += *e.within;
    if (e.window) horizon += *e.window;
    if (e.tolerance) horizon += *e.tolerance;
    return Round(t + horizon, vrrp::kSecond, true);
  }

  void ShortenRun() {
    vrrp::Duration lo = MinDuration(), hi = out_.duration;
    if (lo >= hi) return;
    if (Fails(out_.base, out_.schedule, lo)) {
      out_.duration = lo;
      return;
    }
    while (hi - lo > vrrp::kSecond && out_.runs < kMaxRuns) {
      const vrrp::Duration mid = Round(lo + (hi - lo) / 2, vrrp::kSecond, false);
      if (mid <= lo || mid >= hi) break;
      if (Fails(out_.base, out_.schedule, mid)) {
        hi = mid;
        out_.duration = mid;
      } else {
        lo = mid;
      }
    }
    // Leave the run's last op state etc. as found: `hi` is the shortest
    // duration seen to fail.
  }

  void DropNodes() {
    for (int i = static_cast<int>(out_.base.nodes.size()) - 1; i >= 0; --i) {
      if (out_.base.nodes.size() <= 1) break;
      if (Referenced(i)) continue;
      Scenario reduced = out_.base;
      FaultSchedule s = out_.schedule;
      if (!RemoveNode(i, &reduced, &s)) continue;
      if (Fails(reduced, s, out_.duration)) {
        out_.removed.push_back(out_.base.nodes[static_cast<std::size_t>(i)].name);
        out_.base = std::move(reduced);
        out_.schedule = std::move(s);
      }
    }
    std::reverse(out_.removed.begin(), out_.removed.end());
  }

  bool Referenced(int node) const {
    for (const auto& f : out_.schedule)
      if (f.node == node || f.peer == node) return true;
    if (in_.prefix)
      for (const auto& op : out_.base.timeline) {
        if (op.node == node || op.peer == node) return true;
        for (const auto& g : op.groups)
          if (std::find(g.begin(), g.end(), node) != g.end()) return true;
      }
    return in_.property.expect.node == node;
  }

  static bool RemoveNode(int node, Scenario* sc, FaultSchedule* s) {
    sc->nodes.erase(sc->nodes.begin() + node);
    auto remap = [node](int& x) {
      if (x > node) --x;
    };
    for (auto& op : sc->timeline) {
      remap(op.node);
      remap(op.peer);
      for (auto& g : op.groups) {
        g.erase(std::remove(g.begin(), g.end(), node), g.end());
        for (int& x : g) remap(x);
      }
    }
    for (auto& e : sc->expect) {
      if (e.node == node) return false;
      remap(e.node);
    }
    for (auto& f : *s) {
      remap(f.node);
      remap(f.peer);
    }
    return true;
  }

  static constexpr int kMaxRuns = 2000;
  const ShrinkInput& in_;
  ShrinkOutput out_;
};

}  // namespace

ShrinkOutput Shrink(const ShrinkInput& in) { return Shrinker(in).Run(); }

}  // namespace vsim
