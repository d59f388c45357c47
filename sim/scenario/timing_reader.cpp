// yaml-cpp exceptions are caught here, at the boundary.
#include "sim/scenario/timing_reader.h"

#include <algorithm>
#include <mutex>
#include <yaml-cpp/yaml.h>

#include "sim/core/time_text.h"
#include "sim/io/file_io.h"
#include "sim/io/fs_include_resolver.h"
#include "sim/scenario/scenario.h"

namespace vsim {
namespace {

constexpr std::string_view kDistributionKeys[] = {"startup",      "startup_gap", "operation_delay",
                                                  "stop_delay",   "check_delay", "advert_delay",
                                                  "timer_wakeup", "instance_gap"};

class Reader {
 public:
  explicit Reader(TimingReadContext& ctx) : ctx_(ctx) {}

  vrrp::Location Loc(const YAML::Node& n) const {
    const YAML::Mark m = n.Mark();
    if (m.is_null()) return {ctx_.file, 0, 0};
    return {ctx_.file, m.line + 1, m.column + 1};
  }
  void Error(const YAML::Node& n, std::string msg) {
    ok_ = false;
    ctx_.error(Loc(n), std::move(msg));
  }
  bool ok() const { return ok_; }

  bool Keys(const YAML::Node& map, const std::vector<std::string_view>& allowed,
            const std::string& what) {
    if (ctx_.keys_checked) ctx_.keys_checked(Loc(map), allowed);
    bool ok = true;
    std::vector<std::string> seen;
    for (const auto& kvp : map) {
      const YAML::Node k = kvp.first;
      const std::string key = k.IsScalar() ? k.Scalar() : "";
      if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
        std::string msg = "unknown key '" + key + "' in " + what + " (expected one of:";
        for (auto a : allowed) msg += " " + std::string(a);
        Error(k, msg + ")");
        ok = false;
      } else if (std::find(seen.begin(), seen.end(), key) != seen.end()) {
        Error(k, "duplicate key '" + key + "' in " + what);
        ok = false;
      } else {
        seen.push_back(key);
      }
    }
    return ok;
  }

  std::optional<Duration> Delay(const YAML::Node& n, const std::string& what) {
    if (!n.IsScalar()) {
      Error(n, what + " must be a duration (e.g. 12ms)");
      return std::nullopt;
    }
    std::string err;
    auto d = ParseDuration(n.Scalar(), &err);
    if (!d) {
      Error(n, what + ": " + err);
      return std::nullopt;
    }
    if (*d < 0 || *d > kMaxProfileDelay) {
      Error(n, what + ": a delay must be between 0 and 60s, got '" + n.Scalar() + "'");
      return std::nullopt;
    }
    return d;
  }

  // "p0", "p50", "p99.9", "p100" -> millionths.
  std::optional<std::int64_t> QuantileKey(const YAML::Node& k) {
    const std::string s = k.IsScalar() ? k.Scalar() : "";
    std::int64_t whole = 0, frac = 0, frac_digits = 0;
    bool ok = s.size() >= 2 && s[0] == 'p';
    bool dot = false;
    std::size_t int_digits = 0;
    for (std::size_t i = 1; ok && i < s.size(); ++i) {
      const char c = s[i];
      if (c == '.' && !dot && int_digits > 0) {
        dot = true;
      } else if (c >= '0' && c <= '9') {
        if (dot) {
          if (++frac_digits > 4) ok = false;
          frac = frac * 10 + (c - '0');
        } else {
          if (++int_digits > 3) ok = false;
          whole = whole * 10 + (c - '0');
        }
      } else {
        ok = false;
      }
    }
    if (dot && frac_digits == 0) ok = false;
    while (ok && frac_digits < 4) {
      frac *= 10;
      ++frac_digits;
    }
    const std::int64_t q = whole * 10000 + frac;
    if (!ok || q > Distribution::kOne) {
      Error(k,
            "a quantile is written p0 .. p100 (p50 = the median, p99.9: up to 4 decimals), "
            "got '" +
                s + "'");
      return std::nullopt;
    }
    return q;
  }

