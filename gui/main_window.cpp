#include "gui/main_window.h"

#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QDockWidget>
#include <QDoubleSpinBox>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QPushButton>
#include <QResizeEvent>
#include <QSettings>
#include <QSpinBox>
#include <QStatusBar>
#include <QTableWidget>
#include <QTextBrowser>
#include <QTimer>
#include <QToolBar>
#include <QVBoxLayout>
#include <algorithm>

#include "gui/priority_chart.h"
#include "gui/sequence_view.h"
#include "gui/timeline_view.h"
#include "gui/viewer_pane.h"

namespace vsim::gui {

namespace {
constexpr int kMaxRecent = 8;
constexpr double kUs = 1e6;
}  // namespace

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent) {
  setWindowTitle("vrrpsim-gui");
  setAcceptDrops(true);
  pane_ = new ViewerPane(this);
  setCentralWidget(pane_);

  details_ = new QTextBrowser(this);
  details_->setPlaceholderText("Click a transition (a state change) to see why it happened.");
  auto* dock = new QDockWidget("Causal chain", this);
  dock->setObjectName("details");
  dock->setWidget(details_);
  addDockWidget(Qt::RightDockWidgetArea, dock);

  sequence_ = new SequenceView(this);
  auto* sdock = new QDockWidget("Message sequence", this);
  sdock->setObjectName("sequence");
  sdock->setWidget(sequence_);
  addDockWidget(Qt::RightDockWidgetArea, sdock);
  // The chain and the sequence share one place: a click shows the chain.
  tabifyDockWidget(dock, sdock);
  sdock->raise();
  details_dock_ = dock;
  // The sequence follows the timeline's window and its first run.
  connect(pane_->timeline(), &TimelineView::windowChanged, this, [this](double, double) {
    const auto& models = pane_->models();
    sequence_->setModel(models.empty() ? nullptr : models.front());
    sequence_->setWindow(pane_->timeline()->windowStartTime(), pane_->timeline()->windowEndTime());
  });

  // The metrics in a dock of their own, with the sequence and the chain:
  // the lanes and the plot under them get the window's width.
  auto* mdock = new QDockWidget("Metrics", this);
  mdock->setObjectName("metrics");
  mdock->setWidget(pane_->detachMetrics());
  addDockWidget(Qt::RightDockWidgetArea, mdock);
  tabifyDockWidget(sdock, mdock);
  sdock->raise();

  buildWhatIfPanel();
  auto* wdock = new QDockWidget("What-if", this);
  wdock->setObjectName("whatif");
  wdock->setWidget(what_if_);
  addDockWidget(Qt::RightDockWidgetArea, wdock);
  docks_ = {sdock, dock, mdock, wdock};

  buildMenus();
  connect(pane_->timeline(), &TimelineView::hoverChanged, this,
          [this](const QString& s) { statusBar()->showMessage(s); });
  connect(pane_->timeline(), &TimelineView::transitionClicked, this, &MainWindow::showTransition);
  statusBar()->showMessage("Open a trace or a scenario (File > Open, or drop a file here)");
  resize(1500, 820);
  fitDocks();
}

void MainWindow::fitDocks() {
  // The side panels: about a fifth of the window (260..380 px), the rest is
  // the timeline's.
  const int w = std::clamp(width() / 5, 260, 380);
  resizeDocks({docks_.front(), docks_.back()}, {w, w}, Qt::Horizontal);
}

void MainWindow::resizeEvent(QResizeEvent* e) {
  QMainWindow::resizeEvent(e);
  if (e->oldSize().width() != e->size().width()) fitDocks();
}

