#include "gui/priority_chart.h"

#include <QGraphicsLayout>
#include <QVBoxLayout>
#include <QtCharts/QChart>
#include <QtCharts/QChartView>
#include <QtCharts/QLegend>
#include <QtCharts/QLegendMarker>
#include <QtCharts/QLineSeries>
#include <QtCharts/QValueAxis>
#include <algorithm>
#include <cmath>

#include "gui/timeline_view.h"

namespace vsim::gui {

namespace {
// Axis units are microseconds of shown time; the chart works in seconds so
// its doubles stay small.
constexpr double kUnit = 1e6;
// Beyond this many lines a legend is unreadable.
constexpr int kMaxLegend = 10;
}  // namespace

struct PriorityChart::Impl {
  QChartView* view = nullptr;
  QChart* chart = nullptr;
  QValueAxis* x = nullptr;
  QValueAxis* y = nullptr;
  double a0 = 0, a1 = 1;
  int lines = 0;  // priority step lines (not the legend's style samples)
  int left = TimelineView::kLabelWidth, right = TimelineView::kRightMargin;
};

PriorityChart::PriorityChart(QWidget* parent) : QWidget(parent), d_(std::make_unique<Impl>()) {
  d_->chart = new QChart();
  d_->chart->setAnimationOptions(QChart::NoAnimation);  // deterministic renders
  d_->chart->setBackgroundRoundness(0);
  d_->chart->setMargins(QMargins(0, 0, 0, 0));
  d_->chart->legend()->setAlignment(Qt::AlignTop);
  // Markers drawn as the series' line: the style samples show their dashes.
  d_->chart->legend()->setMarkerShape(QLegend::MarkerShapeFromSeries);
  QFont f("DejaVu Sans");
  f.setPixelSize(10);
  d_->chart->legend()->setFont(f);
  d_->x = new QValueAxis(d_->chart);
  d_->y = new QValueAxis(d_->chart);
  d_->x->setLabelsFont(f);
  d_->y->setLabelsFont(f);
  d_->y->setLabelFormat("%d");
  d_->y->setTitleText("priority");
  d_->y->setTitleFont(f);
  d_->x->setLabelsVisible(false);  // the lanes' axis above carries the time labels
  d_->x->setGridLineVisible(false);
  d_->chart->addAxis(d_->x, Qt::AlignBottom);
  d_->chart->addAxis(d_->y, Qt::AlignLeft);
  d_->view = new QChartView(d_->chart, this);  // takes ownership of the chart
  d_->view->setRenderHint(QPainter::Antialiasing, true);
  d_->view->setFrameShape(QFrame::NoFrame);
  auto* lay = new QVBoxLayout(this);
  lay->setContentsMargins(0, 0, 0, 0);
  lay->addWidget(d_->view);
}

PriorityChart::~PriorityChart() = default;

int PriorityChart::seriesCount() const { return d_->lines; }

QStringList PriorityChart::legendLabels() const {
  QStringList out;
  for (auto* mk : d_->chart->legend()->markers())
    if (mk->isVisible()) out << mk->label();
  return out;
}

namespace {
// Stacked runs: one line style per run, the colour is the host's.
constexpr Qt::PenStyle kStyles[] = {Qt::SolidLine, Qt::DashLine, Qt::DotLine, Qt::DashDotLine};
const char* const kStyleNames[] = {"solid", "dashed", "dotted", "dash-dot"};
}  // namespace

void PriorityChart::setModels(const std::vector<std::shared_ptr<const TimelineModel>>& models,
                              const TimeMap& map) {
  d_->chart->removeAllSeries();  // deletes them
  int lo = 255, hi = 0, n = 0, legend_entries = 0;
  std::vector<QLineSeries*> host_entries;
  for (std::size_t run = 0; run < models.size(); ++run) {
    const auto& m = models[run];
    for (const Lane& l : m->lanes()) {
      if (l.kind != Lane::Kind::kInstance || l.priority.empty()) continue;
      auto* s = new QLineSeries();
      s->setName(QString::fromStdString(l.label));
      QList<QPointF> pts;
      pts.reserve(qsizetype(l.priority.size() * 2 + 1));
      for (std::size_t i = 0; i < l.priority.size(); ++i) {
        const double x = map.ToAxis(l.priority[i].t) / kUnit;
        if (i > 0) pts.append(QPointF(x, l.priority[i - 1].priority));
        pts.append(QPointF(x, l.priority[i].priority));
        // Every plotted value stays in view, priority 0 (not running: a
        // crash, a stop) included: a line must never leave the plot.
        lo = std::min(lo, l.priority[i].priority);
        hi = std::max(hi, l.priority[i].priority);
      }
      pts.append(QPointF(map.ToAxis(m->duration()) / kUnit, l.priority.back().priority));
      s->replace(pts);
      QPen pen(HostColor(l.host));
      pen.setWidthF(1.6);
      pen.setStyle(kStyles[run % std::size(kStyles)]);
      s->setPen(pen);
      d_->chart->addSeries(s);  // the chart owns the series
      s->attachAxis(d_->x);
      s->attachAxis(d_->y);
      if (run > 0)
        for (auto* mk : d_->chart->legend()->markers(s)) mk->setVisible(false);
      else
        host_entries.push_back(s);
      ++n;
    }
  }
  d_->lines = n;
  // The legend: the hosts' colours (when few enough to read), and in compare
  // mode which line style is which run: an empty grey series per run whose
  // marker is drawn as its line and whose name says the style.
  if (int(host_entries.size()) > kMaxLegend)
    for (auto* s : host_entries)
      for (auto* mk : d_->chart->legend()->markers(s)) mk->setVisible(false);
  else
    legend_entries += int(host_entries.size());
  if (models.size() > 1) {
    for (std::size_t run = 0; run < models.size(); ++run) {
      auto* s = new QLineSeries();
      s->setName(QString("%1: %2")
                     .arg(kStyleNames[run % std::size(kStyleNames)])
                     .arg(QString::fromStdString(models[run]->title())));
      QPen pen(QColor(70, 70, 70));
      pen.setWidthF(1.6);
      pen.setStyle(kStyles[run % std::size(kStyles)]);
      s->setPen(pen);
      d_->chart->addSeries(s);
      s->attachAxis(d_->x);
      s->attachAxis(d_->y);
      ++legend_entries;
    }
  }
  if (lo > hi) lo = 0, hi = 255;
  // Some headroom so that equal priorities on the edge stay visible.
  const int y0 = std::max(0, lo - 3), y1 = std::min(258, hi + 3);
  // Ticks: the smallest of 1, 2, 5, 10, 20, 25, 50 giving at most 5 intervals.
  int step = 1;
  for (int s : {1, 2, 5, 10, 20, 25, 50}) {
    step = s;
    if ((y1 - y0) / s <= 5) break;
  }
  // The range below and above the values by a few units, on whole ticks
  // when that does not cut a value off.
  const int r0 = std::max(0, y0 / step * step);
  const int r1 = std::max(r0 + step, (y1 + step - 1) / step * step);
  d_->y->setRange(r0, r1);
  d_->y->setTickType(QValueAxis::TicksDynamic);
  d_->y->setTickAnchor(0);
  d_->y->setTickInterval(step);
  d_->chart->legend()->setVisible(legend_entries > 0 && legend_entries <= kMaxLegend);
  applyGeometry();
}

std::pair<double, double> PriorityChart::yRange() const { return {d_->y->min(), d_->y->max()}; }

void PriorityChart::setWindow(double a0, double a1, int left, int right_margin) {
  d_->a0 = a0;
  d_->a1 = a1;
  d_->left = left;
  d_->right = right_margin;
  applyGeometry();
}

void PriorityChart::resizeEvent(QResizeEvent* e) {
  QWidget::resizeEvent(e);
  applyGeometry();
}

void PriorityChart::applyGeometry() {
  d_->x->setRange(d_->a0 / kUnit, d_->a1 / kUnit);
  // Align the plot area with the lanes' by adjusting the margins around the
  // chart's own layout (QChart::setPlotArea would starve the axis labels).
  QMargins m(0, 0, 0, 0);
  d_->chart->setMargins(m);
  d_->chart->resize(d_->view->size());
  for (int pass = 0; pass < 3; ++pass) {
    if (d_->chart->layout()) d_->chart->layout()->activate();
    const QRectF area = d_->chart->plotArea();
    const int want_right = width() - d_->right;
    const int dl = d_->left - int(std::lround(area.left()));
    const int dr = int(std::lround(area.right())) - want_right;
    if (dl == 0 && dr == 0) break;
    m.setLeft(std::max(0, m.left() + dl));
    m.setRight(std::max(0, m.right() + dr));
    d_->chart->setMargins(m);
  }
}

}  // namespace vsim::gui