  std::optional<Distribution> Dist(const YAML::Node& n, const std::string& what) {
    if (n.IsScalar()) {
      auto d = Delay(n, what);
      if (!d) return std::nullopt;
      return Distribution::Constant(*d);
    }
    if (!n.IsMap()) {
      Error(n, what +
                   " must be a duration, {quantiles: {p0: .., p50: .., p100: ..}} or "
                   "{samples: [..]}");
      return std::nullopt;
    }
    if (!Keys(n, {"quantiles", "samples"}, what)) return std::nullopt;
    const YAML::Node q = n["quantiles"];
    const YAML::Node s = n["samples"];
    if (q.IsDefined() == s.IsDefined()) {
      Error(n, what + ": give either quantiles or samples");
      return std::nullopt;
    }
    if (q.IsDefined()) {
      if (!q.IsMap() || q.size() == 0) {
        Error(q, what + " quantiles must be a mapping such as {p0: 5ms, p50: 12ms, p100: 40ms}");
        return std::nullopt;
      }
      std::vector<Distribution::Point> points;
      for (const auto& kvp : q) {
        auto at = QuantileKey(kvp.first);
        auto v = Delay(kvp.second, what + " " + (kvp.first.IsScalar() ? kvp.first.Scalar() : ""));
        if (!at || !v) return std::nullopt;
        points.push_back({*at, *v});
      }
      if (const std::string why = Distribution::CheckPoints(points); !why.empty()) {
        Error(q, what + " quantiles: " + why +
                     " (give p0 and p100 and any quantiles between, in increasing order)");
        return std::nullopt;
      }
      return Distribution::FromPoints(std::move(points));
    }
    if (!s.IsSequence() || s.size() == 0 || s.size() > kMaxProfileSamples) {
      Error(s, what + " samples must be a list of 1 to " + std::to_string(kMaxProfileSamples) +
                   " durations");
      return std::nullopt;
    }
    std::vector<Duration> samples;
    for (const auto& item : s) {
      auto v = Delay(item, what + " sample");
      if (!v) return std::nullopt;
      samples.push_back(*v);
    }
    return Distribution::FromSamples(std::move(samples));
  }

  // The eight distributions of a mapping (absent keys leave `p` as it is).
  void Distributions(const YAML::Node& map, TimingProfile* p) {
    for (std::string_view key : kDistributionKeys) {
      const YAML::Node v = map[std::string(key)];
      if (!v.IsDefined()) continue;
      auto d = Dist(v, "timing " + std::string(key));
      if (!d) continue;
      if (key == "startup") p->startup = *d;
      if (key == "startup_gap") p->startup_gap = *d;
      if (key == "operation_delay") p->operation_delay = *d;
      if (key == "stop_delay") p->stop_delay = *d;
      if (key == "check_delay") p->check_delay = *d;
      if (key == "advert_delay") p->advert_delay = *d;
      if (key == "timer_wakeup") p->timer_wakeup = *d;
      if (key == "instance_gap") p->instance_gap = *d;
    }
  }

  // A profile file's top level.
  void File(const YAML::Node& root, TimingProfile* p) {
    if (!root.IsMap()) {
      Error(root,
            "a timing profile must be a mapping of startup, startup_gap, operation_delay, "
            "stop_delay, check_delay, "
            "advert_delay, timer_wakeup, instance_gap (and name, description, recorded)");
      return;
    }
    if (!Keys(root,
              {"name", "description", "recorded", "startup", "startup_gap", "operation_delay",
               "stop_delay", "check_delay", "advert_delay", "timer_wakeup", "instance_gap"},
              "a timing profile"))
      return;
    for (const char* key : {"name", "description"}) {
      const YAML::Node v = root[key];
      if (!v.IsDefined()) continue;
      if (!v.IsScalar())
        Error(v, std::string(key) + " must be text");
      else
        (key[0] == 'n' ? p->name : p->description) = v.Scalar();
    }
    Distributions(root, p);
  }

 private:
  TimingReadContext& ctx_;
  bool ok_ = true;
};

std::shared_ptr<const TimingProfile> Shared(TimingProfile p) {
  if (p.ideal()) return nullptr;
  return std::make_shared<const TimingProfile>(std::move(p));
}

}  // namespace

bool ReadTimingProfileText(std::string_view text, const std::string& path,
                           std::vector<vrrp::Diagnostic>* errors, TimingProfile* out) {
  const std::size_t before = errors->size();
  TimingReadContext ctx;
  ctx.file = path;
  ctx.error = [&](const vrrp::Location& where, std::string msg) {
    errors->push_back({vrrp::Severity::kError, where, std::move(msg), vrrp::DiagClass::kVrrpsim});
  };
  try {
    const YAML::Node root = YAML::Load(std::string(text));
    Reader r(ctx);
    r.File(root, out);
  } catch (const YAML::Exception& e) {
    vrrp::Location where{path, 0, 0};
    if (!e.mark.is_null()) where = {path, e.mark.line + 1, e.mark.column + 1};
    ctx.error(where, "timing profile: syntax error: " + e.msg);
  } catch (const std::exception& e) {
    ctx.error({path, 0, 0}, std::string("timing profile: cannot read: ") + e.what());
  }
  return errors->size() == before;
}

