#include "engine/config/complete.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <set>

#include "engine/config/lexer.h"
#include "engine/config/script_advice.h"

namespace vrrp {

namespace {

constexpr Duration kCentiSecond = 10 * kMillisecond;

std::string FmtF(const char* fmt, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, fmt, v);
  return buf;
}

class Completer {
 public:
  Completer(RawConfig raw, const ParseOptions& options, Diagnostics* diags)
      : raw_(std::move(raw)), options_(options), diags_(diags) {}

  void RunChecker() { CompleteVirtualServers(); }

  Config Run() {
    // keepalived's checker process (LVS) completes its configuration on its
    // own: its messages do not depend on the VRRP part's.
    CompleteVirtualServers();
    AdviseScripts();
    CheckStartStopScriptSecurity();
    // keepalived 2.2.7's VRRP process stops right after reading when an
    // interface the configuration names is missing ("Non-existent interface
    // specified in configuration"): none of its completion messages follow
    // (checked with -t, keepalived_t/interface_missing, track_interface_missing).
    if (raw_.non_existent_interface) return cfg_;
    DisableMissingScripts();
    CheckScriptSecurity();
    if (!CheckMinimumConfig()) return cfg_;
    CompleteGlobals();
    cfg_.scripts = raw_.scripts;
    cfg_.track_files = raw_.track_files;
    BindSyncGroups();
    for (auto& in : raw_.instances) {
      if (!CompleteInstance(in)) return cfg_;
    }
    CheckVridConflicts();
    if (failed_) return cfg_;
    FinishSyncGroups();
    DropUnusedScripts();
    return cfg_;
  }

 private:
  void Report(Severity s, const Location& where, std::string msg,
              DiagClass cls = DiagClass::kConfigTest) {
    diags_->push_back({s, where, std::move(msg), cls});
  }

  // R37: without enable_script_security keepalived 2.2.7 warns once when any
  // script would be executed; it checks every vrrp_script (used or not), the
  // notify scripts of instances and sync groups and the notify FIFO script,
  // and separately (in the parent, so first) startup/shutdown scripts, before
  // completing any instance. A command whose first word starts with '<'
  // ("</dev/tcp/host/port") is a file test or names no file: never executed.
  // keepalived also needs the script to exist on its host; the simulated host
  // has every script the configuration names, so existence, permissions (the
  // " There are insecure scripts." suffix) and script users are not checked.
  void CheckStartStopScriptSecurity() {
    const RawGlobals& G = raw_.globals;
    if (G.g.enable_script_security) return;
    for (const auto& [command, where] : G.start_stop_scripts)
      if (!command.empty() && command[0] != '<' && Present(command)) {
        Report(Severity::kWarning, where,
               "SECURITY VIOLATION - start/shutdown scripts are being executed but "
               "script_security not enabled.");
        return;
      }
  }
  void CheckScriptSecurity() {
    const RawGlobals& G = raw_.globals;
    if (G.g.enable_script_security) return;
    const Location* first = nullptr;
    auto consider = [this, &first](const std::string& command, const Location& where) {
      if (first == nullptr && !command.empty() && command[0] != '<' && Present(command))
        first = &where;
    };
    for (const auto& s : raw_.scripts) {
      std::vector<std::string> words;
      SplitCommandWords(s.script, &words);
      consider(words.empty() ? s.script : words[0], s.where);
    }
    for (const auto& in : raw_.instances)
      for (const NotifyScript* n :
           {&in.v.notify_master, &in.v.notify_backup, &in.v.notify_fault, &in.v.notify_stop,
            &in.v.notify, &in.v.notify_master_rx_lower_pri})
        consider(n->command, n->where);
    for (const auto& rg : raw_.sync_groups)
      for (const NotifyScript* n : {&rg.g.notify_master, &rg.g.notify_backup, &rg.g.notify_fault,
                                    &rg.g.notify_stop, &rg.g.notify})
        consider(n->command, n->where);
    for (const auto& [command, where] : G.fifo_scripts) consider(command, where);
    if (first)
      Report(Severity::kWarning, *first,
             "SECURITY VIOLATION - scripts are being executed but script_security not enabled.");
  }

  // What the daemon will do with each command (script_advice.h).
  void AdviseScripts() {
    const std::string& sh = options_.shell;
    for (const auto& s : raw_.scripts)
      AdviseScript(s.script, s.where, sh, "vrrp_script " + s.name + ": script", diags_);
    for (const auto& in : raw_.instances)
      for (const NotifyScript* n :
           {&in.v.notify_master, &in.v.notify_backup, &in.v.notify_fault, &in.v.notify_stop,
            &in.v.notify, &in.v.notify_master_rx_lower_pri})
        if (n->configured()) AdviseScript(n->command, n->where, sh, "notify script", diags_);
    for (const auto& rg : raw_.sync_groups)
      for (const NotifyScript* n : {&rg.g.notify_master, &rg.g.notify_backup, &rg.g.notify_fault,
                                    &rg.g.notify_stop, &rg.g.notify})
        if (n->configured()) AdviseScript(n->command, n->where, sh, "notify script", diags_);
  }

