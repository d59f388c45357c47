// What the viewer shows and exports: the lanes, the priority plot on the same
// time axis, and the metrics table beside them (one column per run in compare
// mode). The main window and `--render` both use it, so a headless render
// is the window's picture.
#pragma once

#include <QWidget>
#include <memory>
#include <vector>

#include "gui/timeline_model.h"

class QSplitter;
class QTableWidget;

namespace vsim::gui {

class TimelineView;
class PriorityChart;

class ViewerPane : public QWidget {
  Q_OBJECT

 public:
  explicit ViewerPane(QWidget* parent = nullptr);

  void setRuns(std::vector<std::shared_ptr<const RunResult>> runs);
  const std::vector<std::shared_ptr<const TimelineModel>>& models() const { return models_; }
  void setSkipIdle(bool on);
  void setMetricsVisible(bool on);
  // Whether the table is shown: wanted (View > Metrics table, --no-metrics)
  // and room for it beside the lanes.
  bool metricsShown() const;
  // The window shows the metrics in a dock of its own: the pane hands the
  // table over (it still fills it) and gives the lanes its width. Pictures
  // (--render, export) keep it beside the lanes.
  QTableWidget* detachMetrics();

  // The smallest size the pane draws legibly at (--render refuses less).
  static constexpr int kMinWidth = 320;
  static constexpr int kMinHeight = 200;

  TimelineView* timeline() const { return timeline_; }
  PriorityChart* chart() const { return chart_; }
  QTableWidget* metrics() const { return metrics_; }

  // The pane as a picture (PNG, or SVG through the vector paint device).
  QImage renderImage() const;
  bool exportTo(const QString& path, QString* error) const;

 private:
  void syncChart();
  void fillMetrics();
  void fitToSize();
  void splitHeights();

 protected:
  void resizeEvent(QResizeEvent*) override;

 private:
  std::vector<std::shared_ptr<const TimelineModel>> models_;
  QSplitter* split_ = nullptr;
  TimelineView* timeline_ = nullptr;
  PriorityChart* chart_ = nullptr;
  QTableWidget* metrics_ = nullptr;
  bool metrics_wanted_ = true;
  bool metrics_detached_ = false;
  int metrics_natural_ = 200;  // as wide as its contents
};

// `widget` (and its children) as an SVG document with vector shapes and real
// <text>, written by Qt's QSvgGenerator.
QByteArray RenderSvg(QWidget* widget);

// The format a picture written to `path` gets, from its extension: "svg", or
// an image format Qt writes ("png", "jpg", "bmp", ...). False + `*error` for
// anything else, before any file is opened: an unsupported name must not
// truncate an existing file.
bool ExportFormat(const QString& path, QByteArray* format, QString* error);

// Writes `image` to `path` in ExportFormat(path), atomically (a temporary
// file beside it, then a rename): a failure leaves an existing file as it was.
bool WriteImageFile(const QImage& image, const QString& path, QString* error);

}  // namespace vsim::gui
