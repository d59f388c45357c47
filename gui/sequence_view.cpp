#include "gui/sequence_view.h"

#include <QPainter>
#include <QPainterPath>
#include <algorithm>
#include <cmath>
#include <limits>

#include "gui/timeline_view.h"
#include "sim/trace/text_report.h"

namespace vsim::gui {

namespace {
constexpr std::size_t kMaxMessages = 400;
constexpr Duration kMaxSpan = 15 * vrrp::kSecond;
constexpr int kTop = 34, kBottom = 10, kTimeColumn = 64;

QFont Font(int px, bool bold = false) {
  QFont f("DejaVu Sans");
  f.setPixelSize(px);
  f.setBold(bold);
  return f;
}

void Arrow(QPainter& p, QPointF a, QPointF b) {
  p.drawLine(a, b);
  const double ang = std::atan2(b.y() - a.y(), b.x() - a.x());
  QPolygonF head;
  head << b << QPointF(b.x() - 7 * std::cos(ang - 0.4), b.y() - 7 * std::sin(ang - 0.4))
       << QPointF(b.x() - 7 * std::cos(ang + 0.4), b.y() - 7 * std::sin(ang + 0.4));
  p.save();
  p.setBrush(p.pen().color());
  p.drawPolygon(head);
  p.restore();
}
}  // namespace

SequenceView::SequenceView(QWidget* parent) : QWidget(parent) {
  setAttribute(Qt::WA_OpaquePaintEvent);
}

void SequenceView::setModel(std::shared_ptr<const TimelineModel> model) {
  model_ = std::move(model);
  update();
}

void SequenceView::setWindow(Time t0, Time t1) {
  t0_ = t0;
  t1_ = t1 > t0 ? t1 : t0 + (t0 < std::numeric_limits<Time>::max() ? 1 : 0);
  update();
}

bool SequenceView::readable() const {
  if (!model_ || t1_ - t0_ > kMaxSpan) return false;
  const auto [b, e] = model_->MessageRange(t0_, t1_);
  return e - b <= kMaxMessages;
}

void SequenceView::paintEvent(QPaintEvent*) {
  QPainter p(this);
  p.fillRect(rect(), Qt::white);
  arrows_ = 0;
  if (!model_) return;
  const RunResult& run = model_->run();
  const int hosts = int(run.hosts.size());
  // Columns: a time scale, one lifeline per host, then the LAN (GARPs).
  const int cols = hosts + 1;
  const double colw = double(width() - kTimeColumn - 10) / std::max(1, cols);
  auto col_x = [&](int c) { return kTimeColumn + colw * (c + 0.5); };
  const double h = std::max(10, height() - kTop - kBottom);
  auto y_of = [&](Time t) { return kTop + double(t - t0_) * h / double(t1_ - t0_); };
  p.setFont(Font(11, true));
  for (int c = 0; c < cols; ++c) {
    const QString name =
        c < hosts ? QString::fromStdString(run.hosts[std::size_t(c)].name) : QString("LAN (GARP)");
    p.setPen(c < hosts ? HostColor(c).darker(130) : QColor(120, 100, 0));
    p.drawText(QRectF(col_x(c) - colw / 2, 4, colw, 20), Qt::AlignCenter, name);
    p.setPen(QPen(QColor(170, 170, 170), 1, Qt::DashLine));
    p.drawLine(QPointF(col_x(c), kTop - 4), QPointF(col_x(c), height() - kBottom));
  }
  // Time scale.
  p.setFont(Font(10));
  p.setPen(QColor(90, 90, 90));
  const Duration span = t1_ - t0_;
  const Duration step = TickStep(60 * double(span) / h);
  int ticks = 0;  // at least 60 px apart: never more than the height's worth
  for (Time t = FirstTick(t0_, step); t <= t1_ && ticks++ <= height(); t += step) {
    const double y = y_of(t);
    p.drawLine(QPointF(kTimeColumn - 6, y), QPointF(kTimeColumn, y));
    p.drawText(QRectF(0, y - 8, kTimeColumn - 8, 16), Qt::AlignRight | Qt::AlignVCenter,
               QString::fromStdString(FormatSeconds(t, step)));
    if (t1_ - t < step) break;  // the next tick is past the end (t + step may overflow)
  }
  if (!readable()) {
    const auto [b, e] = model_->MessageRange(t0_, t1_);
    p.setPen(QColor(110, 110, 110));
    p.setFont(Font(12));
    p.drawText(rect().adjusted(kTimeColumn, kTop, 0, 0), Qt::AlignCenter | Qt::TextWordWrap,
               model_->messages().empty()
                   ? QString("No packets in this run (scenarios opened here record them;\n"
                             "traces need `vrrpsim run --packets`).")
                   : QString("%1 packets in view.\nZoom the timeline in to 15 s or less\n"
                             "to see them one by one.")
                         .arg(e - b));
    return;
  }
  p.setRenderHint(QPainter::Antialiasing, true);
  p.setClipRect(QRect(kTimeColumn - 2, kTop - 6, width(), height()));
  // State changes as boxes on the lifelines.
  p.setFont(Font(9, true));
  for (const Lane& l : model_->lanes()) {
    if (l.kind != Lane::Kind::kInstance) continue;
    for (const Mark& mk : l.marks) {
      if (mk.t < t0_ || mk.t > t1_) continue;
      const double x = col_x(l.host), y = y_of(mk.t);
      if (mk.kind == MarkKind::kNotify) {
        const TraceEvent& e = run.events[std::size_t(mk.event)];
        const QString s = vrrp::StateName(e.to);
        const QRectF box(x - 28, y - 7, 56, 14);
        p.setPen(Qt::NoPen);
        p.setBrush(StateColor(e.to == vrrp::State::kMaster   ? LaneState::kMaster
                              : e.to == vrrp::State::kBackup ? LaneState::kBackup
                              : e.to == vrrp::State::kFault  ? LaneState::kFault
                              : e.to == vrrp::State::kStop   ? LaneState::kStop
                                                             : LaneState::kInit));
        p.drawRoundedRect(box, 3, 3);
        p.setPen(Qt::white);
        p.drawText(box, Qt::AlignCenter, s);
      } else {
        p.setPen(QPen(QColor(190, 150, 0), 1.4));
        Arrow(p, QPointF(x, y), QPointF(col_x(hosts), y));
        ++arrows_;
      }
    }
  }
  // Adverts.
  const auto [b, e] = model_->MessageRange(t0_, t1_);
  p.setFont(Font(9));
  for (std::size_t i = b; i < e; ++i) {
    const Message& m = model_->messages()[i];
    if (m.from < 0) continue;
    const QPointF a(col_x(m.from), y_of(m.sent));
    const QPointF z(m.to >= 0 ? col_x(m.to) : col_x(m.from) + colw * 0.4, y_of(m.arrived));
    if (m.dropped) {
      p.setPen(QPen(QColor(210, 0, 0), 1.3, Qt::DashLine));
      const QPointF mid = a + (z - a) * 0.75;
      p.drawLine(a, mid);
      p.setPen(QPen(QColor(210, 0, 0), 2));
      p.drawLine(mid + QPointF(-4, -4), mid + QPointF(4, 4));
      p.drawLine(mid + QPointF(-4, 4), mid + QPointF(4, -4));
      p.drawText(mid + QPointF(6, -3), QString::fromStdString(m.why));
    } else {
      p.setPen(QPen(QColor(30, 30, 30), 1.2));
      Arrow(p, a, z);
      p.setPen(QColor(70, 70, 70));
      p.drawText((a + z) / 2 + QPointF(4, -3), QString("prio %1").arg(m.priority));
    }
    ++arrows_;
  }
}

}  // namespace vsim::gui