void MainWindow::buildMenus() {
  QMenu* file = menuBar()->addMenu("&File");
  file->addAction("&Open...", QKeySequence::Open, this, [this] {
    const QStringList paths =
        QFileDialog::getOpenFileNames(this, "Open trace or scenario", QString(),
                                      "Traces and scenarios (*.json *.yaml *.yml);;All files (*)");
    if (!paths.isEmpty()) openFiles(paths);
  });
  recent_menu_ = file->addMenu("Open &Recent");
  refreshRecentMenu();
  file->addSeparator();
  file->addAction("Export view as &PNG...", this, [this] {
    const QString p =
        QFileDialog::getSaveFileName(this, "Export PNG", "timeline.png", "PNG (*.png)");
    if (!p.isEmpty()) exportView(p);
  });
  file->addAction("Export view as &SVG...", this, [this] {
    const QString p =
        QFileDialog::getSaveFileName(this, "Export SVG", "timeline.svg", "SVG (*.svg)");
    if (!p.isEmpty()) exportView(p);
  });
  file->addSeparator();
  file->addAction("&Quit", QKeySequence::Quit, this, &QWidget::close);

  QMenu* view = menuBar()->addMenu("&View");
  TimelineView* tl = pane_->timeline();
  view->addAction("&Fit all", QKeySequence(Qt::Key_Home), tl, &TimelineView::fitAll);
  view->addAction("Zoom &in", QKeySequence::ZoomIn, tl,
                  [tl] { tl->zoomBy(2.0, tl->plotRect().center().x()); });
  view->addAction("Zoom &out", QKeySequence::ZoomOut, tl,
                  [tl] { tl->zoomBy(0.5, tl->plotRect().center().x()); });
  skip_idle_ = view->addAction("&Skip idle stretches");
  skip_idle_->setCheckable(true);
  skip_idle_->setShortcut(QKeySequence(Qt::Key_I));
  connect(skip_idle_, &QAction::toggled, pane_, &ViewerPane::setSkipIdle);
  QAction* msgs = view->addAction("&Message sequence when zoomed in");
  msgs->setCheckable(true);
  msgs->setChecked(true);
  connect(msgs, &QAction::toggled, tl, &TimelineView::setShowMessages);
  view->addSeparator();
  // Without the mouse: the same keys work on the focused lanes, these from
  // anywhere in the window.
  view->addAction("Pan &left", QKeySequence(Qt::Key_BracketLeft), tl,
                  [tl] { tl->panByPixels(tl->plotRect().width() / 4.0); });
  view->addAction("Pan &right", QKeySequence(Qt::Key_BracketRight), tl,
                  [tl] { tl->panByPixels(-tl->plotRect().width() / 4.0); });
  view->addAction("&Next transition", QKeySequence(Qt::Key_N), this, [this, tl] {
    const QString s = tl->stepTransition(1);
    statusBar()->showMessage(s.isEmpty() ? "no later transition" : s);
  });
  view->addAction("&Previous transition", QKeySequence(Qt::Key_P), this, [this, tl] {
    const QString s = tl->stepTransition(-1);
    statusBar()->showMessage(s.isEmpty() ? "no earlier transition" : s);
  });
  view->addSeparator();
  // Panels: each dock can be closed and brought back (or collapsed to a tab).
  for (QDockWidget* d : docks_) view->addAction(d->toggleViewAction());

  QToolBar* tb = addToolBar("View");
  tb->setObjectName("toolbar");
  tb->addWidget(new QLabel(" Runs: ", tb));
  run_combo_ = new QComboBox(tb);
  run_combo_->setMinimumWidth(220);
  tb->addWidget(run_combo_);
  connect(run_combo_, &QComboBox::activated, this, [this](int i) { showRun(i - 1); });
  tb->addAction(skip_idle_);
  tb->addAction("Fit all", tl, &TimelineView::fitAll);
}

// The configuration the what-if edits start from: the shown variant's.
static const vrrp::Config* BaseConfig(const LoadedRuns& l, int shown, int node) {
  if (!l.scenario || node < 0 || std::size_t(node) >= l.scenario->nodes.size()) return nullptr;
  if (shown >= 0 && std::size_t(shown) < l.runs.size()) {
    const std::string& v = l.runs[std::size_t(shown)]->variant;
    for (const auto& var : l.scenario->variants)
      if (var.name == v && std::size_t(node) < var.configs.size())
        return &var.configs[std::size_t(node)];
  } else if (!l.scenario->variants.empty() && !l.scenario->variants.front().configs.empty()) {
    return &l.scenario->variants.front().configs[std::size_t(node)];
  }
  return &l.scenario->nodes[std::size_t(node)].config;
}

