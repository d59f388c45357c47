#include "gui/timeline_view.h"

#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>
#include <QWheelEvent>
#include <algorithm>
#include <cmath>
#include <limits>

#include "sim/trace/text_report.h"

namespace vsim::gui {

namespace {

constexpr int kAxisHeight = 26;
constexpr int kHeaderHeight = 18;
constexpr int kMaxLane = 34;
constexpr int kMinLane = 2;
constexpr int kLaneGap = 2;
// Message arrows are drawn only when there are few enough to read.
constexpr std::size_t kMaxArrows = 400;
// ... and only when zoomed in to seconds: at minutes per screen they are noise.
constexpr Duration kMaxArrowSpan = 15 * vrrp::kSecond;

QFont LaneFont(int pixel) {
  QFont f("DejaVu Sans");
  f.setPixelSize(pixel);
  return f;
}

QColor BandColor(const std::string& kind) {
  if (kind == "crash" || kind == "power-off" || kind == "stop") return {60, 60, 60, 70};
  if (kind == "partition" || kind == "block") return {150, 60, 200, 55};
  if (kind == "check") return {240, 170, 0, 70};
  if (kind == "link-down") return {150, 90, 30, 70};
  if (kind == "pause") return {0, 170, 200, 60};
  return {0, 0, 0, 60};
}

void Arrow(QPainter& p, QPointF a, QPointF b) {
  p.drawLine(a, b);
  const double ang = std::atan2(b.y() - a.y(), b.x() - a.x());
  const double s = 5;
  QPolygonF head;
  head << b << QPointF(b.x() - s * std::cos(ang - 0.45), b.y() - s * std::sin(ang - 0.45))
       << QPointF(b.x() - s * std::cos(ang + 0.45), b.y() - s * std::sin(ang + 0.45));
  p.save();
  p.setBrush(p.pen().color());
  p.setPen(Qt::NoPen);
  p.drawPolygon(head);
  p.restore();
}

}  // namespace

Duration TickStep(double min_units) {
  // 1-2-5 steps up to the largest that fits a Duration; computed, not
  // searched, so that a window of years (or of 2^63 us) costs nothing.
  constexpr double kMaxStep = 5e18;
  if (!(min_units > 1)) return 1;  // also NaN
  if (min_units >= kMaxStep) return Duration(kMaxStep);
  double base = std::pow(10.0, std::floor(std::log10(min_units)));
  for (;;) {
    for (double k : {1.0, 2.0, 5.0})
      if (base * k >= min_units) return Duration(std::llround(base * k));
    base *= 10;
  }
}

Time FirstTick(Time lo, Duration step) {
  // The first multiple of `step` at or after `lo`, without overflowing.
  Time t = lo / step * step;
  if (t < lo && t <= std::numeric_limits<Time>::max() - step) t += step;
  return t;
}

QColor StateColor(LaneState s) {
  switch (s) {
    case LaneState::kMaster:
      return {46, 157, 74};
    case LaneState::kBackup:
      return {59, 115, 196};
    case LaneState::kFault:
      return {224, 138, 30};
    case LaneState::kInit:
      return {155, 140, 196};
    case LaneState::kStop:
      return {90, 90, 90};
    case LaneState::kDown:
      break;
  }
  return {214, 214, 214};
}

QColor HostColor(int host) {
  static const QColor kPalette[] = {{31, 119, 180},  {255, 127, 14}, {44, 160, 44},
                                    {148, 103, 189}, {140, 86, 75},  {227, 119, 194},
                                    {127, 127, 127}, {188, 189, 34}, {23, 190, 207}};
  return kPalette[std::size_t(std::max(host, 0)) % std::size(kPalette)];
}

TimelineView::TimelineView(QWidget* parent) : QWidget(parent) {
  setMouseTracking(true);
  setAttribute(Qt::WA_OpaquePaintEvent);
  setFocusPolicy(Qt::WheelFocus);
  rubber_band_ = new QRubberBand(QRubberBand::Rectangle, this);
  vbar_ = new QScrollBar(Qt::Vertical, this);
  vbar_->setObjectName("laneScroll");
  vbar_->hide();
  connect(vbar_, &QScrollBar::valueChanged, this, [this](int v) { setScrollOffset(v); });
}

void TimelineView::setModels(std::vector<std::shared_ptr<const TimelineModel>> models) {
  models_ = std::move(models);
  header_labels_.clear();
  scroll_ = 0;
  relayout();
  rebuildMap();
  rebuildTransitions();
  fitAll();
}

void TimelineView::rebuildTransitions() {
  const Time was = cursorTime();
  transitions_.clear();
  cursor_ = -1;
  for (const auto& m : models_) {
    const QString prefix =
        models_.size() > 1 ? QString::fromStdString(m->title()) + ": " : QString();
    for (const Lane& l : m->lanes()) {
      if (l.kind != Lane::Kind::kInstance) continue;
      for (std::size_t i = 1; i < l.segments.size(); ++i) {
        const StateSegment& s = l.segments[i];
        transitions_.push_back({s.start, QString::fromStdString(FormatSeconds(s.start, 1)) + " " +
                                             prefix + QString::fromStdString(l.label) + " " +
                                             LaneStateName(l.segments[i - 1].state) + " -> " +
                                             LaneStateName(s.state)});
      }
    }
  }
  // Stable: simultaneous changes keep lane order (deterministic).
  std::stable_sort(transitions_.begin(), transitions_.end(),
                   [](const Transition& a, const Transition& b) { return a.t < b.t; });
  // After a re-simulation the cursor stays at the same time.
  if (was >= 0)
    for (std::size_t i = 0; i < transitions_.size() && cursor_ < 0; ++i)
      if (transitions_[i].t >= was) cursor_ = int(i);
}

QString TimelineView::stepTransition(int direction) {
  if (transitions_.empty()) return {};
  int next = -1;
  if (cursor_ >= 0) {
    next = cursor_ + (direction > 0 ? 1 : -1);
  } else {
    // From the middle of the window.
    const Time mid = map_.ToTime((a0_ + a1_) / 2);
    if (direction > 0) {
      for (std::size_t i = 0; i < transitions_.size() && next < 0; ++i)
        if (transitions_[i].t > mid) next = int(i);
    } else {
      for (std::size_t i = transitions_.size(); i-- > 0 && next < 0;)
        if (transitions_[i].t < mid) next = int(i);
    }
  }
  if (next < 0 || next >= int(transitions_.size())) return {};
  cursor_ = next;
  double span = a1_ - a0_;
  if (span >= map_.length() * 0.99) span = map_.length() / 5;
  const double a = map_.ToAxis(transitions_[std::size_t(next)].t);
  setWindowAxis(a - span / 2, a + span / 2);
  const QString text = QString("transition %1/%2: %3")
                           .arg(next + 1)
                           .arg(transitions_.size())
                           .arg(transitions_[std::size_t(next)].text);
  emit hoverChanged(text);
  return text;
}

void TimelineView::rebuildMap() {
  Time duration = 1;
  std::vector<Time> activity;
  for (const auto& m : models_) {
    duration = std::max(duration, m->duration());
    activity.insert(activity.end(), m->activity().begin(), m->activity().end());
  }
  std::sort(activity.begin(), activity.end());
  activity.erase(std::unique(activity.begin(), activity.end()), activity.end());
  if (skip_idle_) {
    // Keep a little context around each change; show an idle gap as wide as
    // a 0.15 s, whatever its length (its length is written on it).
    map_ = TimeMap::SkipIdle(activity, duration, 400'000, 150'000);
  } else {
    map_ = TimeMap::Linear(duration);
  }
}

void TimelineView::setSkipIdle(bool on) {
  if (on == skip_idle_) return;
  const Time t0 = windowStartTime(), t1 = windowEndTime();
  const bool was_all = a0_ <= 0 && a1_ >= map_.length();
  skip_idle_ = on;
  rebuildMap();
  if (was_all)
    fitAll();
  else
    setWindowTimes(t0, t1);
}

void TimelineView::setShowMessages(bool on) {
  show_messages_ = on;
  update();
}

void TimelineView::clampWindow() {
  const double len = std::max(1.0, map_.length());
  double span = std::clamp(a1_ - a0_, 20.0, len);
  a0_ = std::clamp(a0_, 0.0, len - span);
  a1_ = a0_ + span;
}

void TimelineView::setWindowAxis(double a0, double a1) {
  a0_ = std::min(a0, a1);
  a1_ = std::max(a0, a1);
  clampWindow();
  update();
  emit windowChanged(a0_, a1_);
}

void TimelineView::setWindowTimes(Time t0, Time t1) {
  setWindowAxis(map_.ToAxis(t0), map_.ToAxis(t1));
}

void TimelineView::fitAll() { setWindowAxis(0, map_.length()); }

void TimelineView::zoomBy(double factor, double anchor_x) {
  const QRect plot = plotRect();
  const double frac =
      plot.width() > 0 ? std::clamp((anchor_x - plot.left()) / plot.width(), 0.0, 1.0) : 0.5;
  const double a = a0_ + frac * (a1_ - a0_);
  const double span = (a1_ - a0_) / factor;
  setWindowAxis(a - frac * span, a - frac * span + span);
}

void TimelineView::panByPixels(double dx) {
  const QRect plot = plotRect();
  if (plot.width() <= 0) return;
  const double da = dx * (a1_ - a0_) / plot.width();
  setWindowAxis(a0_ - da, a1_ - da);
}

QRect TimelineView::plotRect() const {
  return QRect(kLabelWidth, kAxisHeight, std::max(1, width() - kLabelWidth - kRightMargin),
               std::max(1, height() - kAxisHeight - 4));
}

double TimelineView::xForAxis(double a, const QRect& plot) const {
  return plot.left() + (a - a0_) * plot.width() / std::max(1e-9, a1_ - a0_);
}

double TimelineView::xForTime(Time t) const { return xForAxis(map_.ToAxis(t), plotRect()); }

Time TimelineView::timeForX(double x) const {
  const QRect plot = plotRect();
  return map_.ToTime(a0_ + (x - plot.left()) * (a1_ - a0_) / std::max(1, plot.width()));
}

void TimelineView::layoutRows(int height) const {
  if (layout_height_ == height && layout_scroll_ == scroll_) return;
  layout_height_ = height;
  layout_scroll_ = scroll_;
  rows_.clear();
  int instance_lanes = 0, vip_lanes = 0;
  for (const auto& m : models_)
    for (const auto& l : m->lanes()) (l.kind == Lane::Kind::kVip ? vip_lanes : instance_lanes)++;
  const int top = kAxisHeight + 2;
  const int avail = height - top - 4 - int(models_.size()) * kHeaderHeight;
  // VIP lanes are 3/4 as tall as instance lanes.
  const double units = instance_lanes + 0.75 * vip_lanes;
  // Gaps between lanes only while lanes are tall enough to afford them.
  double lane = units > 0 ? avail / units : kMaxLane;
  double gap = 0;
  if (lane >= 12) {
    gap = kLaneGap;
    lane = (avail - (instance_lanes + vip_lanes) * gap) / units;
  }
  if (lane < kMinLabelLane && !fit_lanes_) {
    lane = kMinLabelLane;  // scrolls
    gap = kLaneGap;
  }
  lane = std::clamp(lane, double(kMinLane), double(kMaxLane));
  compact_ = lane < 12;
  // Fractional heights, rounded at each edge: the lanes fill the area to
  // the pixel (whole-pixel heights left up to one pixel per lane unused).
  double y = top - scroll_;
  for (std::size_t r = 0; r < models_.size(); ++r) {
    const int hy = int(std::lround(y));
    rows_.push_back({int(r), -1, hy, kHeaderHeight});
    y += kHeaderHeight;
    const auto& lanes = models_[r]->lanes();
    for (std::size_t i = 0; i < lanes.size(); ++i) {
      const double h =
          lanes[i].kind == Lane::Kind::kVip ? std::max(double(kMinLane), lane * 0.75) : lane;
      const int y0 = int(std::lround(y)), y1 = int(std::lround(y + h));
      rows_.push_back({int(r), int(i), y0, std::max(1, y1 - y0)});
      y += h + gap;
    }
  }
  content_h_ = int(std::ceil(y)) + scroll_ - top;
}

void TimelineView::relayout() {
  layout_height_ = -1;
  layoutRows(height());
  const int visible = height() - kAxisHeight - 6;
  const int max = fit_lanes_ ? 0 : std::max(0, content_h_ - visible);
  if (scroll_ > max) {
    scroll_ = max;
    layout_height_ = -1;
    layoutRows(height());
  }
  vbar_->setGeometry(width() - kRightMargin, kAxisHeight, kRightMargin, height() - kAxisHeight);
  vbar_->blockSignals(true);
  vbar_->setRange(0, max);
  vbar_->setPageStep(std::max(1, visible));
  vbar_->setSingleStep(kMinLabelLane + kLaneGap);
  vbar_->setValue(scroll_);
  vbar_->blockSignals(false);
  vbar_->setVisible(max > 0);
}

void TimelineView::setScrollOffset(int y) {
  const int clamped = std::clamp(y, 0, vbar_->maximum());
  if (clamped == scroll_) return;
  scroll_ = clamped;
  relayout();
  update();
}

void TimelineView::setFitLanes(bool on) {
  fit_lanes_ = on;
  scroll_ = 0;
  relayout();
  update();
}

bool TimelineView::compactLabels() const {
  layoutRows(height());
  return compact_;
}

int TimelineView::contentHeight() const {
  int h = kAxisHeight + 8;
  for (const auto& m : models_) {
    h += kHeaderHeight;
    for (const auto& l : m->lanes())
      h += (l.kind == Lane::Kind::kVip ? kMaxLane * 3 / 4 : kMaxLane) + kLaneGap;
  }
  return h;
}

QRect TimelineView::laneRect(int run, int lane) const {
  layoutRows(height());
  const QRect plot = plotRect();
  for (const Row& row : rows_)
    if (row.run == run && row.lane == lane) return QRect(plot.left(), row.y, plot.width(), row.h);
  return {};
}

std::pair<int, int> TimelineView::laneAt(QPoint p) const {
  layoutRows(height());
  if (p.y() < kAxisHeight) return {-1, -1};  // lanes scrolled under the axis
  for (const Row& row : rows_)
    if (row.lane >= 0 && p.y() >= row.y && p.y() < row.y + row.h) return {row.run, row.lane};
  return {-1, -1};
}

QStringList TimelineView::hoverText(QPoint p) const {
  QStringList out;
  const auto [run, lane] = laneAt(p);
  if (run < 0 || p.x() < plotRect().left()) return out;
  const Time t = timeForX(p.x());
  const auto& m = *models_[std::size_t(run)];
  if (models_.size() > 1) out << QString::fromStdString(m.title());
  for (const auto& s : m.Describe(lane, t)) out << QString::fromStdString(s);
  return out;
}

bool TimelineView::messagesVisible() const {
  if (!show_messages_) return false;
  const Time t0 = windowStartTime(), t1 = windowEndTime();
  if (t1 - t0 > kMaxArrowSpan) return false;
  std::size_t n = 0;
  for (const auto& m : models_) {
    const auto [b, e] = m->MessageRange(t0, t1);
    n += e - b;
  }
  return n > 0 && n <= kMaxArrows;
}

// ---------------------------------------------------------------- painting

void TimelineView::paintEvent(QPaintEvent*) {
  QPainter p(this);
  paintTimeline(p, size(), true);
}

void TimelineView::paintTimeline(QPainter& p, QSize size, bool interactive) const {
  layoutRows(size.height());
  p.fillRect(QRect(QPoint(0, 0), size), Qt::white);
  const QRect plot(kLabelWidth, kAxisHeight, std::max(1, size.width() - kLabelWidth - kRightMargin),
                   std::max(1, size.height() - kAxisHeight - 4));
  if (models_.empty()) {
    p.setPen(Qt::darkGray);
    p.setFont(LaneFont(14));
    p.drawText(QRect(QPoint(0, 0), size), Qt::AlignCenter,
               "Open a trace (.json) or a scenario (.yaml): File > Open, or drop it here");
    return;
  }
  paintAxis(p, plot);
  // The lanes scroll under the axis.
  p.save();
  p.setClipRect(QRect(0, kAxisHeight, size.width(), size.height() - kAxisHeight));
  for (std::size_t r = 0; r < models_.size(); ++r) paintRun(p, int(r), plot);
  p.restore();
  // Skipped idle stretches: a light veil with a zig-zag edge.
  if (map_.skips()) {
    p.save();
    p.setClipRect(QRect(plot.left(), 0, plot.width(), size.height()));
    for (const auto& piece : map_.pieces()) {
      if (!piece.compressed || piece.a1 < a0_ || piece.a0 > a1_) continue;
      const double x0 = xForAxis(piece.a0, plot), x1 = xForAxis(piece.a1, plot);
      p.fillRect(QRectF(x0, plot.top(), x1 - x0, plot.height()), QColor(255, 255, 255, 70));
      p.setPen(QPen(QColor(120, 120, 120), 1));
      for (double x : {x0, x1}) {
        QPolygonF zig;
        for (int y = plot.top(), k = 0; y < plot.bottom(); y += 4, ++k)
          zig << QPointF(x + (k % 2 ? 1.5 : -1.5), y);
        p.drawPolyline(zig);
      }
    }
    p.restore();
  }
  if (interactive && cursor_ >= 0) {
    const double x = xForTime(transitions_[std::size_t(cursor_)].t);
    if (x >= plot.left() && x <= plot.right()) {
      p.setPen(QPen(QColor(200, 0, 120, 200), 1.5));
      p.drawLine(QPointF(x, plot.top()), QPointF(x, plot.bottom()));
    }
  }
  if (interactive && hover_x_ >= plot.left() && hover_x_ <= plot.right()) {
    p.setPen(QPen(QColor(0, 0, 0, 140), 1, Qt::DashLine));
    p.drawLine(hover_x_, plot.top(), hover_x_, plot.bottom());
  }
}

void TimelineView::paintAxis(QPainter& p, const QRect& plot) const {
  p.save();
  p.setFont(LaneFont(10));
  const QFontMetrics fm(p.font());
  p.setPen(QColor(60, 60, 60));
  p.drawLine(plot.left(), kAxisHeight - 1, plot.right(), kAxisHeight - 1);
  const double px_per_unit = plot.width() / std::max(1e-9, a1_ - a0_);
  // Tick step: the smallest 1-2-5 step at least 90 px apart.
  const Duration step = TickStep(90 / px_per_unit);
  double last_right = -1e9;
  for (const auto& piece : map_.pieces()) {
    if (piece.a1 < a0_ || piece.a0 > a1_) continue;
    if (piece.compressed) {
      const double x0 = xForAxis(piece.a0, plot), x1 = xForAxis(piece.a1, plot);
      const QString s = "+" + QString::fromStdString(FormatSeconds(piece.t1 - piece.t0, 100'000));
      const double mid = (x0 + x1) / 2;
      if (mid - fm.horizontalAdvance(s) / 2.0 > last_right + 4 && x1 - x0 > 6) {
        p.setPen(QColor(130, 130, 130));
        p.drawText(QPointF(mid - fm.horizontalAdvance(s) / 2.0, 12), s);
        last_right = mid + fm.horizontalAdvance(s) / 2.0;
        p.setPen(QColor(60, 60, 60));
      }
      continue;
    }
    const Time lo = std::max(piece.t0, map_.ToTime(a0_));
    const Time hi = std::min(piece.t1, map_.ToTime(a1_));
    if (lo > hi) continue;
    // Ticks are >= 90 px apart: more than the plot's width of them means the
    // times were off (rounding at 2^63), so stop rather than spin.
    int ticks = 0;
    for (Time t = FirstTick(lo, step); ticks++ <= plot.width(); t += step) {
      const double x = xForAxis(map_.ToAxis(t), plot);
      if (t >= lo && t <= hi && x >= plot.left() - 0.5 && x <= plot.right() + 0.5) {
        p.setPen(QColor(235, 235, 235));
        p.drawLine(QPointF(x, plot.top()), QPointF(x, plot.bottom()));
        p.setPen(QColor(60, 60, 60));
        p.drawLine(QPointF(x, kAxisHeight - 6), QPointF(x, kAxisHeight - 1));
        const QString s = QString::fromStdString(FormatSeconds(t, step));
        const double w = fm.horizontalAdvance(s);
        if (x - w / 2 > last_right + 6) {
          p.drawText(QPointF(x - w / 2, 14), s);
          last_right = x + w / 2;
        }
      }
      if (t > hi || hi - t < step) break;  // the next tick is past the end (t + step may overflow)
    }
  }
  p.setPen(QColor(90, 90, 90));
  p.drawText(QRect(4, 2, kLabelWidth - 8, kAxisHeight - 4), Qt::AlignLeft | Qt::AlignVCenter,
             skip_idle_ ? "time (idle skipped)" : "time");
  p.restore();
}

void TimelineView::paintRun(QPainter& p, int run, const QRect& plot) const {
  const TimelineModel& m = *models_[std::size_t(run)];
  const RunResult& rr = m.run();
  const Time t0 = map_.ToTime(a0_), t1 = map_.ToTime(a1_);
  int first = -1, last = -1;
  for (std::size_t i = 0; i < rows_.size(); ++i) {
    if (rows_[i].run != run) continue;
    if (first < 0) first = int(i);
    last = int(i);
  }
  if (first < 0) return;
  const Row& header = rows_[std::size_t(first)];
  const int lanes_top = header.y + header.h;
  const int lanes_bottom = rows_[std::size_t(last)].y + rows_[std::size_t(last)].h;
  auto x_of = [&](Time t) {
    return std::clamp(xForAxis(map_.ToAxis(t), plot), double(plot.left()),
                      double(plot.right() + 1));
  };

  // Header: title and verdict, written out in full (band labels start after).
  QFont bold = LaneFont(11);
  bold.setBold(true);
  p.setFont(bold);
  const QFontMetrics fmb(bold);
  const bool passed = rr.passed();
  const QString verdict = rr.expectations.empty() ? "" : passed ? "PASS" : "FAIL";
  const QString title = fmb.elidedText(QString::fromStdString(m.title()), Qt::ElideMiddle,
                                       std::max(100, plot.width() / 2));
  p.setPen(Qt::black);
  p.drawText(QPointF(4, header.y + header.h - 5), title);
  double title_right = 4 + fmb.horizontalAdvance(title);
  if (!verdict.isEmpty()) {
    p.setPen(passed ? QColor(30, 130, 50) : QColor(200, 0, 0));
    p.drawText(QPointF(title_right + 8, header.y + header.h - 5), verdict);
    title_right += 8 + fmb.horizontalAdvance(verdict);
  }

  // Lanes (those in view). Labels: one per lane, or when lanes are thinner
  // than a line of text (fit-lanes) as many as fit, 10 px tall, each with a
  // tick pointing at its lane.
  p.save();
  int label_bottom = -1'000'000;
  const int view_top = kAxisHeight, view_bottom = plot.bottom() + 4;
  for (int i = first + 1; i <= last; ++i) {
    const Row& row = rows_[std::size_t(i)];
    if (row.y + row.h < view_top || row.y > view_bottom) continue;
    const Lane& lane = m.lanes()[std::size_t(row.lane)];
    const QString label =
        lane.kind == Lane::Kind::kVip
            ? QString("VIP %1 held by").arg(QString::fromStdString(GroupText(lane.vrid)))
            : QString::fromStdString(lane.label);
    const QColor ink = lane.kind == Lane::Kind::kVip ? QColor(110, 40, 40) : QColor(30, 30, 30);
    if (!compact_ && row.h >= 8) {
      p.setFont(LaneFont(std::min(11, row.h - 2)));
      p.setPen(ink);
      const QFontMetrics fm(p.font());
      p.drawText(QRect(8, row.y, kLabelWidth - 12, row.h), Qt::AlignLeft | Qt::AlignVCenter,
                 fm.elidedText(label, Qt::ElideRight, kLabelWidth - 12));
    } else if (compact_) {
      const int cy = row.y + row.h / 2;
      if (cy - 6 >= label_bottom && cy - 6 >= header.y + header.h - 2) {
        p.setFont(LaneFont(10));
        p.setPen(ink);
        const QFontMetrics fm(p.font());
        p.drawText(QRect(8, cy - 6, kLabelWidth - 18, 12), Qt::AlignLeft | Qt::AlignVCenter,
                   fm.elidedText(label, Qt::ElideRight, kLabelWidth - 18));
        p.setPen(QColor(120, 120, 120));
        p.drawLine(kLabelWidth - 8, cy, kLabelWidth - 2, cy);
        label_bottom = cy + 7;
      }
    }
    paintLane(p, m, lane, QRect(plot.left(), row.y, plot.width(), row.h), t0, t1);
  }
  p.restore();

  p.save();
  p.setClipRect(QRect(plot.left(), header.y, plot.width() + 1, lanes_bottom - header.y),
                Qt::IntersectClip);
  // Fault and operation windows: translucent over the lanes they concern.
  struct Pending {
    QString text;
    double x0;     // where the window starts on screen (clamped to the plot)
    double x_max;  // the label may move right up to here to stay clear
    bool start_visible;
    QColor colour;
    bool split_brain;
  };
  std::vector<Pending> pending;
  for (const Band& b : m.bands()) {
    if (b.end < t0 || b.start > t1) continue;
    const double x0 = x_of(b.start), x1 = x_of(b.end);
    const QColor c = BandColor(b.kind);
    for (int i = first + 1; i <= last; ++i) {
      const Row& row = rows_[std::size_t(i)];
      if (row.y + row.h < view_top || row.y > view_bottom) continue;
      const Lane& lane = m.lanes()[std::size_t(row.lane)];
      const bool concerns = b.hosts.empty() ||
                            (lane.kind == Lane::Kind::kInstance &&
                             std::find(b.hosts.begin(), b.hosts.end(), lane.host) != b.hosts.end());
      if (!concerns) continue;
      if (b.start == b.end) {
        p.setPen(QPen(QColor(0, 0, 0, 170), 1, Qt::DashLine));
        p.drawLine(QPointF(x0, row.y), QPointF(x0, row.y + row.h));
      } else {
        p.fillRect(QRectF(x0, row.y, std::max(1.0, x1 - x0), row.h), c);
        p.fillRect(QRectF(x0, row.y, std::max(1.0, x1 - x0), row.h),
                   QBrush(QColor(c.red(), c.green(), c.blue(), 90), Qt::BDiagPattern));
      }
    }
    QColor tc = c;
    tc.setAlpha(255);
    pending.push_back({QString::fromStdString(b.label), x0, std::max(x1, x0 + 40), b.start >= t0,
                       tc.darker(160), false});
  }
  // Split brain: red across every lane of the run.
  std::vector<Pending> sb_labels;
  for (const auto& sb : rr.split_brain) {
    if (sb.end < t0 || sb.start > t1) continue;
    const double x0 = x_of(sb.start), x1 = std::max(x_of(sb.end), x0 + 1);
    p.fillRect(QRectF(x0, lanes_top, x1 - x0, lanes_bottom - lanes_top), QColor(230, 0, 0, 75));
    p.setPen(QPen(QColor(200, 0, 0), 2));
    p.drawLine(QPointF(x0, lanes_top), QPointF(x1, lanes_top));
    p.drawLine(QPointF(x0, lanes_bottom), QPointF(x1, lanes_bottom));
    sb_labels.push_back({"SPLIT BRAIN " + QString::fromStdString(FormatTime(sb.length())), x0,
                         std::max(x1, x0 + 40), sb.start >= t0, QColor(200, 0, 0), true});
  }
  // Labels in the header strip, above the lanes they concern: split brain
  // first (it matters most), then the windows in time order. Each starts at
  // its window's visible start (the plot's left edge when the start is
  // scrolled off) or, if that is taken by the title or another label, just
  // after it while still within its window; otherwise it is left out.
  // Nothing is drawn over anything else.
  QFont band_font = LaneFont(10), sb_font = LaneFont(10);
  sb_font.setBold(true);
  std::vector<std::pair<double, double>> taken = {{0, title_right}};
  auto place = [&](double x, double w, double x_max) -> double {
    for (bool moved = true; moved;) {
      moved = false;
      for (const auto& [a, z] : taken)
        if (x < z + 6 && x + w > a - 6) {
          x = z + 6;
          moved = true;
        }
    }
    return x <= x_max - 2 && x + w <= plot.right() + 1 ? x : -1;
  };
  header_labels_.erase(std::remove_if(header_labels_.begin(), header_labels_.end(),
                                      [&](const HeaderLabel& l) { return l.run == run; }),
                       header_labels_.end());
  for (auto* list : {&sb_labels, &pending}) {
    for (const Pending& l : *list) {
      const QFont& f = l.split_brain ? sb_font : band_font;
      const double w = QFontMetrics(f).horizontalAdvance(l.text);
      const double x = place(std::max(l.x0 + 2, double(plot.left()) + 1), w, l.x_max);
      if (l.start_visible) {
        p.setPen(l.colour);
        p.drawLine(QPointF(l.x0, header.y + header.h - 4), QPointF(l.x0, header.y + header.h));
      }
      if (x < 0) continue;
      p.setFont(f);
      p.setPen(l.colour);
      p.drawText(QPointF(x, header.y + header.h - 5), l.text);
      taken.emplace_back(x, x + w);
      header_labels_.push_back({run, l.text, QRectF(x, header.y, w, header.h)});
    }
  }
  if (messagesVisible()) paintMessages(p, run, plot);
  p.restore();
}

void TimelineView::paintLane(QPainter& p, const TimelineModel& m, const Lane& lane, const QRect& r,
                             Time t0, Time t1) const {
  const int li = int(&lane - m.lanes().data());
  const auto [b, e] = m.SegmentRange(li, t0, t1);
  const bool text = r.height() >= 10;
  QFont f = LaneFont(std::clamp(r.height() - 8, 8, 12));
  f.setBold(true);
  p.setFont(f);
  const QFontMetrics fm(f);
  // Level of detail: segments narrower than a pixel share one pixel column,
  // drawn once in the colour of the last state that reached it.
  int last_px = -1'000'000;
  auto draw = [&](Time s_start, Time s_end, const QColor& c, const QString& label,
                  const QColor& text_color) {
    const double fx0 = std::max(xForAxis(map_.ToAxis(std::max(s_start, t0)), r), double(r.left()));
    const double fx1 =
        std::min(xForAxis(map_.ToAxis(std::min(s_end, t1)), r), double(r.right() + 1));
    int x0 = int(std::floor(fx0)), x1 = int(std::ceil(fx1));
    if (x1 <= last_px) {
      return;  // invisible: the column already shows a state
    }
    x0 = std::max(x0, last_px);
    if (x1 <= x0) x1 = x0 + 1;
    p.fillRect(QRect(x0, r.top(), x1 - x0, r.height()), c);
    last_px = x1;
    if (text && !label.isEmpty()) {
      const int w = fm.horizontalAdvance(label);
      if (w + 8 <= x1 - x0) {
        p.setPen(text_color);
        p.drawText(QRect(x0, r.top(), x1 - x0, r.height()), Qt::AlignCenter, label);
      }
    }
  };
  if (lane.kind == Lane::Kind::kInstance) {
    for (std::size_t i = b; i < e; ++i) {
      const StateSegment& s = lane.segments[i];
      const QColor c = StateColor(s.state);
      draw(s.start, s.end, c, LaneStateName(s.state),
           s.state == LaneState::kDown ? QColor(90, 90, 90) : QColor(Qt::white));
    }
  } else {
    for (std::size_t i = b; i < e; ++i) {
      const VipSegment& s = lane.holders[i];
      QString who;
      for (int h : s.hosts)
        who += (who.isEmpty() ? "" : " + ") + QString::fromStdString(m.HostName(h));
      const QColor c = s.hosts.empty()       ? QColor(238, 238, 238)
                       : s.hosts.size() == 1 ? HostColor(s.hosts.front()).lighter(135)
                                             : QColor(215, 30, 30);
      draw(s.start, s.end, c, s.hosts.empty() ? QString("none") : who,
           s.hosts.size() == 1 ? QColor(20, 20, 20)
           : s.hosts.empty()   ? QColor(150, 150, 150)
                               : QColor(Qt::white));
    }
  }
  // GARP (small triangles at the bottom) and notify (diamonds at the top).
  if (r.height() < 8) return;
  p.save();
  p.setRenderHint(QPainter::Antialiasing, true);
  int last_garp = -1'000'000, last_notify = -1'000'000;
  auto mb = std::lower_bound(lane.marks.begin(), lane.marks.end(), t0,
                             [](const Mark& mk, Time v) { return mk.t < v; });
  for (auto it = mb; it != lane.marks.end() && it->t <= t1; ++it) {
    const double x = xForAxis(map_.ToAxis(it->t), r);
    const int px = int(x);
    if (it->kind == MarkKind::kGarp) {
      if (px - last_garp < 4) continue;
      last_garp = px;
      QPolygonF tri;
      tri << QPointF(x, r.bottom() - 5) << QPointF(x - 3, r.bottom() + 1)
          << QPointF(x + 3, r.bottom() + 1);
      p.setPen(QPen(QColor(80, 60, 0), 0.8));
      p.setBrush(QColor(255, 214, 0));
      p.drawPolygon(tri);
    } else {
      if (px - last_notify < 4) continue;
      last_notify = px;
      QPolygonF dia;
      dia << QPointF(x, r.top() - 1) << QPointF(x + 3, r.top() + 2) << QPointF(x, r.top() + 5)
          << QPointF(x - 3, r.top() + 2);
      p.setPen(QPen(Qt::white, 0.8));
      p.setBrush(Qt::black);
      p.drawPolygon(dia);
    }
  }
  p.restore();
}

void TimelineView::paintMessages(QPainter& p, int run, const QRect& plot) const {
  const TimelineModel& m = *models_[std::size_t(run)];
  const Time t0 = map_.ToTime(a0_), t1 = map_.ToTime(a1_);
  // Row centre of a host's instance for a VRID (first match), and VIP rows.
  auto row_y = [&](int host, int vrid, bool vip) -> double {
    for (const Row& row : rows_) {
      if (row.run != run || row.lane < 0) continue;
      const Lane& l = m.lanes()[std::size_t(row.lane)];
      if (vip ? (l.kind == Lane::Kind::kVip && l.vrid == vrid)
              : (l.kind == Lane::Kind::kInstance && l.host == host && l.vrid == vrid))
        return row.y + row.h / 2.0;
    }
    return -1;
  };
  p.save();
  p.setRenderHint(QPainter::Antialiasing, true);
  const auto [b, e] = m.MessageRange(t0, t1);
  for (std::size_t i = b; i < e; ++i) {
    const Message& msg = m.messages()[i];
    const double ys = row_y(msg.from, msg.vrid, false);
    const double yr = msg.to >= 0 ? row_y(msg.to, msg.vrid, false) : ys;
    if (ys < 0 || yr < 0) continue;
    const QPointF a(xForAxis(map_.ToAxis(msg.sent), plot), ys);
    const QPointF z(xForAxis(map_.ToAxis(msg.arrived), plot) + (msg.to < 0 ? 12 : 0),
                    yr + (msg.to < 0 ? -6 : 0));
    if (msg.dropped) {
      p.setPen(QPen(QColor(210, 0, 0), 1.3, Qt::DashLine));
      const QPointF mid = a + (z - a) * 0.7;
      p.drawLine(a, mid);
      p.setPen(QPen(QColor(210, 0, 0), 2));
      p.drawLine(mid + QPointF(-4, -4), mid + QPointF(4, 4));
      p.drawLine(mid + QPointF(-4, 4), mid + QPointF(4, -4));
    } else {
      p.setPen(QPen(QColor(20, 20, 20, 200), 1.2));
      Arrow(p, a, z);
    }
  }
  // GARPs: an arrow from the sender's lane to the VRID's "VIP held by" lane.
  p.setPen(QPen(QColor(170, 130, 0), 1.2));
  for (const Lane& l : m.lanes()) {
    if (l.kind != Lane::Kind::kInstance) continue;
    auto mb = std::lower_bound(l.marks.begin(), l.marks.end(), t0,
                               [](const Mark& mk, Time v) { return mk.t < v; });
    for (auto it = mb; it != l.marks.end() && it->t <= t1; ++it) {
      if (it->kind != MarkKind::kGarp) continue;
      const double ys = row_y(l.host, l.vrid, false), yv = row_y(-1, l.vrid, true);
      if (ys < 0 || yv < 0) continue;
      const double x = xForAxis(map_.ToAxis(it->t), plot);
      Arrow(p, QPointF(x, ys), QPointF(x + 6, yv));
    }
  }
  p.restore();
}

// ---------------------------------------------------------------- interaction

void TimelineView::resizeEvent(QResizeEvent*) {
  relayout();
  emit windowChanged(a0_, a1_);
}

void TimelineView::wheelEvent(QWheelEvent* e) {
  const double steps = e->angleDelta().y() / 120.0;
  if (steps == 0) return;
  // Over the lane labels, or with Shift: scroll the lanes (when they do not
  // all fit); elsewhere zoom the time axis.
  if (vbar_->maximum() > 0 &&
      (e->position().x() < kLabelWidth || (e->modifiers() & Qt::ShiftModifier))) {
    setScrollOffset(scroll_ - int(std::lround(steps * 3 * vbar_->singleStep())));
    e->accept();
    return;
  }
  zoomBy(std::pow(1.25, steps), e->position().x());
  e->accept();
}

void TimelineView::mousePressEvent(QMouseEvent* e) {
  press_pos_ = e->pos();
  press_a0_ = a0_;
  press_a1_ = a1_;
  rubber_ = e->button() == Qt::RightButton ||
            (e->button() == Qt::LeftButton && (e->modifiers() & Qt::ShiftModifier));
  dragging_ = false;
  if (rubber_) {
    rubber_band_->setGeometry(QRect(press_pos_, QSize()));
    rubber_band_->show();
  }
}

void TimelineView::mouseMoveEvent(QMouseEvent* e) {
  hover_x_ = e->pos().x();
  if (e->buttons() != Qt::NoButton) {
    if ((e->pos() - press_pos_).manhattanLength() > 3) dragging_ = true;
    if (rubber_) {
      const QRect plot = plotRect();
      rubber_band_->setGeometry(
          QRect(QPoint(press_pos_.x(), plot.top()), QPoint(e->pos().x(), plot.bottom()))
              .normalized());
    } else if (dragging_) {
      const QRect plot = plotRect();
      const double da = (e->pos().x() - press_pos_.x()) * (press_a1_ - press_a0_) / plot.width();
      setWindowAxis(press_a0_ - da, press_a1_ - da);
    }
  }
  const QStringList text = hoverText(e->pos());
  setToolTip(text.join('\n'));
  emit hoverChanged(text.join("  |  "));
  update();
}

void TimelineView::mouseReleaseEvent(QMouseEvent* e) {
  if (rubber_) {
    rubber_band_->hide();
    rubber_ = false;
    const int x0 = std::min(press_pos_.x(), e->pos().x());
    const int x1 = std::max(press_pos_.x(), e->pos().x());
    if (x1 - x0 >= 4) {
      const QRect plot = plotRect();
      const double a = a0_ + (x0 - plot.left()) * (a1_ - a0_) / plot.width();
      const double z = a0_ + (x1 - plot.left()) * (a1_ - a0_) / plot.width();
      setWindowAxis(a, z);
    }
    return;
  }
  if (!dragging_ && e->button() == Qt::LeftButton) {
    const auto [run, lane] = laneAt(e->pos());
    if (run >= 0 && e->pos().x() >= plotRect().left()) {
      const Time t = timeForX(e->pos().x());
      const Time tol = std::max<Time>(1, timeForX(e->pos().x() + 6) - t);
      const int ev = models_[std::size_t(run)]->TransitionNear(lane, t, tol);
      if (ev >= 0) emit transitionClicked(run, ev);
    }
  }
  dragging_ = false;
}

void TimelineView::mouseDoubleClickEvent(QMouseEvent*) { fitAll(); }

void TimelineView::keyPressEvent(QKeyEvent* e) {
  const double center = plotRect().center().x();
  switch (e->key()) {
    case Qt::Key_Plus:
    case Qt::Key_Equal:
      zoomBy(2.0, center);
      break;
    case Qt::Key_Minus:
      zoomBy(0.5, center);
      break;
    case Qt::Key_Left:
      panByPixels(plotRect().width() / 4.0);
      break;
    case Qt::Key_Right:
      panByPixels(-plotRect().width() / 4.0);
      break;
    case Qt::Key_Home:
      fitAll();
      break;
    case Qt::Key_N:
      stepTransition(e->modifiers() & Qt::ShiftModifier ? -1 : 1);
      break;
    case Qt::Key_P:
      stepTransition(-1);
      break;
    case Qt::Key_PageDown:
      setScrollOffset(scroll_ + vbar_->pageStep());
      break;
    case Qt::Key_PageUp:
      setScrollOffset(scroll_ - vbar_->pageStep());
      break;
    case Qt::Key_Down:
      setScrollOffset(scroll_ + vbar_->singleStep());
      break;
    case Qt::Key_Up:
      setScrollOffset(scroll_ - vbar_->singleStep());
      break;
    default:
      QWidget::keyPressEvent(e);
  }
}

void TimelineView::leaveEvent(QEvent*) {
  hover_x_ = -1;
  update();
}

}  // namespace vsim::gui
