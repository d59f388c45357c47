// Headless rendering: `vrrpsim-gui --render IN... -o OUT.png|.svg` for CI
// artifacts and the docs' pictures. The same pane as the window's.
#pragma once

#include <QSize>
#include <QString>
#include <QStringList>
#include <optional>

#include "engine/time.h"

namespace vsim::gui {

struct RenderOptions {
  QStringList inputs;  // traces and/or scenarios; several = stacked
  QString output;      // .png or .svg
  QSize size{1600, 900};
  bool skip_idle = false;
  bool metrics = true;
  std::optional<std::pair<vrrp::Time, vrrp::Time>> window;  // visible time span
};

// 0 written; 2 bad input (message in `error`); 1 could not write.
int RenderToFile(const RenderOptions& options, QString* error);

// Parses "1600x900"; at least ViewerPane::kMinWidth x kMinHeight (320x200),
// at most 16000x16000.
std::optional<QSize> ParseSize(const QString& text);
// What --size accepts, for the error message.
QString SizeRule();

}  // namespace vsim::gui