void MainWindow::buildWhatIfPanel() {
  what_if_ = new QWidget(this);
  auto* form = new QFormLayout(what_if_);
  wi_node_ = new QComboBox(what_if_);
  wi_node_->setObjectName("whatif_node");
  wi_instance_ = new QComboBox(what_if_);
  wi_instance_->setObjectName("whatif_instance");
  wi_timer_ = new QTimer(this);
  wi_timer_->setSingleShot(true);
  wi_timer_->setInterval(kWhatIfDelayMs);
  connect(wi_timer_, &QTimer::timeout, this, &MainWindow::whatIfNow);
  wi_priority_ = new QSpinBox(what_if_);
  wi_priority_->setObjectName("whatif_priority");
  wi_priority_->setRange(1, 255);
  wi_nopreempt_ = new QComboBox(what_if_);
  wi_nopreempt_->setObjectName("whatif_nopreempt");
  wi_nopreempt_->addItems({"off", "on"});
  wi_preempt_delay_ = new QDoubleSpinBox(what_if_);
  wi_preempt_delay_->setRange(0, 1000);
  wi_preempt_delay_->setSuffix(" s");
  wi_advert_int_ = new QDoubleSpinBox(what_if_);
  wi_advert_int_->setRange(0.01, 255);
  wi_advert_int_->setSuffix(" s");
  wi_advert_int_->setSingleStep(0.5);
  wi_script_ = new QComboBox(what_if_);
  wi_weight_ = new QSpinBox(what_if_);
  wi_weight_->setRange(-253, 253);
  wi_status_ = new QLabel(what_if_);
  wi_status_->setWordWrap(true);
  auto* reset = new QPushButton("Reset", what_if_);
  form->addRow("node", wi_node_);
  form->addRow("instance", wi_instance_);
  form->addRow("priority", wi_priority_);
  form->addRow("nopreempt", wi_nopreempt_);
  form->addRow("preempt_delay", wi_preempt_delay_);
  form->addRow("advert_int", wi_advert_int_);
  form->addRow("script", wi_script_);
  form->addRow("weight", wi_weight_);
  form->addRow(reset);
  form->addRow(wi_status_);
  what_if_->setEnabled(false);
  connect(wi_node_, &QComboBox::currentIndexChanged, this, &MainWindow::fillWhatIfInstances);
  connect(wi_instance_, &QComboBox::currentIndexChanged, this, [this] {
    wi_timer_->stop();
    fillWhatIfPanel();
  });
  connect(wi_script_, &QComboBox::currentIndexChanged, this, [this] { fillWhatIfPanel(); });
  // An edit re-simulates once typing pauses (debounced): a run of a seed
  // scenario takes milliseconds, a 100-host hour seconds.
  connect(wi_priority_, &QSpinBox::valueChanged, this, [this] { whatIfChanged(); });
  connect(wi_nopreempt_, &QComboBox::currentIndexChanged, this, [this] { whatIfChanged(); });
  connect(wi_preempt_delay_, &QDoubleSpinBox::valueChanged, this, [this] { whatIfChanged(); });
  connect(wi_advert_int_, &QDoubleSpinBox::valueChanged, this, [this] { whatIfChanged(); });
  connect(wi_weight_, &QSpinBox::valueChanged, this, [this] { whatIfChanged(); });
  connect(reset, &QPushButton::clicked, this, &MainWindow::resetWhatIf);
}

void MainWindow::fillWhatIfInstances() {
  // The node's instances (one or several): the edits apply to the chosen one.
  wi_timer_->stop();
  const QString was = wi_instance_->currentText();
  wi_instance_->blockSignals(true);
  wi_instance_->clear();
  if (const vrrp::Config* c = BaseConfig(loaded_, shown_, wi_node_->currentIndex()))
    for (const auto& inst : c->instances) wi_instance_->addItem(QString::fromStdString(inst.name));
  wi_instance_->setCurrentIndex(std::max(0, wi_instance_->findText(was)));
  wi_instance_->setEnabled(wi_instance_->count() > 1);
  wi_instance_->blockSignals(false);
  fillWhatIfPanel();
}

const vrrp::Config* MainWindow::whatIfConfig(int* instance) const {
  const vrrp::Config* c = BaseConfig(loaded_, shown_, wi_node_->currentIndex());
  if (!c || c->instances.empty()) return nullptr;
  *instance = std::clamp(wi_instance_->currentIndex(), 0, int(c->instances.size()) - 1);
  return c;
}

void MainWindow::fillWhatIfPanel() {
  if (filling_) return;
  filling_ = true;
  int index = 0;
  const vrrp::Config* c = whatIfConfig(&index);
  if (c) {
    const auto& inst = c->instances[std::size_t(index)];
    wi_priority_->setValue(inst.priority);
    wi_nopreempt_->setCurrentIndex(inst.nopreempt ? 1 : 0);
    wi_preempt_delay_->setValue(double(inst.preempt_delay) / kUs);
    wi_advert_int_->setValue(double(inst.advert_int) / kUs);
    const QString script = wi_script_->currentText();
    if (wi_script_->count() != int(c->scripts.size())) {
      wi_script_->clear();
      for (const auto& s : c->scripts) wi_script_->addItem(QString::fromStdString(s.name));
    }
    const auto* s = c->FindScript(wi_script_->currentText().toStdString());
    wi_weight_->setEnabled(s != nullptr);
    wi_weight_->setValue(s ? s->weight : 0);
  }
  filling_ = false;
}

void MainWindow::whatIfChanged() {
  if (filling_ || !loaded_.scenario) return;
  wi_timer_->start();  // (re)starts the delay: one run when the edits pause
}

