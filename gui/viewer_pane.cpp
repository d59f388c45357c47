#include "gui/viewer_pane.h"

#include <QBuffer>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QImage>
#include <QImageWriter>
#include <QPainter>
#include <QRegularExpression>
#include <QSplitter>
#include <QSvgGenerator>
#include <QTableWidget>
#include <algorithm>
#include <map>

#include "gui/priority_chart.h"
#include "gui/timeline_view.h"
#include "sim/core/clip.h"
#include "sim/io/file_io.h"
#include "sim/trace/text_report.h"

namespace vsim::gui {

ViewerPane::ViewerPane(QWidget* parent) : QWidget(parent) {
  auto* lay = new QHBoxLayout(this);
  lay->setContentsMargins(0, 0, 0, 0);
  lay->setSpacing(4);
  // The pane decides what fits (fitToSize): its children's minimums do not
  // hold it wider than asked.
  lay->setSizeConstraint(QLayout::SetNoConstraint);
  setMinimumSize(kMinWidth, kMinHeight);
  split_ = new QSplitter(Qt::Vertical, this);
  timeline_ = new TimelineView(split_);
  chart_ = new PriorityChart(split_);
  split_->addWidget(timeline_);
  split_->addWidget(chart_);
  split_->setStretchFactor(0, 3);
  split_->setStretchFactor(1, 1);
  split_->setChildrenCollapsible(false);
  lay->addWidget(split_, 1);
  metrics_ = new QTableWidget(this);
  metrics_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  metrics_->verticalHeader()->setDefaultSectionSize(20);
  QFont f("DejaVu Sans");
  f.setPixelSize(11);
  metrics_->setFont(f);
  metrics_->setTextElideMode(Qt::ElideMiddle);
  metrics_->verticalHeader()->setTextElideMode(Qt::ElideMiddle);
  metrics_->setMinimumSize(0, 0);
  lay->addWidget(metrics_);
  setAutoFillBackground(true);
  QPalette pal = palette();
  pal.setColor(QPalette::Window, Qt::white);
  setPalette(pal);
  connect(timeline_, &TimelineView::windowChanged, this, [this](double, double) { syncChart(); });
}

void ViewerPane::setRuns(std::vector<std::shared_ptr<const RunResult>> runs) {
  models_.clear();
  bool one_scenario = true;
  for (const auto& r : runs) one_scenario &= r->scenario == runs.front()->scenario;
  for (auto& r : runs) {
    auto m = std::make_shared<TimelineModel>(std::move(r));
    if (!one_scenario && !m->run().variant.empty())
      m->set_title(m->run().scenario + " / " + m->run().variant);
    models_.push_back(std::move(m));
  }
  timeline_->setModels(models_);
  chart_->setModels(models_, timeline_->timeMap());
  fillMetrics();
  splitHeights();
  syncChart();
}

void ViewerPane::splitHeights() {
  // The lanes get what they need to show every lane at full size, and no
  // more: the plot starts right under the last lane and takes the rest, at
  // least 190 px (a third when the pane is small; then the lanes scroll).
  const int total = split_->height() > 0 ? split_->height() : height();
  const int plot_min = std::min(190, std::max(70, total / 3));
  const int lanes =
      std::clamp(timeline_->contentHeight(), std::min(60, total), std::max(0, total - plot_min));
  split_->setSizes({lanes, std::max(plot_min, total - lanes)});
}

void ViewerPane::resizeEvent(QResizeEvent* e) {
  QWidget::resizeEvent(e);
  fitToSize();
  splitHeights();
}

QTableWidget* ViewerPane::detachMetrics() {
  metrics_detached_ = true;
  layout()->removeWidget(metrics_);
  metrics_->setParent(nullptr);
  metrics_->setMinimumWidth(0);
  metrics_->setMaximumWidth(QWIDGETSIZE_MAX);
  metrics_->verticalHeader()->setMaximumWidth(QWIDGETSIZE_MAX);
  metrics_->show();
  fitToSize();
  return metrics_;
}

void ViewerPane::setSkipIdle(bool on) {
  timeline_->setSkipIdle(on);
  chart_->setModels(models_, timeline_->timeMap());
  syncChart();
}

void ViewerPane::setMetricsVisible(bool on) {
  metrics_wanted_ = on;
  fitToSize();
}

bool ViewerPane::metricsShown() const { return !metrics_detached_ && !metrics_->isHidden(); }

void ViewerPane::fitToSize() {
  // Too low for lanes and a plot: the lanes only.
  chart_->setVisible(height() <= 0 || height() >= 280);
  if (metrics_detached_) return;
  // The lanes keep at least their labels and 300 px of plot; the table gets
  // its natural width if that leaves them this, else shrinks (its cells
  // elide, it scrolls) down to 160 px, else is dropped.
  constexpr int kTableMin = 160;
  const int lanes_min = TimelineView::kLabelWidth + 300 + TimelineView::kRightMargin;
  const int room = width() - lanes_min - 4;
  const int w = std::min(metrics_natural_, room);
  const bool show = metrics_wanted_ && (w >= kTableMin || width() <= 0);
  if (show) {
    const int tw = std::max(kTableMin, std::min(metrics_natural_, w));
    metrics_->setFixedWidth(tw);
    // Narrower than its contents: the metric names give way (elided) so
    // that the values stay in view.
    metrics_->verticalHeader()->setMaximumWidth(tw < metrics_natural_ ? tw * 3 / 5
                                                                      : QWIDGETSIZE_MAX);
  }
  metrics_->setVisible(show);
}

void ViewerPane::syncChart() {
  chart_->setWindow(timeline_->windowStart(), timeline_->windowEnd(), TimelineView::kLabelWidth,
                    timeline_->width() - timeline_->plotRect().right() - 1);
}

void ViewerPane::fillMetrics() {
  // Rows: metric (subject); columns: runs.
  std::vector<std::pair<std::string, std::string>> keys;
  std::map<std::pair<std::string, std::string>, std::vector<QString>> cells;
  for (std::size_t r = 0; r < models_.size(); ++r) {
    const RunResult& run = models_[r]->run();
    auto put = [&](const std::string& name, const std::string& subject, const QString& v) {
      auto key = std::make_pair(name, subject);
      auto& row = cells[key];
      if (row.empty()) {
        keys.push_back(key);
        row.resize(models_.size());
      }
      row[r] = v;
    };
    for (const auto& m : run.metrics) {
      put(m.name, m.subject, QString::fromStdString(FormatMetric(run, m)));
    }
    std::size_t passed = 0;
    for (const auto& e : run.expectations) passed += e.passed;
    if (!run.expectations.empty())
      put("expectations", "", QString("%1/%2").arg(passed).arg(run.expectations.size()));
    put("split brain intervals", "", QString::number(run.split_brain.size()));
  }
  metrics_->clear();
  metrics_->setRowCount(int(keys.size()));
  metrics_->setColumnCount(int(models_.size()));
  QStringList heads;
  for (const auto& m : models_) {
    heads << QString::fromStdString(m->title()).replace(" / ", "\n");
  }
  metrics_->setHorizontalHeaderLabels(heads);
  QStringList rows;
  for (std::size_t i = 0; i < keys.size(); ++i) {
    const auto& [name, subject] = keys[i];
    rows << QString::fromStdString(subject.empty() ? name : name + " " + subject);
    const auto& vals = cells[keys[i]];
    for (std::size_t c = 0; c < vals.size(); ++c) {
      auto* item = new QTableWidgetItem(vals[c]);
      item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
      metrics_->setItem(int(i), int(c), item);
    }
  }
  metrics_->setVerticalHeaderLabels(rows);
  metrics_->resizeColumnsToContents();
  // As wide as its contents (within limits), so no value is cut.
  int w = metrics_->verticalHeader()->sizeHint().width() + 6;
  for (int c = 0; c < metrics_->columnCount(); ++c) w += metrics_->columnWidth(c);
  metrics_natural_ = std::clamp(w, 200, 640);
  if (metrics_detached_) metrics_->verticalHeader()->setMaximumWidth(QWIDGETSIZE_MAX);
  fitToSize();
}

QImage ViewerPane::renderImage() const {
  QImage img(size(), QImage::Format_ARGB32);
  img.fill(Qt::white);
  QPainter p(&img);
  const_cast<ViewerPane*>(this)->render(&p);
  return img;
}

bool ExportFormat(const QString& path, QByteArray* format, QString* error) {
  const QString suffix = QFileInfo(path).suffix().toLower();
  const QByteArray f = suffix.toLatin1();
  if (suffix == "svg" ||
      (!suffix.isEmpty() && suffix != "pdf" && QImageWriter::supportedImageFormats().contains(f))) {
    *format = f;
    return true;
  }
  if (error) {
    const QString name = QString::fromStdString(Clip(path.toStdString()));
    *error =
        suffix.isEmpty()
            ? name + ": no extension to choose the picture format by (write .png or .svg)"
            : name + ": unsupported picture format '." + suffix.left(16) + "' (write .png or .svg)";
  }
  return false;
}

namespace {

bool WriteBytes(const QByteArray& bytes, const QString& path, QString* error) {
  std::string e;
  if (vsim::WriteFileAtomically(path.toStdString(), bytes.toStdString(), &e)) return true;
  if (error) *error = QString::fromStdString(e);
  return false;
}

}  // namespace

bool WriteImageFile(const QImage& image, const QString& path, QString* error) {
  QByteArray format;
  if (!ExportFormat(path, &format, error)) return false;
  QByteArray bytes;
  QBuffer buffer(&bytes);
  buffer.open(QIODevice::WriteOnly);
  QImageWriter writer(&buffer, format);
  if (!writer.write(image)) {
    if (error)
      *error = "cannot encode the picture as " + QString(format) + ": " + writer.errorString();
    return false;
  }
  return WriteBytes(bytes, path, error);
}

QByteArray RenderSvg(QWidget* widget) {
  // Qt's own SVG generator (Qt SVG): paths, fills and real <text>, vector at
  // any zoom. Deterministic: no date or random id in what it writes.
  QByteArray bytes;
  QBuffer buffer(&bytes);
  buffer.open(QIODevice::WriteOnly);
  QSvgGenerator gen;
  gen.setOutputDevice(&buffer);
  gen.setSize(widget->size());
  gen.setViewBox(QRect(QPoint(0, 0), widget->size()));
  gen.setResolution(96);
  gen.setTitle("vrrpsim-gui");
  {
    QPainter p(&gen);
    p.fillRect(QRect(QPoint(0, 0), widget->size()), Qt::white);
    widget->render(&p);
  }
  // The picture's size in pixels (QSvgGenerator writes millimetres at its
  // resolution): as --size says, 1 unit = 1 px.
  QString svg = QString::fromUtf8(bytes);
  static const QRegularExpression size_attrs(
      "<svg([^>]*?)\\swidth=\"[^\"]*\"\\s+height=\"[^\"]*\"");
  svg.replace(
      size_attrs,
      QString("<svg\\1 width=\"%1\" height=\"%2\"").arg(widget->width()).arg(widget->height()));
  return svg.toUtf8();
}

bool ViewerPane::exportTo(const QString& path, QString* error) const {
  QByteArray format;
  if (!ExportFormat(path, &format, error)) return false;
  if (format == "svg") return WriteBytes(RenderSvg(const_cast<ViewerPane*>(this)), path, error);
  return WriteImageFile(renderImage(), path, error);
}

}  // namespace vsim::gui
