#include "gui/report.h"

#include <QApplication>
#include <QFileInfo>
#include <QRegularExpression>
#include <algorithm>
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "gui/run_loader.h"
#include "gui/timeline_view.h"
#include "gui/viewer_pane.h"
#include "sim/core/clip.h"
#include "sim/io/file_io.h"
#include "sim/trace/text_report.h"

namespace vsim::gui {

namespace {

constexpr int kFigureWidth = 1200;
constexpr std::size_t kMaxScenarioText = 8u << 20;  // as the scenario loader

QString Esc(const std::string& s) { return QString::fromStdString(s).toHtmlEscaped(); }
QString Esc(const QString& s) { return s.toHtmlEscaped(); }

// A path or word as a shell argument, quoted only when it needs it.
QString ShellWord(const QString& s) {
  static const QRegularExpression plain("^[A-Za-z0-9_./:=@%+,#-]+$");
  if (plain.match(s).hasMatch()) return s;
  QString q = s;
  q.replace("'", "'\\''");
  return "'" + q + "'";
}

std::string MetricKey(const Metric& m) {
  return m.subject.empty() ? m.name : m.name + " [" + m.subject + "]";
}

// The policy table exactly as `vrrpsim compare` prints it (sim/cli/compare.cpp):
// one row per run, the union of the metrics as columns in order of first
// appearance, "-" where a run has no value.
QString PolicyTable(const std::vector<std::shared_ptr<const RunResult>>& runs) {
  std::vector<std::string> keys;
  for (const auto& r : runs)
    for (const auto& m : r->metrics)
      if (std::find(keys.begin(), keys.end(), MetricKey(m)) == keys.end())
        keys.push_back(MetricKey(m));
  QString h = "<table class=\"policy\"><thead><tr><th>policy</th><th>expectations</th>";
  for (const auto& k : keys) h += "<th>" + Esc(k) + "</th>";
  h += "</tr></thead><tbody>\n";
  for (const auto& r : runs) {
    int passed = 0;
    for (const auto& x : r->expectations) passed += x.passed ? 1 : 0;
    const bool all = passed == int(r->expectations.size());
    h += "<tr><td>" + Esc(r->variant.empty() ? std::string("(base)") : r->variant) + "</td>";
    h += QString("<td class=\"%1\">%2/%3 %4</td>")
             .arg(all ? "pass" : "fail")
             .arg(passed)
             .arg(r->expectations.size())
             .arg(all ? "pass" : "FAIL");
    for (const auto& k : keys) {
      std::string cell = "-";
      for (const auto& m : r->metrics)
        if (MetricKey(m) == k) cell = FormatMetric(*r, m);
      h += "<td class=\"num\">" + Esc(cell) + "</td>";
    }
    h += "</tr>\n";
  }
  return h + "</tbody></table>\n";
}

// One run's lanes and priority plot as an inline <svg>: QSvgGenerator's
// document without its XML prolog, at its pixel size (scaled down by CSS in a
// narrow window), its ids made unique in the page.
QString Figure(const std::shared_ptr<const RunResult>& run, int index, QString* hover_attrs) {
  ViewerPane pane;
  SetUpReportPane(&pane, run);
  QString svg = QString::fromUtf8(RenderSvg(&pane));
  const int start = svg.indexOf("<svg");
  if (start > 0) svg = svg.mid(start);
  const QString prefix = QString("f%1-").arg(index);
  svg.replace(QRegularExpression("\\bid=\"([^\"]+)\""), "id=\"" + prefix + "\\1\"");
  svg.replace(QRegularExpression("url\\(#([^)]+)\\)"), "url(#" + prefix + "\\1)");
  svg.replace(QRegularExpression("href=\"#([^\"]+)\""), "href=\"#" + prefix + "\\1\"");
  // Pixel size instead of millimetres: 1 px of the figure is 1 CSS px.
  const QRegularExpression size_attrs("^<svg([^>]*?)\\swidth=\"[^\"]*\"\\s+height=\"[^\"]*\"");
  svg.replace(size_attrs,
              QString("<svg\\1 width=\"%1\" height=\"%2\"").arg(pane.width()).arg(pane.height()));
  const QRect plot = pane.timeline()->plotRect();
  *hover_attrs =
      QString(" data-t0=\"0\" data-t1=\"%1\" data-x0=\"%2\" data-x1=\"%3\" data-w=\"%4\"")
          .arg(QString::fromStdString(FormatSeconds(run->duration, 1)).chopped(1))
          .arg(plot.left())
          .arg(plot.right() + 1)
          .arg(pane.width());
  return svg;
}

QString HostList(const RunResult& run, const std::vector<int>& hosts) {
  QStringList names;
  for (int h : hosts)
    names << (h >= 0 && std::size_t(h) < run.hosts.size()
                  ? QString::fromStdString(run.hosts[std::size_t(h)].name)
                  : QString("host %1").arg(h));
  return Esc(names.join(", "));
}

QString Secs(Time t) { return Esc(FormatSeconds(t, 1)); }

constexpr const char* kStyle = R"(
body { font-family: "DejaVu Sans", sans-serif; margin: 16px; color: #1b1b1b; max-width: 1240px; }
h1 { font-size: 22px; margin: 0 0 6px 0; }
h2 { font-size: 18px; margin: 28px 0 6px 0; border-bottom: 2px solid #ccc; }
h3 { font-size: 15px; margin: 18px 0 6px 0; }
table { border-collapse: collapse; margin: 6px 0 10px 0; font-size: 13px; }
th, td { border: 1px solid #ccc; padding: 2px 8px; text-align: left; vertical-align: top; }
th { background: #f0f0f0; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.pass { color: #1e7b34; font-weight: bold; }
.fail { color: #b3261e; font-weight: bold; }
pre, code { font-family: "DejaVu Sans Mono", monospace; font-size: 12px; }
pre { background: #f6f6f6; border: 1px solid #ddd; padding: 8px; overflow-x: auto; }
.fig { margin: 4px 0; line-height: 0; }
.fig svg { max-width: 100%; height: auto; border: 1px solid #ddd; }
.note { color: #555; font-size: 13px; }
.desc { white-space: pre-line; }
#hover { position: fixed; display: none; background: #222; color: #fff; font-size: 12px;
         padding: 2px 6px; border-radius: 3px; pointer-events: none; }
)";

// Optional: the time under the pointer over a figure. Everything is readable
// without it.
constexpr const char* kScript = R"(
(function () {
  var tip = document.getElementById('hover');
  document.querySelectorAll('.fig').forEach(function (fig) {
    var svg = fig.querySelector('svg');
    if (!svg) return;
    var t0 = +fig.dataset.t0, t1 = +fig.dataset.t1, x0 = +fig.dataset.x0, x1 = +fig.dataset.x1,
        w = +fig.dataset.w;
    svg.addEventListener('mousemove', function (e) {
      var r = svg.getBoundingClientRect();
      var x = (e.clientX - r.left) * w / r.width;
      if (x < x0 || x > x1) { tip.style.display = 'none'; return; }
      var t = t0 + (x - x0) / (x1 - x0) * (t1 - t0);
      tip.textContent = t.toFixed(3) + ' s';
      tip.style.left = (e.clientX + 12) + 'px';
      tip.style.top = (e.clientY + 12) + 'px';
      tip.style.display = 'block';
    });
    svg.addEventListener('mouseleave', function () { tip.style.display = 'none'; });
  });
})();
)";

}  // namespace

void SetUpReportPane(ViewerPane* pane, std::shared_ptr<const RunResult> run) {
  pane->setAttribute(Qt::WA_DontShowOnScreen);
  pane->setMetricsVisible(false);
  pane->timeline()->setFitLanes(true);
  pane->resize(kFigureWidth, 600);
  pane->show();
  pane->setRuns({std::move(run)});
  pane->resize(ReportFigureSize(pane->timeline()->contentHeight()));
  QApplication::processEvents();
  pane->timeline()->fitAll();
}

QSize ReportFigureSize(int content_height) {
  return {kFigureWidth, std::clamp(content_height + 230, 320, 16000)};
}

int WriteReport(const ReportOptions& options, QString* error) {
  const QString suffix = QFileInfo(options.output).suffix().toLower();
  if (suffix != "html" && suffix != "htm") {
    if (error)
      *error = QString::fromStdString(Clip(options.output.toStdString())) +
               ": a report is HTML (write -o NAME.html)";
    return 2;
  }
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

  struct Input {
    QString path;
    LoadedRuns loaded;
    std::string text;  // the scenario file (not for traces)
    bool trace = false;
  };
  std::vector<Input> loaded;
  for (const QString& in : options.inputs) {
    Input i;
    i.path = in;
    i.loaded = LoadRuns(in.toStdString());
    scenarios.push_back(i.loaded.scenario);
    if (!i.loaded.ok()) {
      if (error)
        *error = QString::fromStdString(i.loaded.error.empty() ? "no run in " + in.toStdString()
                                                               : i.loaded.error);
      return 2;
    }
    if (!i.loaded.note.empty())
      std::fprintf(stderr, "vrrpsim-gui: %s: %s\n", qPrintable(in), i.loaded.note.c_str());
    i.trace = !i.loaded.scenario;
    if (!i.trace) {
      std::string file = in.toStdString(), e;
      if (const auto hash = file.rfind('#'); hash != std::string::npos && !QFileInfo::exists(in))
        file.resize(hash);
      if (!ReadRegularFile(file, kMaxScenarioText, &i.text, &e)) i.text.clear();
    }
    loaded.push_back(std::move(i));
  }
  if (!check()) return 2;

  QString title;
  for (const auto& i : loaded) {
    const auto& r = *i.loaded.runs.front();
    if (!title.isEmpty()) title += ", ";
    title += QString::fromStdString(r.scenario);
  }
  QStringList report_cmd{"vrrpsim-gui", "--report"};
  for (const QString& in : options.inputs) report_cmd << ShellWord(in);
  report_cmd << "-o" << ShellWord(options.output);

  QString h;
  h += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  h += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  h += "<title>Failover review: " + Esc(title) + "</title>\n<style>" + kStyle + "</style>\n";
  h += "</head>\n<body>\n<div id=\"hover\"></div>\n";
  h += "<h1>Failover review: " + Esc(title) + "</h1>\n";
  h += "<p class=\"note\">vrrpsim: keepalived 2.2.7 semantics, simulated deterministically "
       "(the same files give the same report). Regenerate with <code>" +
       Esc(report_cmd.join(' ')) +
       "</code>. Lanes: MASTER green, BACKUP blue, FAULT amber, INIT lilac, STOP dark grey, "
       "keepalived not running light grey; split brain red; fault windows hatched; below, "
       "each instance's effective priority.</p>\n";

  // Every run, for the contents and the policy table of several files.
  int fig = 0;
  for (const auto& in : loaded) {
    const auto& runs = in.loaded.runs;
    const RunResult& first = *runs.front();
    h +=
        "<h2>" + Esc(first.scenario) + " <span class=\"note\">(" + Esc(in.path) + ")</span></h2>\n";
    if (in.loaded.scenario && !in.loaded.scenario->description.empty())
      h += "<p class=\"desc\">" + Esc(in.loaded.scenario->description) + "</p>\n";
    const QString file = ShellWord(in.path);
    h += "<p>Reproduce: <code>" +
         Esc(in.trace ? "vrrpsim-gui " + file
                      : (runs.size() > 1 ? "vrrpsim compare " : "vrrpsim run ") + file) +
         "</code></p>\n";
    h += "<h3>Policies</h3>\n" + PolicyTable(runs);
    for (const auto& run : runs) {
      const QString name =
          QString::fromStdString(run->variant.empty() ? std::string("(base)") : run->variant);
      h += QString("<h3 id=\"run-%1\">%2 <span class=\"%3\">%4</span></h3>\n")
               .arg(fig)
               .arg(Esc(name))
               .arg(run->passed() ? "pass" : "fail")
               .arg(run->passed() ? "all expectations pass" : "an expectation FAILS");
      if (!in.trace)
        h += "<p>Reproduce: <code>" +
             Esc("vrrpsim run " + file +
                 (run->variant.empty() || runs.size() == 1 ? QString()
                                                           : " --variant " + ShellWord(name))) +
             "</code> (seed " + QString::number(run->seed) + ")</p>\n";
      QString attrs;
      const QString svg = Figure(run, fig, &attrs);
      h += "<div class=\"fig\"" + attrs + ">" + svg + "</div>\n";
      ++fig;

      // Split brain.
      if (run->split_brain.empty()) {
        h += "<p>Split brain: none.</p>\n";
      } else {
        h += "<table><thead><tr><th>split brain</th><th>VRID</th><th>from</th><th>to</th>"
             "<th>length</th><th>hosts</th><th>kind</th></tr></thead><tbody>\n";
        for (const auto& sb : run->split_brain) {
          QStringList kind;
          if (sb.masters) kind << "two MASTERs";
          if (sb.vip_holders) kind << "two VIP holders";
          h += "<tr><td class=\"fail\">split brain</td><td class=\"num\">" +
               QString::fromStdString(GroupText(sb.group())) + "</td><td class=\"num\">" +
               Secs(sb.start) + "</td><td class=\"num\">" + Secs(sb.end) +
               "</td><td class=\"num\">" + Secs(sb.length()) + "</td><td>" +
               HostList(*run, sb.hosts) + "</td><td>" + Esc(kind.join(", ")) + "</td></tr>\n";
        }
        h += "</tbody></table>\n";
      }
      // Fault and operation windows.
      const TimelineModel model(run);
      if (!model.bands().empty()) {
        h += "<table><thead><tr><th>fault / operation</th><th>from</th><th>to</th><th>hosts</th>"
             "</tr></thead><tbody>\n";
        for (const auto& b : model.bands())
          h += "<tr><td>" + Esc(b.label.empty() ? b.kind : b.label) + "</td><td class=\"num\">" +
               Secs(b.start) + "</td><td class=\"num\">" +
               (b.end == b.start ? QString("(instant)") : Secs(b.end)) + "</td><td>" +
               (b.hosts.empty() ? QString("all") : HostList(*run, b.hosts)) + "</td></tr>\n";
        h += "</tbody></table>\n";
      }
      // Expectations with their evidence.
      if (!run->expectations.empty()) {
        h += "<table><thead><tr><th>result</th><th>line</th><th>expectation</th><th>evidence</th>"
             "</tr></thead><tbody>\n";
        for (const auto& e : run->expectations)
          h += QString(
                   "<tr><td class=\"%1\">%2</td><td class=\"num\">%3</td><td>%4</td>"
                   "<td>%5</td></tr>\n")
                   .arg(e.passed ? "pass" : "fail")
                   .arg(e.passed ? "PASS" : "FAIL")
                   .arg(e.where.line)
                   .arg(Esc(e.description))
                   .arg(Esc(e.evidence));
        h += "</tbody></table>\n";
      }
    }
    if (!in.text.empty()) {
      const int lines = int(std::count(in.text.begin(), in.text.end(), '\n'));
      h += QString("<details%1><summary>The scenario file, %2 lines (%3)</summary>\n<pre>")
               .arg(lines <= 80 || QFileInfo(in.path).fileName().startsWith("finding-") ? " open"
                                                                                        : "")
               .arg(lines)
               .arg(Esc(in.path));
      h += Esc(in.text) + "</pre></details>\n";
    }
  }
  h += QString("<script>") + kScript + "</script>\n</body>\n</html>\n";

  std::string e;
  if (!WriteFileAtomically(options.output.toStdString(), h.toStdString(), &e)) {
    if (error) *error = QString::fromStdString(e);
    return 1;
  }
  return 0;
}

}  // namespace vsim::gui
