// vrrpsim-gui: the timeline viewer (docs/gui.md).
//   vrrpsim-gui [FILE...]                              the window
//   vrrpsim-gui --render FILE... -o OUT.png [--size WxH] [--skip-idle]
//               [--window FROM:TO] [--no-metrics]      headless picture
//   vrrpsim-gui --screenshot OUT.png FILE...           the real window's pixels
//   vrrpsim-gui --report FILE... -o review.html        one HTML file for a review
#include <QApplication>
#include <QElapsedTimer>
#include <QScreen>
#include <QTimer>
#include <cstdio>
#include <cstdlib>
#include <optional>

#include "gui/main_window.h"
#include "gui/render.h"
#include "gui/report.h"
#include "gui/run_loader.h"
#include "gui/timeline_view.h"
#include "gui/viewer_pane.h"
#include "sim/scenario/scenario.h"

namespace {

void Usage(FILE* out) {
  std::fputs(
      "usage: vrrpsim-gui [FILE...]\n"
      "       vrrpsim-gui --render FILE... -o OUT.png|OUT.svg [--size WxH] [--skip-idle]\n"
      "                   [--window FROM:TO] [--no-metrics] [--timing]\n"
      "       vrrpsim-gui [--window FROM:TO] [--skip-idle] --screenshot OUT.png\n"
      "                   [--probe 'LANE@TIME']... FILE...\n"
      "       vrrpsim-gui --report FILE... -o REVIEW.html\n"
      "FILE is a trace (vrrpsim run --trace) or a scenario (YAML, run in-process).\n"
      "Several files are stacked on one time axis. FROM/TO are durations (12s, 1.5min).\n"
      "Exit status of --render and --report: 0 written, 1 cannot write, 2 bad input.\n"
      "--probe prints the colour the saved screenshot has at the first run's lane LANE\n"
      "(e.g. 'node1 VI_1', 'VIP 81') at TIME: 'probe LANE@TIME X,Y #rrggbb'.\n",
      out);
}

// Where lane LANE of the first run is drawn at TIME, in the window's pixels
// ("node1 VI_1@10s"); {-1, -1} if it is not in view.
std::pair<int, int> ProbePoint(vsim::gui::MainWindow& w, const QString& probe) {
  const auto at = probe.lastIndexOf('@');
  if (at < 0 || w.pane()->models().empty()) return {-1, -1};
  std::string err;
  const auto t = vsim::ParseDuration(probe.mid(at + 1).toStdString(), &err);
  if (!t) return {-1, -1};
  const auto& m = *w.pane()->models().front();
  const std::string name = probe.left(at).toStdString();
  for (std::size_t i = 0; i < m.lanes().size(); ++i) {
    if (m.lanes()[i].label != name) continue;
    vsim::gui::TimelineView* tl = w.pane()->timeline();
    const QRect r = tl->laneRect(0, int(i));
    const double x = tl->xForTime(*t);
    if (!r.isValid() || x < tl->plotRect().left() || x > tl->plotRect().right()) return {-1, -1};
    const QPoint p = tl->mapTo(&w, QPoint(int(x), r.center().y()));
    return {p.x(), p.y()};
  }
  return {-1, -1};
}

}  // namespace

