#include "sim/world/timing_profile.h"

#include <algorithm>

namespace vsim {

Distribution Distribution::Constant(Duration v) {
  Distribution d;
  if (v != 0) d.points_.push_back({0, v});
  return d;
}

std::string Distribution::CheckPoints(const std::vector<Point>& points) {
  if (points.empty()) return "no points";
  if (points.size() == 1) return points[0].second >= 0 ? "" : "a delay cannot be negative";
  if (points.front().first != 0) return "the first quantile must be p0";
  if (points.back().first != kOne) return "the last quantile must be p100";
  for (std::size_t i = 0; i < points.size(); ++i) {
    if (points[i].second < 0) return "a delay cannot be negative";
    if (i > 0 && points[i].first <= points[i - 1].first)
      return "quantiles must be given in increasing order, each once";
    if (i > 0 && points[i].second < points[i - 1].second)
      return "values must not decrease as the quantile grows";
  }
  return "";
}

Distribution Distribution::FromPoints(std::vector<Point> points) {
  Distribution d;
  const bool all_zero =
      std::all_of(points.begin(), points.end(), [](const Point& p) { return p.second == 0; });
  if (all_zero) return d;
  // Equal values throughout: a constant (draws nothing).
  const bool same = std::all_of(points.begin(), points.end(),
                                [&](const Point& p) { return p.second == points[0].second; });
  if (same) return Constant(points[0].second);
  d.points_ = std::move(points);
  return d;
}

Distribution Distribution::FromSamples(std::vector<Duration> samples) {
  std::sort(samples.begin(), samples.end());
  if (samples.size() == 1) return Constant(samples[0]);
  std::vector<Point> points;
  const auto n = static_cast<std::int64_t>(samples.size());
  for (std::int64_t i = 0; i < n; ++i) {
    const std::int64_t q = i * kOne / (n - 1);
    // Equal quantiles (more than a million samples) keep the larger value.
    if (!points.empty() && points.back().first == q)
      points.back().second = samples[static_cast<std::size_t>(i)];
    else
      points.push_back({q, samples[static_cast<std::size_t>(i)]});
  }
  return FromPoints(std::move(points));
}

Duration Distribution::Quantile(std::int64_t q) const {
  if (points_.empty()) return 0;
  if (points_.size() == 1) return points_[0].second;
  q = std::clamp<std::int64_t>(q, 0, kOne);
  // The first point at or past q.
  auto it = std::lower_bound(points_.begin(), points_.end(), q,
                             [](const Point& p, std::int64_t x) { return p.first < x; });
  if (it == points_.begin()) return it->second;
  const Point& hi = *it;
  const Point& lo = *(it - 1);
  // Values are at most 60 s (6e7 µs) and spans at most 1e6: no overflow.
  return lo.second + (hi.second - lo.second) * (q - lo.first) / (hi.first - lo.first);
}

Duration Distribution::Draw(Rng& rng) const {
  if (points_.size() <= 1) return points_.empty() ? 0 : points_[0].second;
  return Quantile(static_cast<std::int64_t>(rng.Below(kOne + 1)));
}

}  // namespace vsim