void MainWindow::flushWhatIf() {
  if (wi_timer_->isActive()) {
    wi_timer_->stop();
    whatIfNow();
  }
}

void MainWindow::whatIfNow() {
  if (!loaded_.scenario) return;
  const int node = wi_node_->currentIndex();
  int index = 0;
  const vrrp::Config* c = whatIfConfig(&index);
  if (!c) return;
  const auto& inst = c->instances[std::size_t(index)];
  ConfigOverride o;
  o.node = loaded_.scenario->nodes[std::size_t(node)].name;
  o.instance = inst.name;
  // Only what differs from the configuration: an explicit `nopreempt off`
  // is not the same as no keyword (R25 messages).
  if (wi_priority_->value() != inst.priority) o.priority = wi_priority_->value();
  if ((wi_nopreempt_->currentIndex() == 1) != inst.nopreempt)
    o.nopreempt = wi_nopreempt_->currentIndex() == 1;
  const Duration delay = Duration(std::llround(wi_preempt_delay_->value() * kUs));
  if (delay != inst.preempt_delay) o.preempt_delay = delay;
  const Duration adv = Duration(std::llround(wi_advert_int_->value() * kUs));
  if (adv != inst.advert_int) o.advert_int = adv;
  if (const auto* s = c->FindScript(wi_script_->currentText().toStdString()))
    if (wi_weight_->value() != s->weight)
      o.script_weights.emplace_back(s->name, wi_weight_->value());
  applyWhatIf(o);
}

bool MainWindow::applyWhatIf(const ConfigOverride& o) {
  if (!loaded_.scenario) return false;
  const Variant* variant = nullptr;
  if (shown_ >= 0 && std::size_t(shown_) < loaded_.runs.size()) {
    for (const auto& v : loaded_.scenario->variants)
      if (v.name == loaded_.runs[std::size_t(shown_)]->variant) variant = &v;
  } else if (!loaded_.scenario->variants.empty()) {
    variant = &loaded_.scenario->variants.front();
  }
  WhatIf w;
  w.overrides.push_back(o);
  LoadedRuns r = RunWhatIf(*loaded_.scenario, variant, w);
  ++what_if_runs_;
  if (!r.ok()) {
    wi_status_->setText(QString::fromStdString(r.error));
    return false;
  }
  what_if_run_ = r.runs.front();
  wi_status_->setText("re-simulated: " + QString::fromStdString(what_if_run_->variant));
  setRunsKeepingView();
  return true;
}

void MainWindow::setRunsKeepingView() {
  // A re-simulation keeps what the user was looking at: the window (zoom and
  // position), skip-idle, the lanes' scroll position and the transition
  // cursor; the open file does not change.
  TimelineView* tl = pane_->timeline();
  const Time t0 = tl->windowStartTime(), t1 = tl->windowEndTime();
  const int scroll = tl->scrollOffset();
  pane_->setRuns(shownRuns());
  tl->setWindowTimes(t0, t1);
  tl->setScrollOffset(scroll);
}

void MainWindow::resetWhatIf() {
  wi_timer_->stop();
  what_if_run_.reset();
  wi_status_->clear();
  fillWhatIfPanel();
  setRunsKeepingView();
}

std::vector<std::shared_ptr<const RunResult>> MainWindow::shownRuns() const {
  std::vector<std::shared_ptr<const RunResult>> runs;
  if (shown_ >= 0 && std::size_t(shown_) < loaded_.runs.size())
    runs.push_back(loaded_.runs[std::size_t(shown_)]);
  else
    runs = loaded_.runs;
  if (what_if_run_) {
    // The what-if run under the run it changes.
    if (runs.size() > 1) runs = {runs.front()};
    runs.push_back(what_if_run_);
  }
  return runs;
}

void MainWindow::showRun(int index) {
  shown_ = index;
  what_if_run_.reset();
  pane_->setRuns(shownRuns());
  if (run_combo_->currentIndex() != index + 1) run_combo_->setCurrentIndex(index + 1);
  fillWhatIfInstances();
}