int main(int argc, char** argv) {
  bool render = false, report = false, timing = false;
  QString screenshot;
  QStringList probes;
  vsim::gui::RenderOptions ro;
  QStringList files;
  std::optional<QString> size_text, window_text;
  for (int i = 1; i < argc; ++i) {
    const QString a = QString::fromLocal8Bit(argv[i]);
    auto value = [&](const char* what) -> QString {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "vrrpsim-gui: %s needs a value\n", what);
        std::exit(2);
      }
      return QString::fromLocal8Bit(argv[++i]);
    };
    if (a == "--render")
      render = true;
    else if (a == "--report")
      report = true;
    else if (a == "-o" || a == "--output")
      ro.output = value("-o");
    else if (a == "--size")
      size_text = value("--size");
    else if (a == "--window")
      window_text = value("--window");
    else if (a == "--skip-idle")
      ro.skip_idle = true;
    else if (a == "--no-metrics")
      ro.metrics = false;
    else if (a == "--timing")
      timing = true;
    else if (a == "--screenshot")
      screenshot = value("--screenshot");
    else if (a == "--probe")
      probes << value("--probe");
    else if (a == "-h" || a == "--help") {
      Usage(stdout);
      return 0;
    } else if (a.startsWith("-") && a.size() > 1 && !a.startsWith("-platform")) {
      std::fprintf(stderr, "vrrpsim-gui: unknown option %s\n", argv[i]);
      Usage(stderr);
      return 2;
    } else {
      files << a;
    }
  }
  if (window_text) {
    const QStringList parts = window_text->split(':');
    std::string e1, e2;
    std::optional<vrrp::Duration> a, b;
    if (parts.size() == 2) {
      a = vsim::ParseDuration(parts[0].toStdString(), &e1);
      b = vsim::ParseDuration(parts[1].toStdString(), &e2);
    }
    if (!a || !b || *b <= *a || *b > vsim::kMaxDuration) {
      std::fprintf(stderr,
                   "vrrpsim-gui: --window wants FROM:TO with 0 <= FROM < TO <= 30d, e.g. "
                   "20s:30s\n");
      return 2;
    }
    ro.window = std::make_pair(*a, *b);
  }
  if (report) {
    if (render || files.isEmpty() || ro.output.isEmpty()) {
      Usage(stderr);
      return 2;
    }
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
  }
  if (render) {
    if (files.isEmpty() || ro.output.isEmpty()) {
      Usage(stderr);
      return 2;
    }
    if (size_text) {
      const auto s = vsim::gui::ParseSize(*size_text);
      if (!s) {
        std::fprintf(stderr, "vrrpsim-gui: %s\n", qPrintable(vsim::gui::SizeRule()));
        return 2;
      }
      ro.size = *s;
    }
    // Headless by default: CI machines have no display.
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
  }
  QApplication app(argc, argv);
  app.setApplicationName("vrrpsim-gui");
  app.setOrganizationName("vrrpsim");
  if (report) {
    QString error;
    const int rc = vsim::gui::WriteReport({files, ro.output}, &error);
    if (rc != 0) std::fprintf(stderr, "vrrpsim-gui: %s\n", error.toLocal8Bit().constData());
    return rc;
  }
  if (render) {
    ro.inputs = files;
    QElapsedTimer timer;
    timer.start();
    QString error;
    const int rc = vsim::gui::RenderToFile(ro, &error);
    if (rc != 0) std::fprintf(stderr, "vrrpsim-gui: %s\n", error.toLocal8Bit().constData());
    if (timing && rc == 0)
      std::fprintf(stderr, "vrrpsim-gui: rendered in %lld ms\n", timer.elapsed());
    return rc;
  }
  if (!screenshot.isEmpty()) {
    QByteArray format;
    QString why;
    std::vector<std::string> inputs;
    for (const QString& f : files) inputs.push_back(f.toStdString());
    std::string e;
    if (!vsim::gui::ExportFormat(screenshot, &format, &why) ||
        !vsim::gui::CheckOutputNotInput(screenshot.toStdString(), inputs, {}, &e)) {
      std::fprintf(stderr, "vrrpsim-gui: --screenshot: %s\n",
                   why.isEmpty() ? e.c_str() : qPrintable(why));
      return 2;
    }
  }
  vsim::gui::MainWindow w;
  w.show();
  if (!files.isEmpty() && !w.openFiles(files) && !screenshot.isEmpty()) {
    std::fprintf(stderr, "vrrpsim-gui: %s\n", w.lastError().toLocal8Bit().constData());
    return 2;
  }
  if (ro.window) w.setWindowTimes(ro.window->first, ro.window->second);
  if (ro.skip_idle) w.pane()->setSkipIdle(true);
  if (!screenshot.isEmpty()) {
    // The real window as the display server shows it (CI under Xvfb).
    QTimer::singleShot(700, &w, [&] {
      const QPixmap shot = w.screen()->grabWindow(w.winId());
      QString why = "nothing was grabbed";
      bool ok = !shot.isNull() && vsim::gui::WriteImageFile(shot.toImage(), screenshot, &why);
      if (!ok) std::fprintf(stderr, "vrrpsim-gui: screenshot failed: %s\n", qPrintable(why));
      // Pixels of the saved file at known lanes and times (the CI check).
      const QImage saved(screenshot);
      for (const QString& probe : probes) {
        if (!ok) break;
        const auto [x, y] = ProbePoint(w, probe);
        if (x < 0 || !saved.valid(x, y)) {
          std::fprintf(stderr, "vrrpsim-gui: --probe %s: no such lane or time in view\n",
                       qPrintable(probe));
          ok = false;
          break;
        }
        std::printf("probe %s %d,%d %s\n", qPrintable(probe), x, y,
                    qPrintable(saved.pixelColor(x, y).name()));
      }
      std::fflush(stdout);
      QApplication::exit(ok ? 0 : 1);
    });
  }
  return app.exec();
}
