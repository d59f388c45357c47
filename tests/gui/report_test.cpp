// `vrrpsim-gui --report`: the HTML file is self-contained and deterministic,
// bad outputs are refused, and a real browser (headless Chromium) shows the
// lanes in their colours where the figure puts them, with no console message.
// The browser test skips, saying why, only when Chromium cannot be started.
#include "gui/report.h"

#include <QDir>
#include <QFile>
#include <QImage>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest/QtTest>

#include "gui/run_loader.h"
#include "gui/timeline_view.h"
#include "gui/viewer_pane.h"

using namespace vsim;
using namespace vsim::gui;

namespace {

constexpr Time S = vrrp::kSecond;

QString ScenarioPath(const char* name) {
  return QString(VRRPSIM_SOURCE_DIR) + "/scenarios/" + name;
}

QByteArray ReadAll(const QString& path) {
  QFile f(path);
  if (!f.open(QIODevice::ReadOnly)) return {};
  return f.readAll();
}

bool Near(QColor a, QColor b, int tol) {
  return std::abs(a.red() - b.red()) <= tol && std::abs(a.green() - b.green()) <= tol &&
         std::abs(a.blue() - b.blue()) <= tol;
}

int LaneOf(const TimelineModel& m, const std::string& label) {
  for (std::size_t i = 0; i < m.lanes().size(); ++i)
    if (m.lanes()[i].label == label) return int(i);
  return -1;
}

QString Chromium() {
  const QString env = qEnvironmentVariable("VRRPSIM_CHROMIUM");
  if (!env.isEmpty()) return env;
  for (const char* name : {"chromium", "chromium-browser", "google-chrome"}) {
    const QString p = QStandardPaths::findExecutable(name);
    if (!p.isEmpty()) return p;
  }
  return {};
}

}  // namespace

class ReportTest : public QObject {
  Q_OBJECT

 private slots:
  void selfContainedAndDeterministic() {
    QTemporaryDir dir;
    const QString a = dir.filePath("a.html"), b = dir.filePath("b.html");
    QString error;
    QCOMPARE(WriteReport({{ScenarioPath("seed/modes.yaml")}, a}, &error), 0);
    QCOMPARE(WriteReport({{ScenarioPath("seed/modes.yaml")}, b}, &error), 0);
    const QByteArray html = ReadAll(a);
    QVERIFY(html.size() > 10000);
    // Byte-identical, but for the output's own name in the regenerate line.
    QCOMPARE(QString::fromUtf8(html).replace("a.html", "X"),
             QString::fromUtf8(ReadAll(b)).replace("b.html", "X"));
    const QString s = QString::fromUtf8(html);
    QVERIFY(s.startsWith("<!DOCTYPE html>"));
    QCOMPARE(s.count("<svg"), 3);  // one figure per policy of the matrix
    // Nothing from the network: no external scripts, styles, images or links.
    QVERIFY(!s.contains(QRegularExpression("(src|href)=\"(https?:)?//")));
    QVERIFY(!s.contains("<link"));
    QVERIFY(!s.contains("@import"));
    // The policy table as `vrrpsim compare` has it, expectations with their
    // evidence, the commands, the scenario text.
    QVERIFY(s.contains("<th>failover_time [check-fail]</th>"));
    QVERIFY(s.contains("6/6 pass"));
    QVERIFY(s.contains("vrrpsim compare " + ScenarioPath("seed/modes.yaml")));
    QVERIFY(s.contains("--variant nopreempt"));
    QVERIFY(s.contains("<td class=\"pass\">PASS</td>"));
    QVERIFY(s.contains("became MASTER holding the VIP at"));
    QVERIFY(s.contains("<pre>name: seed modes") || s.contains("<pre>"));
    QVERIFY(s.contains(">MASTER</text>"));
    // Ids are unique in the page (several inline SVGs).
    QRegularExpression id("\\bid=\"([^\"]+)\"");
    QSet<QString> ids;
    for (auto it = id.globalMatch(s); it.hasNext();) {
      const QString v = it.next().captured(1);
      QVERIFY2(!ids.contains(v), qPrintable("duplicate id " + v));
      ids.insert(v);
    }
  }

  void refusesBadOutputs() {
    QTemporaryDir dir;
    QString error;
    QCOMPARE(
        WriteReport({{ScenarioPath("seed/master-backup.yaml")}, dir.filePath("r.png")}, &error), 2);
    QVERIFY(error.contains(".html"));
    // Never over an input.
    const QString copy = dir.filePath("s.html");
    QVERIFY(QFile::copy(ScenarioPath("seed/master-backup.yaml"), copy));
    const QByteArray before = ReadAll(copy);
    QCOMPARE(WriteReport({{copy}, copy}, &error), 2);
    QCOMPARE(ReadAll(copy), before);
    // Bad input: exit 2, nothing written.
    QCOMPARE(WriteReport({{QString(VRRPSIM_SOURCE_DIR) + "/tests/gui/data/truncated.json"},
                          dir.filePath("t.html")},
                         &error),
             2);
    QVERIFY(!QFile::exists(dir.filePath("t.html")));
  }