  // keepalived runs a command whose first word is "<" followed by "/" through
  // the shell (a file test); any other needs its program on the host.
  bool Present(const std::string& command) const {
    if (command.empty()) return false;
    if (command[0] == '<') return true;
    return !options_.script_exists || options_.script_exists(command);
  }

  // Host-dependent (only with ParseOptions::script_exists): vrrp_scripts whose
  // program the host lacks are disabled, as keepalived -t reports.
  void DisableMissingScripts() {
    if (!options_.script_exists) return;
    std::vector<VrrpScript> kept;
    for (auto& s : raw_.scripts) {
      std::vector<std::string> words;
      SplitCommandWords(s.script, &words);
      if (!Present(words.empty() ? s.script : words[0])) {
        Report(Severity::kError, s.where,
               "Disabling track script " + s.name + " since not found/accessible",
               DiagClass::kHost);
        continue;
      }
      kept.push_back(std::move(s));
    }
    raw_.scripts = std::move(kept);
  }

  // The checker's completion of each virtual_server (LVS), as `-t` reports it.
  // The SECURITY VIOLATION check comes after: it counts only the scripts of
  // the virtual and real servers kept (a virtual server without real servers,
  // or dropped with its group, and a duplicate real server take theirs along;
  // checked with -t, keepalived_t/lvs_script_security).
  void CompleteVirtualServers() {
    LinkGroups();
    std::vector<std::pair<std::string, Location>> scripts;
    for (auto& vs : raw_.virtual_servers) {
      if (!CompleteVirtualServer(vs)) continue;
      scripts.insert(scripts.end(), vs.scripts.begin(), vs.scripts.end());
      for (const auto& rs : vs.real_servers) {
        scripts.insert(scripts.end(), rs.notify_scripts.begin(), rs.notify_scripts.end());
        scripts.insert(scripts.end(), rs.checker_scripts.begin(), rs.checker_scripts.end());
      }
    }
    if (raw_.globals.g.enable_script_security) return;
    for (const auto& [command, where] : scripts) {
      if (command.empty() || command[0] == '<' || !Present(command)) continue;
      Report(Severity::kWarning, where,
             "SECURITY VIOLATION - check scripts are being executed but script_security not "
             "enabled.");
      break;
    }
  }

  // link_vsg_to_vs(): keepalived's checker does this before validating, and
  // logs what it drops only as the daemon (`-t` prints none of it).
  void LinkGroups() {
    std::vector<RawVirtualServer> kept;
    for (auto& vs : raw_.virtual_servers) {
      if (!vs.group) {
        kept.push_back(std::move(vs));
        continue;
      }
      const RawVsGroup* g = FindGroup(vs.group_name);
      const std::string name = "[" + vs.group_name + "]:0";
      if (g == nullptr) {
        Report(Severity::kError, vs.where,
               "Virtual server group " + vs.group_name +
                   " specified but not configured - ignoring virtual server " + name,
               DiagClass::kDaemon);
        continue;
      }
      const int gaf = g->have_ipv4 == g->have_ipv6 ? 0 : g->have_ipv4 ? 4 : 6;
      if (g->have_ipv4 && g->have_ipv6 && vs.family != 0) {
        Report(Severity::kError, vs.where,
               vs.group_name +
                   ": virtual server group with IPv4 & IPv6 doesn't match virtual "
                   "server " +
                   name + " - ignoring",
               DiagClass::kDaemon);
        continue;
      }
      if ((g->have_ipv4 && vs.family == 6) || (g->have_ipv6 && vs.family == 4) ||
          (gaf != 0 && vs.family != 0 && vs.family != gaf)) {
        Report(
            Severity::kError, vs.where,
            vs.group_name + ": address family doesn't match virtual server " + name + " - ignoring",
            DiagClass::kDaemon);
        continue;
      }
      if (gaf != 0) {
        vs.family = gaf;
      } else if (vs.family == 0 && g->fwmark_no_family) {
        Report(Severity::kWarning, vs.where,
               vs.group_name + ": Virtual server " + name +
                   " address family cannot be determined, defaulting to IPv4",
               DiagClass::kDaemon);
      }
      kept.push_back(std::move(vs));
    }
    raw_.virtual_servers = std::move(kept);
    // A group's virtual servers are told apart by their number in it ("[G]:1").
    std::map<std::string, unsigned> members;
    for (auto& vs : raw_.virtual_servers)
      if (vs.group) vs.port = members[vs.group_name]++;
  }

  const RawVsGroup* FindGroup(const std::string& name) const {
    for (const auto& g : raw_.vs_groups)
      if (g.name == name) return &g;
    return nullptr;
  }

