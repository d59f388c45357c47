// The effective-priority plot under the lanes: one step line per host x
// instance. The only code that touches Qt Charts (deprecated from Qt 6.10):
// swapping it for Qt Graphs means rewriting this class and nothing else.
#pragma once

#include <QWidget>
#include <memory>
#include <utility>
#include <vector>

#include "gui/timeline_model.h"

namespace vsim::gui {

class PriorityChart : public QWidget {
  Q_OBJECT

 public:
  explicit PriorityChart(QWidget* parent = nullptr);
  ~PriorityChart() override;

  // Step lines for every instance lane of every run, on `map`'s axis.
  void setModels(const std::vector<std::shared_ptr<const TimelineModel>>& models,
                 const TimeMap& map);
  // Priority lines drawn (one per instance lane of every run).
  int seriesCount() const;
  // What the legend says: host lines, and in compare mode "dashed: RUN".
  QStringList legendLabels() const;
  // The priority axis's range (every plotted value lies within it).
  std::pair<double, double> yRange() const;
  // Shows the axis window [a0, a1] with the plot between x = left and
  // width() - right_margin, the lanes' geometry, so both share one time axis.
  void setWindow(double a0, double a1, int left, int right_margin);

  QSize sizeHint() const override { return {1100, 190}; }
  QSize minimumSizeHint() const override { return {250, 60}; }

 protected:
  void resizeEvent(QResizeEvent*) override;

 private:
  void applyGeometry();
  struct Impl;
  std::unique_ptr<Impl> d_;
};

}  // namespace vsim::gui
