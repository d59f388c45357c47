// `vrrpsim-gui --report FILE... -o review.html`: one self-contained HTML file
// for a design review (docs/gui.md): the policy table of `vrrpsim compare`,
// every run's lanes and priority plot as inline SVG (QSvgGenerator), its
// split-brain intervals and fault windows, every expectation with its
// evidence, each scenario file as text and the command that reproduces it.
// No network, no external asset; readable without JavaScript (a few lines of
// script add the time under the pointer). Deterministic: the same inputs give
// the same bytes.
#pragma once

#include <QSize>
#include <QString>
#include <QStringList>
#include <memory>

#include "sim/scenario/run_result.h"

namespace vsim::gui {

struct ReportOptions {
  QStringList inputs;  // scenarios (a matrix: one run per variant), findings, traces
  QString output;      // .html or .htm
};

// The size of one run's figure in the report: 1200 px wide, as tall as its
// lanes at full size plus the priority plot.
QSize ReportFigureSize(int content_height);

class ViewerPane;
// Lays `pane` out as the report draws `run` (tests compute where a lane is).
void SetUpReportPane(ViewerPane* pane, std::shared_ptr<const RunResult> run);

// 0 written; 2 bad input (message in `error`); 1 could not write.
int WriteReport(const ReportOptions& options, QString* error);

}  // namespace vsim::gui
