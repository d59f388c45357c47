// The state lanes, drawn with QPainter (not Qt Charts: lanes are the part of
// the viewer that must stay fast and exact, and Qt Charts is on its way out).
//
// One row per host x instance and one "VIP held by" row per VRID, for each
// run stacked on one time axis (compare mode). Zoom with the wheel, pan by
// dragging, rubber-band zoom with Shift+drag or the right button, double-click
// to fit all. The time axis can skip idle stretches (TimeMap::SkipIdle).
#pragma once

#include <QPoint>
#include <QRubberBand>
#include <QScrollBar>
#include <QWidget>
#include <memory>
#include <vector>

#include "gui/timeline_model.h"

namespace vsim::gui {

class TimelineView : public QWidget {
  Q_OBJECT

 public:
  explicit TimelineView(QWidget* parent = nullptr);

  void setModels(std::vector<std::shared_ptr<const TimelineModel>> models);
  const std::vector<std::shared_ptr<const TimelineModel>>& models() const { return models_; }

  void setSkipIdle(bool on);
  bool skipIdle() const { return skip_idle_; }
  void setShowMessages(bool on);
  const TimeMap& timeMap() const { return map_; }

  // Visible window in axis units (see TimeMap) and in simulated time.
  double windowStart() const { return a0_; }
  double windowEnd() const { return a1_; }
  Time windowStartTime() const { return map_.ToTime(a0_); }
  Time windowEndTime() const { return map_.ToTime(a1_); }
  void setWindowTimes(Time t0, Time t1);
  void setWindowAxis(double a0, double a1);
  void fitAll();
  void zoomBy(double factor, double anchor_x);  // factor > 1 zooms in
  void panByPixels(double dx);

  // Keyboard stepping through the state changes of every lane, in time order
  // (N / P, View > Next/Previous transition): centres the window on the next
  // (direction > 0) or previous one, keeping the zoom (zooming in to a fifth
  // of the run when the whole run is shown), and marks it with a cursor line.
  // Returns a description ("6.609375s node1 VI_1 BACKUP -> MASTER"), empty
  // when there is none that way.
  QString stepTransition(int direction);
  // The marked transition's time, or -1.
  Time cursorTime() const { return cursor_ < 0 ? -1 : transitions_[std::size_t(cursor_)].t; }

  // Geometry shared with the priority chart so both use one time axis.
  static constexpr int kLabelWidth = 150;
  static constexpr int kRightMargin = 12;
  double xForTime(Time t) const;
  Time timeForX(double x) const;
  QRect plotRect() const;

  // Which (run, lane) is under a point; {-1, -1} if none.
  std::pair<int, int> laneAt(QPoint p) const;
  QRect laneRect(int run, int lane) const;
  QStringList hoverText(QPoint p) const;
  // Whether the message-sequence arrows are drawn at the current zoom.
  bool messagesVisible() const;

  // Paints everything into `p` over a `size` area (widget, PNG, SVG).
  void paintTimeline(QPainter& p, QSize size, bool interactive) const;

  // Height that shows every lane at full size.
  int contentHeight() const;

  // Lanes are at least kMinLabelLane px tall (room for their label); when
  // they do not all fit, a vertical scroll bar (in the right margin) scrolls
  // them under the fixed time axis. With fit-lanes on (--render, where
  // nothing scrolls) every lane is squeezed in instead, down to 2 px, and
  // only as many labels are written as fit legibly.
  static constexpr int kMinLabelLane = 16;
  void setFitLanes(bool on);
  bool fitLanes() const { return fit_lanes_; }
  int scrollOffset() const { return scroll_; }
  void setScrollOffset(int y);
  QScrollBar* verticalScrollBar() const { return vbar_; }
  // Whether lane labels are thinned out (lanes too thin for one each).
  bool compactLabels() const;

  // The fault-window and split-brain labels of the last paint (for tests).
  struct HeaderLabel {
    int run;
    QString text;
    QRectF rect;
  };
  const std::vector<HeaderLabel>& headerLabels() const { return header_labels_; }

  QSize sizeHint() const override { return {1100, 420}; }
  QSize minimumSizeHint() const override { return {kLabelWidth + 100, 60}; }

 signals:
  void windowChanged(double a0, double a1);
  void hoverChanged(const QString& text);
  void transitionClicked(int run, int event);

 protected:
  void paintEvent(QPaintEvent*) override;
  void resizeEvent(QResizeEvent*) override;
  void wheelEvent(QWheelEvent*) override;
  void mousePressEvent(QMouseEvent*) override;
  void mouseMoveEvent(QMouseEvent*) override;
  void mouseReleaseEvent(QMouseEvent*) override;
  void mouseDoubleClickEvent(QMouseEvent*) override;
  void leaveEvent(QEvent*) override;
  void keyPressEvent(QKeyEvent*) override;

 private:
  struct Row {
    int run = 0;
    int lane = -1;  // -1: the run's header row
    int y = 0;
    int h = 0;
  };
  void rebuildMap();
  void layoutRows(int height) const;
  void relayout();
  void clampWindow();
  void paintRun(QPainter& p, int run, const QRect& plot) const;
  void paintLane(QPainter& p, const TimelineModel& m, const Lane& lane, const QRect& r, Time t0,
                 Time t1) const;
  void paintAxis(QPainter& p, const QRect& plot) const;
  void paintMessages(QPainter& p, int run, const QRect& plot) const;
  double xForAxis(double a, const QRect& plot) const;

  struct Transition {
    Time t = 0;
    QString text;
  };
  void rebuildTransitions();
  std::vector<Transition> transitions_;  // every state change, by time
  int cursor_ = -1;                      // index in transitions_, -1 none

  std::vector<std::shared_ptr<const TimelineModel>> models_;
  TimeMap map_ = TimeMap::Linear(1);
  bool skip_idle_ = false;
  bool show_messages_ = true;
  double a0_ = 0, a1_ = 1;
  mutable std::vector<Row> rows_;
  mutable int layout_height_ = -1;
  mutable int layout_scroll_ = 0;
  mutable int content_h_ = 0;  // lanes and headers at the current lane height
  mutable bool compact_ = false;
  bool fit_lanes_ = false;
  int scroll_ = 0;
  QScrollBar* vbar_ = nullptr;
  mutable std::vector<HeaderLabel> header_labels_;

  // Interaction.
  QPoint press_pos_;
  double press_a0_ = 0, press_a1_ = 1;
  bool dragging_ = false;
  bool rubber_ = false;
  QRubberBand* rubber_band_ = nullptr;
  int hover_x_ = -1;
};

// Axis ticks (lanes and message sequence): the smallest 1-2-5 step of at
// least `min_units` (any magnitude, capped at 5e18), and the first multiple
// of `step` at or after `lo`, both free of overflow.
Duration TickStep(double min_units);
Time FirstTick(Time lo, Duration step);

// Colours shared by the lanes, the legend and the tests' pixel checks.
QColor StateColor(LaneState s);
QColor HostColor(int host);

}  // namespace vsim::gui
