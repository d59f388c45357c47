// The viewer's window: the pane (lanes, priority plot, metrics), a details
// panel with the causal chain of the clicked transition, and the what-if
// panel that re-simulates a scenario with one node's settings changed.
#pragma once

#include <QMainWindow>
#include <QStringList>
#include <memory>
#include <vector>

#include "gui/run_loader.h"

class QComboBox;
class QSpinBox;
class QDoubleSpinBox;
class QTextBrowser;
class QMenu;
class QLabel;
class QAction;
class QCheckBox;
class QTimer;
class QDockWidget;

namespace vsim::gui {

class ViewerPane;
class SequenceView;

class MainWindow : public QMainWindow {
  Q_OBJECT

 public:
  explicit MainWindow(QWidget* parent = nullptr);

  // Opens one file (trace or scenario) or several (stacked, compare mode).
  // On failure shows an error dialog, keeps what was shown, returns false.
  bool openFiles(const QStringList& paths);
  bool openFile(const QString& path) { return openFiles({path}); }
  QString lastError() const { return last_error_; }

  ViewerPane* pane() const { return pane_; }
  QTextBrowser* details() const { return details_; }
  SequenceView* sequence() const { return sequence_; }
  const LoadedRuns& loaded() const { return loaded_; }

  // Zooms the timeline to [t0, t1] (e.g. from the command line).
  void setWindowTimes(Time t0, Time t1);

  // Which run is shown: -1 = all stacked (compare), else one run.
  void showRun(int index);
  // What-if on the shown scenario: applies `o` to the selected run's
  // configuration and shows the original and the what-if run stacked.
  bool applyWhatIf(const ConfigOverride& o);
  void resetWhatIf();
  // Edits in the what-if panel re-simulate once they pause (250 ms), not on
  // every keystroke; flushWhatIf() runs a pending one now.
  static constexpr int kWhatIfDelayMs = 250;
  void flushWhatIf();
  int whatIfRuns() const { return what_if_runs_; }
  bool exportView(const QString& path);
  QStringList recentFiles() const;

 protected:
  void dragEnterEvent(QDragEnterEvent*) override;
  void dropEvent(QDropEvent*) override;
  void resizeEvent(QResizeEvent*) override;

 private:
  void buildMenus();
  void fitDocks();
  void setRunsKeepingView();
  void buildWhatIfPanel();
  void fillWhatIfPanel();
  void fillWhatIfInstances();
  void whatIfChanged();
  void whatIfNow();
  const vrrp::Config* whatIfConfig(int* instance) const;
  void addRecent(const QString& path);
  void refreshRecentMenu();
  void showError(const QString& title, const QString& text);
  void showTransition(int run, int event);
  std::vector<std::shared_ptr<const RunResult>> shownRuns() const;

  ViewerPane* pane_ = nullptr;
  QTextBrowser* details_ = nullptr;
  SequenceView* sequence_ = nullptr;
  QWidget* details_dock_ = nullptr;
  std::vector<QDockWidget*> docks_;  // sequence, chain, metrics, what-if
  QComboBox* run_combo_ = nullptr;
  QMenu* recent_menu_ = nullptr;
  QAction* skip_idle_ = nullptr;
  LoadedRuns loaded_;
  std::shared_ptr<const RunResult> what_if_run_;
  int shown_ = -1;
  QString last_error_;
  QStringList current_files_;

  // What-if panel.
  QWidget* what_if_ = nullptr;
  QComboBox* wi_node_ = nullptr;
  QComboBox* wi_instance_ = nullptr;
  QTimer* wi_timer_ = nullptr;
  int what_if_runs_ = 0;
  QSpinBox* wi_priority_ = nullptr;
  QComboBox* wi_nopreempt_ = nullptr;
  QDoubleSpinBox* wi_preempt_delay_ = nullptr;
  QDoubleSpinBox* wi_advert_int_ = nullptr;
  QComboBox* wi_script_ = nullptr;
  QSpinBox* wi_weight_ = nullptr;
  QLabel* wi_status_ = nullptr;
  bool filling_ = false;
};

}  // namespace vsim::gui