  // validate_check_config() for one virtual server.
  // False if the virtual server is dropped.
  bool CompleteVirtualServer(RawVirtualServer& vs) {
    const RawVsGroup* g = vs.group ? FindGroup(vs.group_name) : nullptr;
    auto name = [&vs]() {
      if (vs.group) return "[" + vs.group_name + "]:" + std::to_string(vs.port);
      if (vs.is_fwmark) return "FWM " + std::to_string(vs.fwmark);
      return "[" + vs.addr + "]:" + (vs.protocol.empty() ? "none" : vs.protocol) + ":" +
             std::to_string(vs.port);
    };
    auto rs_name = [&vs](const RawRealServer& rs) {
      return "[" + rs.addr + "]:" + (vs.protocol.empty() ? "none" : vs.protocol) + ":" +
             std::to_string(rs.port);
    };
    auto err = [this, &vs](const std::string& m) { Report(Severity::kError, vs.where, m); };
    if (vs.real_servers.empty()) {
      err("Virtual server " + name() + " has no real servers - ignoring");
      return false;
    }
    const bool group_fwmarks = g != nullptr && g->fwmarks > 0;
    const bool group_ranges = g != nullptr && !g->ranges.empty();
    if (vs.ha_suspend && (vs.is_fwmark || group_fwmarks)) {
      err("Virtual server " + name() +
          ": cannot use ha_suspend with fwmarks - clearing ha_suspend");
      vs.ha_suspend = false;
    }
    if (group_ranges || (g == nullptr && !vs.is_fwmark)) {
      if (vs.protocol.empty()) {
        err("Virtual server " + name() + ": no protocol set - defaulting to UDP");
        vs.protocol = "udp";
      }
      if (vs.ops && vs.protocol != "udp") {
        err("Virtual server " + name() + ": one packet scheduling requires UDP - resetting");
        vs.ops = false;
      }
      if (!vs.persistent && g == nullptr && !vs.is_fwmark && vs.port == 0) {
        err("Virtual server " + name() +
            ": zero port only valid for persistent services - setting");
        vs.persistent = true;
      }
    }
    if (!vs.persistent && g != nullptr)
      for (const auto& r : g->ranges)
        if (r.port == 0) {
          err("Virtual server " + name() +
              ": zero port only valid for persistent services - setting");
          vs.persistent = true;
          break;
        }
    if (!vs.protocol.empty() &&
        ((g != nullptr && !group_ranges && group_fwmarks) || (g == nullptr && vs.is_fwmark))) {
      err("Warning: Virtual server " + name() +
          ": protocol specified for fwmark - protocol will be ignored");
      vs.protocol.clear();
    }
    if (vs.scheduler.empty())
      err("Virtual server " + name() + ": no scheduler set, setting default 'wlc'");
    std::uint64_t total = 0;
    std::vector<RawRealServer> kept;
    auto same = [](const RawRealServer& a, const RawRealServer& b) {
      return a.ipv6 == b.ipv6 && a.addr == b.addr && a.port == b.port;
    };
    for (auto& rs : vs.real_servers) {
      if (std::any_of(kept.begin(), kept.end(),
                      [&](const RawRealServer& k) { return same(k, rs); })) {
        err("VS " + name() + ": real server " + rs_name(rs) +
            " is duplicated - removing second rs");
        continue;
      }
      if (rs.forwarding < 0) {
        if (vs.forwarding < 0) {
          err("Virtual server " + name() + ": no forwarding method set, setting default NAT");
          vs.forwarding = 0;
        }
        rs.forwarding = vs.forwarding;
      }
      if (rs.inhibit < 0) rs.inhibit = vs.inhibit ? 1 : 0;
      if (!rs.weight) rs.weight = vs.weight;
      total += *rs.weight;
      if (vs.sorry && same(*vs.sorry, rs) && vs.sorry->inhibit != rs.inhibit) {
        err("Virtual server " + name() + ": real server " + rs_name(rs) +
            " matches sorry server, but inhibit setting differs, " +
            (rs.inhibit ? "sett" : "clear") + "ing on sorry server");
        vs.sorry->inhibit = rs.inhibit;
      }
      kept.push_back(rs);
    }
    vs.real_servers = std::move(kept);
    if (vs.sorry && vs.sorry->forwarding < 0) {
      if (vs.forwarding < 0) {
        err("Virtual server " + name() + ": no forwarding method set, setting default NAT");
        vs.forwarding = 0;
      }
      vs.sorry->forwarding = vs.forwarding;
    }
    total &= 0xffffffffULL;  // keepalived sums the weights in 32 bits
    if (vs.quorum > total) {
      Report(Severity::kWarning, vs.where,
             "Warning - quorum " + std::to_string(vs.quorum) + " for " + name() +
                 " exceeds total weight of real servers " + std::to_string(total) +
                 ", reducing quorum to " + std::to_string(total));
      vs.quorum = total;
    }
    if (vs.hysteresis >= vs.quorum) {
      const std::uint64_t h = (vs.quorum + 0xffffffffULL) & 0xffffffffULL;  // quorum - 1 (u32)
      err("Virtual server " + name() + ": hysteresis " + std::to_string(vs.hysteresis) +
          " >= quorum " + std::to_string(vs.quorum) + "; setting hysteresis to " +
          std::to_string(h));
    }
    // Ports: unless NAT, real (and sorry) servers use the virtual server's port.
    if (g != nullptr) {
      if (group_fwmarks) {
        for (const auto& rs : vs.real_servers)
          if (rs.forwarding != 0 && rs.port != 0)
            err("WARNING - fwmark virtual server " + name() + ", real server " + rs_name(rs) +
                " has port specified - port will be ignored");
        if (vs.sorry && vs.sorry->forwarding != 0 && vs.sorry->port != 0)
          err("WARNING - fwmark virtual server " + name() +
              ", sorry server has port specified - port will be ignored");
      }
      for (const auto& r : g->ranges) {
        for (const auto& rs : vs.real_servers)
          if (rs.forwarding != 0 && rs.port != 0 && r.port != rs.port)
            err("virtual server " + name() + ":[" + r.text + "] and real server " + rs_name(rs) +
                " ports don't match");
        if (vs.sorry && vs.sorry->forwarding != 0 && vs.sorry->port != 0 &&
            r.port != vs.sorry->port)
          err("WARNING - virtual server " + name() +
              ", sorry server has port specified - port will be ignored");
      }
      return true;
    }
    for (auto& rs : vs.real_servers) {
      if (rs.forwarding == 0) {
        if (!vs.is_fwmark && rs.port == 0) rs.port = vs.port;
        continue;
      }
      if (vs.is_fwmark) {
        if (rs.port != 0) {
          err("WARNING - fwmark virtual server " + name() + ", real server " + rs_name(rs) +
              " has port specified - clearing");
          rs.port = 0;
        }
      } else if (rs.port == 0) {
        rs.port = vs.port;
      } else if (rs.port != vs.port) {
        err("WARNING - virtual server " + name() + " and real server " + rs_name(rs) +
            " ports don't match - resetting");
        rs.port = vs.port;
      }
    }
    if (vs.sorry && vs.sorry->forwarding != 0) {
      if (vs.is_fwmark) {
        if (vs.sorry->port != 0)
          err("WARNING - virtual server " + name() +
              ", sorry server has port specified - clearing");
      } else if (vs.sorry->port != 0 && vs.sorry->port != vs.port) {
        err("WARNING - virtual server " + name() +
            " and sorry server ports don't match - resetting");
      }
    }
    return true;
  }

