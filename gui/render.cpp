#include "gui/render.h"

#include <QApplication>
#include <QRegularExpression>
#include <cstdio>

#include "gui/run_loader.h"
#include "gui/timeline_view.h"
#include "gui/viewer_pane.h"

namespace vsim::gui {

std::optional<QSize> ParseSize(const QString& text) {
  static const QRegularExpression re("^(\\d{2,5})x(\\d{2,5})$");
  const auto m = re.match(text);
  if (!m.hasMatch()) return std::nullopt;
  const int w = m.captured(1).toInt(), h = m.captured(2).toInt();
  if (w < ViewerPane::kMinWidth || h < ViewerPane::kMinHeight || w > 16000 || h > 16000)
    return std::nullopt;
  return QSize(w, h);
}

QString SizeRule() {
  return QString(
             "--size wants WxH from %1x%2 (the smallest that shows lane labels, lanes and "
             "the priority plot) to 16000x16000, e.g. 1600x900")
      .arg(ViewerPane::kMinWidth)
      .arg(ViewerPane::kMinHeight);
}

int RenderToFile(const RenderOptions& options, QString* error) {
  // The format is decided, and the output checked against the inputs, before
  // anything is loaded or opened for writing: `-o S.yaml` must neither
  // truncate the scenario nor overwrite it.
  QByteArray format;
  if (!ExportFormat(options.output, &format, error)) return 2;
  std::vector<std::string> inputs;
  for (const QString& in : options.inputs) inputs.push_back(in.toStdString());
  std::vector<std::shared_ptr<const Scenario>> scenarios;
  auto check = [&] {
    std::string e;
    if (CheckOutputNotInput(options.output.toStdString(), inputs, scenarios, &e)) return true;
    if (error) *error = QString::fromStdString(e);
    return false;
  };
  if (!check()) return 2;
  std::vector<std::shared_ptr<const RunResult>> runs;
  for (const QString& in : options.inputs) {
    LoadedRuns l = LoadRuns(in.toStdString());
    scenarios.push_back(l.scenario);
    if (!l.ok()) {
      if (error)
        *error =
            QString::fromStdString(l.error.empty() ? "no run in " + in.toStdString() : l.error);
      return 2;
    }
    if (!l.note.empty())
      std::fprintf(stderr, "vrrpsim-gui: %s: %s\n", qPrintable(in), l.note.c_str());
    runs.insert(runs.end(), l.runs.begin(), l.runs.end());
  }
  if (!check()) return 2;
  ViewerPane pane;
  pane.setAttribute(Qt::WA_DontShowOnScreen);
  pane.resize(options.size);
  pane.setMetricsVisible(options.metrics);
  pane.timeline()->setFitLanes(true);  // nothing scrolls in a picture
  pane.show();                         // lays out children (the chart sizes itself on show)
  pane.setRuns(std::move(runs));
  if (options.skip_idle) pane.setSkipIdle(true);
  if (options.window)
    pane.timeline()->setWindowTimes(options.window->first, options.window->second);
  QApplication::processEvents();
  if (pane.size() != options.size) {
    // The layout would not fit (should not happen above the minimum size).
    if (error)
      *error = QString("cannot lay the view out at %1x%2 (it needs %3x%4)")
                   .arg(options.size.width())
                   .arg(options.size.height())
                   .arg(pane.width())
                   .arg(pane.height());
    return 2;
  }
  QString err;
  if (!pane.exportTo(options.output, &err)) {
    if (error) *error = err;
    return 1;
  }
  return 0;
}

}  // namespace vsim::gui
