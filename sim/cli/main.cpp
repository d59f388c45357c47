// The `vrrpsim` command line. CLI11 is heavy to compile, so it is included in
// this translation unit only; each subcommand lives in its own file.
#include <CLI/CLI.hpp>
#include <iostream>

#include "sim/cli/lint.h"

namespace {

constexpr const char* kLintExamples = R"(
Examples:
  vrrpsim lint /etc/keepalived/keepalived.conf
  vrrpsim lint --interface eth0 --interface eth1 node1.conf node2.conf
  vrrpsim lint --root configs configs/main.conf     # includes may not leave configs/

Exit status: 0 clean, 1 warnings only, 2 errors or unreadable input.
Nothing in a configuration is executed: vrrp_script and notify commands are data.)";

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"vrrpsim - a deterministic simulator for keepalived/VRRP clusters"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("vrrpsim 0.1.0 (keepalived 2.2.7 semantics)"));

  vsim::LintOptions lint;
  CLI::App* lint_cmd = app.add_subcommand(
      "lint", "Check keepalived.conf files as keepalived -t does; print its warnings and errors");
  lint_cmd->footer(kLintExamples);
  lint_cmd->add_option("files", lint.files, "keepalived.conf files")->required();
  lint_cmd->add_option("--root", lint.root,
                       "Directory tree that include directives may read (default: each file's "
                       "directory)");
  lint_cmd->add_option("--interface", lint.interfaces,
                       "An interface the host has (repeatable); instances on other interfaces "
                       "are refused like keepalived's 'Unknown interface!'");
  lint_cmd->add_flag("-q,--quiet", lint.quiet, "Print only the summary line");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    // CLI11 returns 0 for --help/--version; usage errors are "bad input" (2).
    return rc == 0 ? 0 : 2;
  }

  if (lint_cmd->parsed()) return vsim::RunLint(lint, std::cout, std::cerr);
  return 2;
}