  // R81: keepalived checks every instance for a VRID and an interface (or
  // unicast peers) before anything else is completed; the first one missing
  // is fatal and no other completion message is printed (checked with -t:
  // an earlier instance's "No VIP specified" does not appear).
  bool CheckMinimumConfig() {
    for (const auto& in : raw_.instances) {
      const std::string N = "(" + in.v.name + ")";
      if (in.v.vrid == 0) return Fatal(in.v.where, N + " the virtual router id must be set");
      if (in.v.interface.empty() && in.v.unicast_peers.empty())
        return Fatal(in.v.where, N + " Unknown interface!");
    }
    return true;
  }

  void CompleteGlobals() {
    RawGlobals& G = raw_.globals;
    GlobalDefs& g = G.g;
    // vrrp_min_garp changes the defaults, not explicitly configured values (R53).
    if (g.min_garp) {
      if (!G.garp_master_repeat_set) g.garp_master_repeat = 1;
      if (!G.garp_master_delay_set) g.garp_master_delay = 0;
      if (!G.garp_master_refresh_set) g.garp_master_refresh = 0;
    }
    if (!G.garp_lower_prio_delay_set) g.garp_lower_prio_delay = g.garp_master_delay;
    if (!G.garp_lower_prio_repeat_set) g.garp_lower_prio_repeat = g.garp_master_repeat;
    cfg_.global = g;
  }

  // Sync-group membership is resolved before the instances are completed
  // because completion depends on it (R36).
  void BindSyncGroups() {
    for (auto& rg : raw_.sync_groups) {
      for (auto& [name, where] : rg.members) {
        RawInstance* in = FindRaw(name);
        if (in == nullptr) {
          Report(Severity::kError, where,
                 "Virtual router " + name + " specified in sync group " + rg.g.name +
                     " doesn't exist - ignoring");
          continue;
        }
        if (!in->v.sync_group.empty()) {
          if (in->v.sync_group != rg.g.name)
            Report(Severity::kError, where,
                   "Virtual router " + name +
                       " cannot exist in more than one sync group; ignoring " + rg.g.name);
          continue;
        }
        in->v.sync_group = rg.g.name;
        rg.g.members.push_back(name);
      }
      if (rg.members.empty()) {
        Report(Severity::kError, rg.g.where,
               "Sync group " + rg.g.name + " has no virtual router(s). removing");
        continue;
      }
      if (rg.g.members.empty()) {
        Report(Severity::kError, rg.g.where,
               "Sync group " + rg.g.name +
                   ", no matching virtual router found in group declaration - removing");
        continue;
      }
      if (rg.g.members.size() == 1)
        Report(Severity::kWarning, rg.g.where,
               "Sync group " + rg.g.name +
                   " has only 1 virtual router(s) - this probably isn't what you want");
      groups_.push_back(&rg);
    }
  }

  RawInstance* FindRaw(const std::string& name) {
    for (auto& in : raw_.instances)
      if (in.v.name == name) return &in;
    return nullptr;
  }
  const RawSyncGroup* GroupOf(const RawInstance& in) const {
    for (const RawSyncGroup* g : groups_)
      if (g->g.name == in.v.sync_group) return g;
    return nullptr;
  }

  bool Fatal(const Location& where, std::string msg) {
    Report(Severity::kFatal, where, std::move(msg));
    failed_ = true;
    return false;
  }