std::shared_ptr<const TimingProfile> MeasuredProfile() {
  static const std::shared_ptr<const TimingProfile> profile = [] {
    TimingProfile p;
    std::vector<vrrp::Diagnostic> errors;
    if (!ReadTimingProfileText(MeasuredProfileText(), "data/timing/measured.json", &errors, &p))
      return std::shared_ptr<const TimingProfile>();
    p.source = "measured";
    return std::make_shared<const TimingProfile>(std::move(p));
  }();
  return profile;
}

bool ReadTiming(const YAML::Node& n, TimingReadContext& ctx,
                std::shared_ptr<const TimingProfile>* out) {
  Reader r(ctx);
  out->reset();
  auto named = [&](const YAML::Node& v, TimingProfile* p) {
    const std::string s = v.Scalar();
    if (s == "ideal") return true;
    if (s == "measured") {
      auto m = MeasuredProfile();
      if (!m) {
        r.Error(v, "the built-in measured profile is broken (data/timing/measured.json)");
        return false;
      }
      *p = *m;
      return true;
    }
    // A profile file, inside the scenario's directory tree (as config_file).
    const std::string path = !s.empty() && s[0] == '/' ? s : ctx.base_dir + "/" + s;
    const std::string canon = CanonicalPath(path);
    const std::string root = CanonicalPath(ctx.base_dir);
    if (s.empty() || canon.empty()) {
      const std::string kind = s.empty() ? "" : DescribeFileType(path);
      r.Error(v, "timing profile '" + s + "' " +
                     (kind.empty() ? "not found (expected ideal, measured, or a profile file; "
                                     "looked for " +
                                         path + ")"
                                   : "is " + kind));
      return false;
    }
    if (root.empty() || !IsUnder(canon, root)) {
      r.Error(v, "timing profile '" + s + "' is outside the scenario's directory " + ctx.base_dir +
                     " - refused");
      return false;
    }
    std::string data, error;
    if (!ReadRegularFile(path, kMaxProfileBytes, &data, &error)) {
      r.Error(v, "timing profile '" + s + "': " + error);
      return false;
    }
    if (ctx.files_read) ctx.files_read->push_back(path);
    std::vector<vrrp::Diagnostic> errors;
    if (!ReadTimingProfileText(data, s, &errors, p)) {
      for (auto& d : errors) ctx.error(d.where, "timing profile: " + d.message);
      r.Error(v, "timing profile '" + s + "' has errors (above)");
      return false;
    }
    p->source = s;
    return true;
  };
  TimingProfile p;
  if (n.IsScalar()) {
    if (!named(n, &p)) return false;
    *out = Shared(std::move(p));
    return true;
  }
  if (!n.IsMap()) {
    r.Error(n,
            "timing must be ideal, measured, or a mapping of profile, startup, startup_gap, "
            "operation_delay, stop_delay, check_delay, advert_delay, timer_wakeup, instance_gap");
    return false;
  }
  if (!r.Keys(n,
              {"profile", "startup", "startup_gap", "operation_delay", "stop_delay", "check_delay",
               "advert_delay", "timer_wakeup", "instance_gap"},
              "timing"))
    return false;
  if (const YAML::Node base = n["profile"]; base.IsDefined()) {
    if (!base.IsScalar()) {
      r.Error(base, "timing profile must be ideal, measured, or a profile file's path");
      return false;
    }
    if (!named(base, &p)) return false;
  }
  p.source.clear();  // inline keys: written back inline
  r.Distributions(n, &p);
  if (!r.ok()) return false;
  *out = Shared(std::move(p));
  return true;
}

std::string FormatDistribution(const Distribution& d) {
  if (d.zero()) return "0";
  if (d.constant()) return FormatTime(d.points()[0].second);
  std::string out = "{quantiles: {";
  bool first = true;
  for (const auto& [q, v] : d.points()) {
    if (!first) out += ", ";
    first = false;
    std::string qs = std::to_string(q / 10000);
    if (std::int64_t frac = q % 10000; frac != 0) {
      std::string f = std::to_string(frac + 10000).substr(1);
      while (!f.empty() && f.back() == '0') f.pop_back();
      qs += "." + f;
    }
    out += "p" + qs + ": " + FormatTime(v);
  }
  return out + "}}";
}

}  // namespace vsim
