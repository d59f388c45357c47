// The message-sequence view of the visible window: one column (lifeline) per
// host, time flowing down, adverts as arrows from sender to receiver, dropped
// ones red and crossed, GARPs as arrows to the LAN column, state changes as
// boxes on the lifelines. Drawn only when zoomed in enough to be readable.
#pragma once

#include <QWidget>
#include <memory>

#include "gui/timeline_model.h"

namespace vsim::gui {

class SequenceView : public QWidget {
  Q_OBJECT

 public:
  explicit SequenceView(QWidget* parent = nullptr);

  // The run shown (the first of the stacked runs) and the window to show.
  void setModel(std::shared_ptr<const TimelineModel> model);
  void setWindow(Time t0, Time t1);

  // What the last paint showed: arrows drawn (0 when zoomed out too far).
  int arrowsDrawn() const { return arrows_; }
  bool readable() const;

  QSize sizeHint() const override { return {360, 500}; }

 protected:
  void paintEvent(QPaintEvent*) override;

 private:
  std::shared_ptr<const TimelineModel> model_;
  Time t0_ = 0, t1_ = 1;
  int arrows_ = 0;
};

}  // namespace vsim::gui
