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
  bool exportView(const QString& path);
  QStringList recentFiles() const;

 protected:
  void dragEnterEvent(QDragEnterEvent*) override;
  void dropEvent(QDropEvent*) override;

 private:
  void buildMenus();
  void buildWhatIfPanel();
  void fillWhatIfPanel();
  void whatIfChanged();
  void addRecent(const QString& path);
  void refreshRecentMenu();
  void showError(const QString& title, const QString& text);
  void showTransition(int run, int event);
  std::vector<std::shared_ptr<const RunResult>> shownRuns() const;

  ViewerPane* pane_ = nullptr;
  QTextBrowser* details_ = nullptr;
  SequenceView* sequence_ = nullptr;
  QWidget* details_dock_ = nullptr;
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