  bool CompleteInstance(RawInstance& in) {
    const GlobalDefs& g = cfg_.global;
    VrrpInstance v = in.v;
    const std::string N = "(" + v.name + ")";
    const RawSyncGroup* group = GroupOf(in);

    v.strict_mode = in.strict_mode.value_or(g.vrrp_strict);
    // An IPv6 instance is VRRPv3 unless `version 2` came before its family was
    // known (the parser refuses it after): the global vrrp_version does not
    // apply to it (captured: tests/data/captures/ipv6, v3_ip6_global_v2 and
    // v3_ip6_asked_v2_pass).
    v.version = in.version.value_or(v.ipv6 ? 3 : g.vrrp_version);

    if (v.vips.empty()) {
      if (v.version == 3 || v.strict_mode)
        return Fatal(v.where, N + " No VIP specified; at least one is required");
      Report(Severity::kWarning, v.where, N + " No VIP specified; at least one is sensible");
    }
    // RFC 5798 wants a multicast IPv6 instance's first address link-local;
    // keepalived insists only in strict mode (otherwise the VRRP process logs
    // "should", Daemon::Start).
    if (v.ipv6 && !v.is_unicast() && v.strict_mode && !v.vips.empty() &&
        !v.vips[0].addr.is_link_local_v6())
      Report(Severity::kError, v.where, N + " the first IPv6 VIP address must be link local");

    // R2: priority from state, state from priority.
    v.priority = in.priority.value_or(in.state == InitialState::kMaster ? 255 : 100);
    if (!in.state) {
      v.initial_state = v.priority == 255 ? InitialState::kMaster : InitialState::kBackup;
    } else {
      v.initial_state = *in.state;
      v.state_given = true;
      if (v.strict_mode && ((v.initial_state == InitialState::kMaster) != (v.priority == 255))) {
        Report(Severity::kError, in.state_where,
               N + " State MASTER must match being address owner");
        v.initial_state = v.priority == 255 ? InitialState::kMaster : InitialState::kBackup;
      }
    }

    // Authentication (R83, v3).
    if (v.auth_type != AuthType::kNone) {
      if (v.strict_mode) {
        Report(Severity::kError, in.auth_where,
               N + " Strict mode does not support authentication. Ignoring.");
        v.auth_type = AuthType::kNone;
      } else if (v.version == 3) {
        Report(Severity::kError, in.auth_where,
               N + " VRRP version 3 does not support authentication. Ignoring.");
        v.auth_type = AuthType::kNone;
      } else if (v.auth_pass.empty()) {
        Report(Severity::kError, in.auth_where,
               N + " Authentication specified but no password given. Ignoring");
        v.auth_type = AuthType::kNone;
      } else if (v.auth_type == AuthType::kAh && v.initial_state == InitialState::kMaster &&
                 v.priority != 255) {
        Report(Severity::kError, in.auth_where,
               N + " Initial state master is incompatible with AH authentication - clearing");
        v.initial_state = InitialState::kBackup;
      }
    }
    if (v.auth_type == AuthType::kNone) v.auth_pass.clear();

    // Unicast without peers falls back to multicast (R56).
    if (in.unicast_keyword && v.unicast_peers.empty() && !v.unicast_fault_no_peer) {
      Report(Severity::kWarning, v.where,
             N + " A unicast keyword has been specified without any unicast peers. Defaulting to "
                 "multicast. This usage is deprecated - please update your configuration.");
    }

    if (v.interface.empty()) {
      if (!v.unicast_src_ip)
        return Fatal(v.where, N + ": Unicast instances must have unicast_src_ip or interface");
    }

    // R57: the advert carries at most 255 addresses; keepalived keeps one
    // fewer than its computed maximum when it has to move the excess.
    constexpr std::size_t kMaxAddr = 255;
    if (v.vips.size() > kMaxAddr) {
      Report(Severity::kError, in.vips_where,
             N + " Number of VIPs (" + std::to_string(v.vips.size()) +
                 ") exceeds maximum/space available in packet (max " + std::to_string(kMaxAddr) +
                 " addresses) - excess moved to eVIPs");
      std::vector<VirtualAddress> moved(v.vips.begin() + (kMaxAddr - 1), v.vips.end());
      v.vips.resize(kMaxAddr - 1);
      v.evips.insert(v.evips.begin(), moved.begin(), moved.end());
    }

    if (v.priority == 255 && v.nopreempt) {
      Report(Severity::kError, in.priority_where.file.empty() ? v.where : in.priority_where,
             N + " nopreempt is incompatible with priority 255. resetting nopreempt");
      v.nopreempt = false;
    }
    if (v.initial_state == InitialState::kMaster) {
      if (v.nopreempt) {
        Report(Severity::kError, in.state_where.file.empty() ? v.where : in.state_where,
               N + " Warning - nopreempt will not work with initial state MASTER - clearing");
        v.nopreempt = false;
      }
      if (v.preempt_delay) {
        Report(Severity::kError, in.preempt_delay_where,
               N + " Warning - preempt delay will not work with initial state MASTER - clearing");
        v.preempt_delay = 0;
      }
    }
    if (v.preempt_delay) {
      if (v.strict_mode) {
        Report(Severity::kError, in.preempt_delay_where,
               N + " preempt_delay is incompatible with strict mode - resetting");
        v.preempt_delay = 0;
      }
      if (v.nopreempt) {
        Report(Severity::kError, in.preempt_delay_where,
               N + " preempt_delay is incompatible with nopreempt mode - resetting");
        v.preempt_delay = 0;
      }
    }

    // R83: strict mode keeps the RFC's 3 adverts, with a message when the
    // instance would otherwise use another number (also a global default).
    v.down_timer_adverts = in.down_timer_adverts.value_or(g.down_timer_adverts);
    if (v.strict_mode && v.down_timer_adverts != 3) {
      Report(Severity::kError, v.where,
             N + " down_timer_adverts is incompatible with strict mode - resetting");
      v.down_timer_adverts = 3;
    }

    // Accept mode and the strict-mode overrides (R83).
    v.accept = in.accept.value_or(v.priority == 255 ? true : !v.strict_mode);
    if (v.accept && v.priority != 255 && v.strict_mode && v.version == 2) {
      Report(
          Severity::kError, v.where,
          N + " warning - accept mode for VRRP version 2 does not comply with RFC3768 - resetting");
      v.accept = false;
    }

    v.garp_master_delay = in.garp_master_delay.value_or(g.garp_master_delay);
    v.garp_master_repeat = in.garp_master_repeat.value_or(g.garp_master_repeat);
    v.garp_master_refresh = in.garp_master_refresh.value_or(g.garp_master_refresh);
    v.garp_master_refresh_repeat =
        in.garp_master_refresh_repeat.value_or(g.garp_master_refresh_repeat);

    if (!in.garp_lower_prio_repeat) {
      v.garp_lower_prio_repeat = v.strict_mode ? 0 : g.garp_lower_prio_repeat;
    } else {
      v.garp_lower_prio_repeat = *in.garp_lower_prio_repeat;
      if (v.strict_mode && v.garp_lower_prio_repeat) {
        Report(Severity::kError, v.where, N + " Strict mode requires no repeat garps. resetting");
        v.garp_lower_prio_repeat = 0;
      }
    }
    if (!in.garp_lower_prio_delay) {
      v.garp_lower_prio_delay = v.strict_mode ? 0 : g.garp_lower_prio_delay;
    } else {
      v.garp_lower_prio_delay = *in.garp_lower_prio_delay;
      if (v.strict_mode && v.garp_lower_prio_delay) {
        Report(Severity::kError, v.where,
               N + " Strict mode requires no repeat garp delay. resetting");
        v.garp_lower_prio_delay = 0;
      }
    }
    if (!in.lower_prio_no_advert) {
      v.lower_prio_no_advert = v.strict_mode ? true : g.lower_prio_no_advert;
    } else {
      v.lower_prio_no_advert = *in.lower_prio_no_advert;
      if (v.strict_mode && !v.lower_prio_no_advert) {
        Report(Severity::kError, v.where,
               N + " Strict mode requires no lower priority advert. resetting");
        v.lower_prio_no_advert = true;
      }
    }
    if (!in.higher_prio_send_advert) {
      v.higher_prio_send_advert = v.strict_mode ? false : g.higher_prio_send_advert;
    } else {
      v.higher_prio_send_advert = *in.higher_prio_send_advert;
      if (v.strict_mode && v.higher_prio_send_advert) {
        Report(Severity::kError, v.where,
               N + " strict mode requires higher_prio_send_advert to be clear. resetting");
        v.higher_prio_send_advert = false;
      }
    }
    if (in.notify_priority_changes)
      v.notify_priority_changes = *in.notify_priority_changes;
    else if (group && group->notify_priority_changes)
      v.notify_priority_changes = *group->notify_priority_changes;
    else
      v.notify_priority_changes = g.notify_priority_changes;

    v.skip_check_adv_addr = in.skip_check_adv_addr.value_or(g.skip_check_adv_addr);
    v.check_unicast_src = in.check_unicast_src.value_or(g.check_unicast_src);
    v.mcast_dst = in.mcast_dst.value_or(v.ipv6 ? g.mcast_group6 : IpAddress(g.mcast_group4));

    // R6: advert interval rounding per version.
    Duration adv = in.advert_int.value_or(0);
    if (adv == 0) adv = Seconds(1);
    const Location& aw = in.advert_where.file.empty() ? v.where : in.advert_where;
    if (v.version == 2) {
      if (adv >= Seconds(256)) {
        Report(Severity::kError, aw,
               N + " VRRPv2 advertisement interval " + FmtF("%.2f", adv / 1e6) +
                   "s is out of range. Must be less than 256s. Setting to 255s");
        adv = Seconds(255);
      } else if (adv % kSecond) {
        Report(Severity::kError, aw,
               N + " VRRPv2 advertisement interval " + FmtF("%f", adv / 1e6) +
                   "s must be an integer. rounding");
        adv += kSecond / 2;
        adv -= adv % kSecond;
        if (adv == 0) adv = kSecond;
      }
    } else {
      if (adv >= 4096 * kCentiSecond) {
        Report(Severity::kError, aw,
               N + " VRRPv3 advertisement interval " + FmtF("%.2f", adv / 1e6) +
                   "s is out of range. Must be less than 40.96s. Setting to 40.95s");
        adv = 4095 * kCentiSecond;
      } else if (adv % kCentiSecond) {
        Report(Severity::kError, aw,
               N + " VRRPv3 advertisement interval " + FmtF("%f", adv / 1e6) +
                   "s must be in units of 10ms - rounding");
        adv += kCentiSecond / 2;
        adv -= adv % kCentiSecond;
        if (adv == 0) adv = kCentiSecond;
      }
    }
    v.advert_int = adv;

    // Tracking: resolve references, then R36 (owners, sync groups) and R38.
    ResolveTracking(in, v, group);

    cfg_.instances.push_back(std::move(v));
    return true;
  }