  // The report in a real browser: headless Chromium takes a screenshot; the
  // first figure's lanes have their colours at known times, and the page
  // logs nothing to the console.
  void chromiumShowsTheLanes() {
    const QString chromium = Chromium();
    if (chromium.isEmpty())
      QSKIP("chromium is not installed (apt-get install chromium): browser test skipped");
    QTemporaryDir dir;
    const QString html = dir.filePath("review.html"), png = dir.filePath("shot.png");
    QString error;
    const QString scenario = ScenarioPath("seed/split-brain-partition.yaml");
    QCOMPARE(WriteReport({{scenario}, html}, &error), 0);
    QProcess p;
    p.setProcessChannelMode(QProcess::SeparateChannels);
    p.start(chromium, {"--headless", "--disable-gpu", "--no-sandbox", "--hide-scrollbars",
                       "--force-device-scale-factor=1", "--no-first-run", "--disable-extensions",
                       "--disable-background-networking", "--disable-sync",
                       "--user-data-dir=" + dir.filePath("profile"), "--enable-logging=stderr",
                       "--v=0", "--window-size=1280,1800", "--screenshot=" + png,
                       QUrl::fromLocalFile(html).toString()});
    if (!p.waitForStarted(20000)) QSKIP("chromium cannot start: browser test skipped");
    if (!p.waitForFinished(90000)) {
      p.kill();
      p.waitForFinished();
      QSKIP("chromium did not finish within 90 s: browser test skipped");
    }
    const QString log = QString::fromLocal8Bit(p.readAllStandardError());
    const QImage shot(png);
    if (shot.isNull())
      QSKIP(qPrintable("chromium cannot start (no screenshot): " + log.right(600)));
    if (qEnvironmentVariableIsSet("VRRPSIM_GUI_KEEP")) shot.save("report-chromium.png");
    // No console output from the page (errors, warnings, log lines).
    for (const QString& line : log.split('\n'))
      QVERIFY2(!line.contains(":CONSOLE"), qPrintable("console: " + line));

    // The first figure: its 1 px #dddddd frame is the first row with a long
    // run of that colour.
    int fx = -1, fy = -1;
    for (int y = 0; y < shot.height() && fy < 0; ++y) {
      int run = 0;
      for (int x = 0; x < shot.width(); ++x) {
        run = shot.pixelColor(x, y) == QColor(0xdd, 0xdd, 0xdd) ? run + 1 : 0;
        if (run >= 1000) {
          fx = x - run + 1;
          fy = y;
          break;
        }
      }
    }
    QVERIFY2(fy >= 0, "no figure frame found in the screenshot");
    // Where the lanes are in that figure: the report's own layout of the run.
    LoadedRuns l = LoadRuns(scenario.toStdString());
    QVERIFY(l.ok());
    ViewerPane pane;
    SetUpReportPane(&pane, l.runs.front());
    const auto& m = *pane.models().front();
    TimelineView* tl = pane.timeline();
    const QPoint origin(fx + 1, fy + 1);  // inside the frame
    auto at = [&](const std::string& lane, Time t) {
      const QRect r = tl->laneRect(0, LaneOf(m, lane));
      const QPoint pt = origin + tl->mapTo(&pane, QPoint(int(tl->xForTime(t)), r.top() + 3));
      return shot.pixelColor(pt);
    };
    struct Probe {
      const char* lane;
      Time t;
      QColor want;
    };
    const Probe probes[] = {
        {"node1 VI_1", 10 * S, StateColor(LaneState::kMaster)},
        {"node2 VI_1", 10 * S, StateColor(LaneState::kBackup)},
        {"node1 VI_1", 2 * S, StateColor(LaneState::kBackup)},
    };
    for (const auto& pr : probes) {
      const QColor c = at(pr.lane, pr.t);
      QVERIFY2(Near(c, pr.want, 12), qPrintable(QString("%1 at %2s: %3, want %4")
                                                    .arg(pr.lane)
                                                    .arg(pr.t / S)
                                                    .arg(c.name())
                                                    .arg(pr.want.name())));
    }
    // Split brain: the VIP lane is red in the partition.
    const QColor red = at("VIP 81", 30 * S);
    QVERIFY2(red.red() > 180 && red.green() < 100, qPrintable(red.name()));
  }
};

QTEST_MAIN(ReportTest)
#include "report_test.moc"