bool MainWindow::openFiles(const QStringList& paths) {
  LoadedRuns all;
  for (const QString& path : paths) {
    LoadedRuns one = LoadRuns(path.toStdString());
    if (!one.ok()) {
      last_error_ =
          QString::fromStdString(one.error.empty() ? path.toStdString() + ": no run" : one.error);
      showError("Cannot open " + QFileInfo(path).fileName(), last_error_);
      return false;
    }
    for (auto& r : one.runs) all.runs.push_back(std::move(r));
    if (paths.size() == 1) all.scenario = one.scenario;  // what-if needs one scenario
    if (!one.note.empty()) all.note += (all.note.empty() ? "" : "; ") + one.note;
  }
  last_error_.clear();
  loaded_ = std::move(all);
  what_if_run_.reset();
  current_files_ = paths;
  for (const QString& p : paths) addRecent(p);
  run_combo_->clear();
  run_combo_->addItem(loaded_.runs.size() > 1 ? "all runs stacked (compare)" : "all");
  for (const auto& r : loaded_.runs)
    run_combo_->addItem(QString::fromStdString(r->variant.empty() ? r->scenario : r->variant));
  shown_ = -1;
  pane_->setRuns(shownRuns());
  details_->clear();
  wi_timer_->stop();
  wi_node_->blockSignals(true);
  wi_node_->clear();
  if (loaded_.scenario)
    for (const auto& n : loaded_.scenario->nodes) wi_node_->addItem(QString::fromStdString(n.name));
  wi_node_->blockSignals(false);
  wi_script_->clear();
  what_if_->setEnabled(loaded_.scenario != nullptr);
  fillWhatIfInstances();
  setWindowTitle(QFileInfo(paths.front()).fileName() + " - vrrpsim-gui");
  // The status bar no longer invites to open a file.
  const QString opened =
      QString("%1: %2 run%3. Hover a lane for details, click a state change for its cause.")
          .arg(paths.size() == 1 ? QFileInfo(paths.front()).fileName()
                                 : QString("%1 files").arg(paths.size()))
          .arg(loaded_.runs.size())
          .arg(loaded_.runs.size() == 1 ? "" : "s");
  statusBar()->showMessage(loaded_.note.empty() ? opened : QString::fromStdString(loaded_.note));
  pane_->timeline()->setFocus();  // the keys work at once
  return true;
}

void MainWindow::showError(const QString& title, const QString& text) {
  // Window-modal and non-blocking: the event loop (and a test) keeps running.
  auto* box = new QMessageBox(QMessageBox::Critical, title, text, QMessageBox::Ok, this);
  box->setAttribute(Qt::WA_DeleteOnClose);
  box->setObjectName("errorDialog");
  box->open();
}

void MainWindow::showTransition(int run, int event) {
  details_dock_->raise();
  const auto& models = pane_->models();
  if (run < 0 || std::size_t(run) >= models.size()) return;
  QString html = "<h3>" +
                 QString::fromStdString(models[std::size_t(run)]->title()).toHtmlEscaped() +
                 "</h3><ul>";
  for (const auto& line : models[std::size_t(run)]->CausalChain(event))
    html += "<li>" + QString::fromStdString(line).toHtmlEscaped() + "</li>";
  details_->setHtml(html + "</ul>");
}

void MainWindow::setWindowTimes(Time t0, Time t1) { pane_->timeline()->setWindowTimes(t0, t1); }

bool MainWindow::exportView(const QString& path) {
  QString error;
  std::vector<std::string> inputs;
  for (const QString& f : current_files_) inputs.push_back(f.toStdString());
  if (std::string e; !CheckOutputNotInput(path.toStdString(), inputs, {loaded_.scenario}, &e)) {
    showError("Export refused", QString::fromStdString(e));
    return false;
  }
  if (!pane_->exportTo(path, &error)) {
    showError("Export failed", error);
    return false;
  }
  statusBar()->showMessage("exported " + path);
  return true;
}

QStringList MainWindow::recentFiles() const {
  return QSettings("vrrpsim", "vrrpsim-gui").value("recent").toStringList();
}

void MainWindow::addRecent(const QString& path) {
  QSettings s("vrrpsim", "vrrpsim-gui");
  QStringList list = s.value("recent").toStringList();
  const QString abs = QFileInfo(path).absoluteFilePath();
  list.removeAll(abs);
  list.prepend(abs);
  while (list.size() > kMaxRecent) list.removeLast();
  s.setValue("recent", list);
  refreshRecentMenu();
}

void MainWindow::refreshRecentMenu() {
  recent_menu_->clear();
  for (const QString& p : recentFiles())
    recent_menu_->addAction(p, this, [this, p] { openFile(p); });
  recent_menu_->setEnabled(!recent_menu_->isEmpty());
}

void MainWindow::dragEnterEvent(QDragEnterEvent* e) {
  if (e->mimeData()->hasUrls()) e->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* e) {
  QStringList paths;
  for (const QUrl& u : e->mimeData()->urls())
    if (u.isLocalFile()) paths << u.toLocalFile();
  if (!paths.isEmpty()) {
    e->acceptProposedAction();
    openFiles(paths);
  }
}

}  // namespace vsim::gui