  void ResolveTracking(RawInstance& in, VrrpInstance& v, const RawSyncGroup* group) {
    const std::string N = "(" + v.name + ")";
    bool sync_no_weight = group && !group->g.sync_group_tracking_weight;
    bool owner = v.priority == 255;
    const char* why = sync_no_weight ? "SYNC group" : "address owner";
    const char* why_ = sync_no_weight ? "SYNC group" : "address_owner";

    for (auto& t : in.track_interfaces) {
      if (t.entry.name == v.interface) {
        Report(Severity::kWarning, t.where,
               N + " Ignoring track_interface " + t.entry.name + " since own interface");
        continue;
      }
      if ((sync_no_weight || owner) && t.entry.weight) {
        Report(Severity::kError, t.where,
               N + " ignoring " + t.entry.name + " tracked interface " +
                   (sync_no_weight ? "weight " : "") + "due to " + why);
        if (!sync_no_weight) continue;
        t.entry.weight = 0;
      }
      v.track_interfaces.push_back(t.entry);
    }

    // References were checked against the defined objects while reading.
    for (const auto& r : in.track_scripts) {
      const VrrpScript* s = cfg_.FindScript(r.name);
      if (s == nullptr) continue;
      TrackedScript ts;
      ts.name = r.name;
      ts.weight = r.weight.value_or(s->weight);
      ts.reverse = r.weight ? r.reverse.value_or(false) : r.reverse.value_or(s->reverse);
      if ((sync_no_weight || owner) && ts.weight) {
        Report(Severity::kError, r.where,
               N + " ignoring tracked script " + r.name + " with weights due to " + why_);
        continue;
      }
      used_scripts_.insert(r.name);
      v.track_scripts.push_back(ts);
    }
    for (const auto& r : in.track_files) {
      const TrackFile* f = cfg_.FindTrackFile(r.name);
      if (f == nullptr) continue;
      TrackedFile tf;
      tf.name = r.name;
      tf.weight = r.weight.value_or(f->weight);
      tf.reverse = r.weight ? r.reverse.value_or(false) : r.reverse.value_or(f->reverse);
      if ((sync_no_weight || owner) && tf.weight) {
        // keepalived takes weight 1 (the default) as "not really weighted".
        if (tf.weight == 1) {
          Report(Severity::kError, r.where,
                 N + " ignoring weight from tracked file " + r.name + " due to " + why_ +
                     ". specify weight 0");
          tf.weight = 0;
        } else {
          Report(Severity::kError, r.where,
                 N + " ignoring tracked file " + r.name + " with weight " +
                     std::to_string(tf.weight) + " due to " + why_);
          continue;
        }
      }
      v.track_files.push_back(tf);
    }
  }

  // Two multicast instances may not share a VRID on one interface (R81).
  void CheckVridConflicts() {
    for (std::size_t i = 0; i < cfg_.instances.size(); ++i) {
      for (std::size_t j = i + 1; j < cfg_.instances.size(); ++j) {
        const VrrpInstance& a = cfg_.instances[i];
        const VrrpInstance& b = cfg_.instances[j];
        if (a.vrid != b.vrid || a.interface != b.interface || a.ipv6 != b.ipv6) continue;
        const bool ua = !a.unicast_peers.empty();
        const bool ub = !b.unicast_peers.empty();
        if (ua != ub) continue;
        if (ua) {
          bool overlap = false;
          for (const auto& pa : a.unicast_peers)
            for (const auto& pb : b.unicast_peers) overlap |= pa.addr == pb.addr;
          if (!overlap) continue;
        }
        Fatal(b.where, a.name + " and " + b.name + " both use VRID " + std::to_string(a.vrid) +
                           (a.ipv6 ? " with IPv6" : " with IPv4") + " on interface " + a.interface);
        return;
      }
    }
  }

  // Group trackers (R64) are attached to the members once every instance is
  // complete, as keepalived's sync-group tracking initialisation does: an
  // address owner among the members forbids weights, and an object tracked
  // both by a member and by its group is kept once.
  void FinishSyncGroups() {
    for (const RawSyncGroup* rg : groups_) {
      SyncGroup g = rg->g;
      const std::string G = "(" + g.name + ")";
      bool has_owner = false;
      for (const auto& m : g.members) {
        const VrrpInstance* in = cfg_.FindInstance(m);
        has_owner |= in && in->priority == 255;
      }
      for (const auto& r : rg->track_scripts) {
        const VrrpScript* s = cfg_.FindScript(r.name);
        if (s == nullptr) continue;  // reported while reading
        TrackedScript ts{r.name, r.weight.value_or(s->weight),
                         r.weight ? r.reverse.value_or(false) : r.reverse.value_or(s->reverse)};
        if (has_owner && ts.weight) {
          Report(Severity::kError, r.where,
                 G + " Cannot have weighted track script '" + r.name +
                     "' with member having priority 255 - clearing weight");
          ts.weight = 0;
        }
        used_scripts_.insert(r.name);
        g.track_scripts.push_back(ts);
      }
      for (const auto& r : rg->track_files) {
        const TrackFile* f = cfg_.FindTrackFile(r.name);
        if (f == nullptr) continue;
        TrackedFile tf{r.name, r.weight.value_or(f->weight),
                       r.weight ? r.reverse.value_or(false) : r.reverse.value_or(f->reverse)};
        if (has_owner && tf.weight) {
          Report(Severity::kError, r.where,
                 G + " Cannot have weighted track file '" + r.name +
                     "' with member having priority 255 - setting weight 0");
          tf.weight = 0;
        }
        g.track_files.push_back(tf);
      }
      for (const auto& t : rg->track_interfaces) {
        TrackedInterface e = t.entry;
        if (has_owner && e.weight) {
          Report(Severity::kError, t.where,
                 G + " Cannot have weighted track interface '" + e.name +
                     "' with member having priority 255 - clearing weight");
          e.weight = 0;
        }
        g.track_interfaces.push_back(e);
      }
      // What each member sees: the group's weight only with
      // sync_group_tracking_weight, otherwise the tracker is a fault trigger.
      bool weighted = g.sync_group_tracking_weight;
      for (const auto& m : g.members) {
        VrrpInstance* v = FindInstance(m);
        if (v == nullptr) continue;
        const std::string N = "(" + v->name + ")";
        for (std::size_t i = 0; i < g.track_scripts.size(); ++i) {
          TrackedScript ts = g.track_scripts[i];
          if (!weighted) ts.weight = 0;
          auto it = std::find_if(v->track_scripts.begin(), v->track_scripts.end(),
                                 [&](const TrackedScript& x) { return x.name == ts.name; });
          if (it != v->track_scripts.end()) {
            Report(
                Severity::kWarning, rg->track_scripts[i].where,
                N + " track_script " + ts.name +
                    " is configured on VRRP instance and sync group. Remove vrrp instance config");
            if (it->weight) *it = ts;
            continue;
          }
          v->track_scripts.push_back(ts);
        }
        for (std::size_t i = 0; i < g.track_files.size(); ++i) {
          TrackedFile tf = g.track_files[i];
          if (!weighted) tf.weight = 0;
          auto it = std::find_if(v->track_files.begin(), v->track_files.end(),
                                 [&](const TrackedFile& x) { return x.name == tf.name; });
          if (it != v->track_files.end()) {
            Report(
                Severity::kWarning, rg->track_files[i].where,
                N + " track_file " + tf.name +
                    " is configured on VRRP instance and sync group. Remove vrrp instance config");
            if (it->weight) *it = tf;
            continue;
          }
          v->track_files.push_back(tf);
        }
        for (std::size_t i = 0; i < g.track_interfaces.size(); ++i) {
          TrackedInterface e = g.track_interfaces[i];
          if (!weighted) e.weight = 0;
          bool own = e.name == v->interface;
          auto it = std::find_if(v->track_interfaces.begin(), v->track_interfaces.end(),
                                 [&](const TrackedInterface& x) { return x.name == e.name; });
          if (own || it != v->track_interfaces.end()) {
            Report(Severity::kWarning, rg->track_interfaces[i].where,
                   N + " track_interface " + e.name +
                       " is configured on VRRP instance and sync group. Remove vrrp instance or "
                       "sync group config");
            continue;
          }
          v->track_interfaces.push_back(e);
        }
      }
      cfg_.sync_groups.push_back(std::move(g));
    }
  }

  VrrpInstance* FindInstance(const std::string& name) {
    for (auto& v : cfg_.instances)
      if (v.name == name) return &v;
    return nullptr;
  }

  // R35: a vrrp_script nobody tracks is deleted.
  void DropUnusedScripts() {
    std::vector<VrrpScript> kept;
    for (auto& s : cfg_.scripts) {
      if (used_scripts_.count(s.name)) {
        kept.push_back(std::move(s));
      } else {
        // Logged by the running daemon when it starts, not by `keepalived -t`.
        Report(Severity::kWarning, s.where, "Warning - script " + s.name + " is not used",
               DiagClass::kDaemon);
      }
    }
    cfg_.scripts = std::move(kept);
  }

  RawConfig raw_;
  const ParseOptions& options_;
  Diagnostics* diags_;
  Config cfg_;
  std::vector<const RawSyncGroup*> groups_;
  std::set<std::string> used_scripts_;
  bool failed_ = false;
};

}  // namespace

Config Complete(RawConfig raw, const ParseOptions& options, Diagnostics* diags) {
  return Completer(std::move(raw), options, diags).Run();
}

void CompleteChecker(RawConfig raw, const ParseOptions& options, Diagnostics* diags) {
  Completer(std::move(raw), options, diags).RunChecker();
}

}  // namespace vrrp
