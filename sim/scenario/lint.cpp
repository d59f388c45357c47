// Cross-node configuration checks: what keepalived cannot see from one host.
//
// Every instance is compared with the instances of the other nodes that use
// the same VRID (multicast and unicast are separate VRID spaces, R56), and
// with those of other VRIDs that configure one of its addresses. Each finding
// is a warning located at the instance in its configuration.
#include <algorithm>
#include <map>
#include <set>

#include "sim/observe/vrrp_group.h"
#include "sim/scenario/scenario.h"

namespace vsim {

namespace {

struct Member {
  int node;
  const vrrp::VrrpInstance* inst;
  const vrrp::Config* config;
};

std::string Who(const Scenario& sc, const Member& m) {
  return sc.nodes[m.node].name + " " + m.inst->name;
}

std::string AuthText(const vrrp::VrrpInstance& v) {
  switch (v.auth_type) {
    case vrrp::AuthType::kNone:
      return "no authentication";
    case vrrp::AuthType::kPass:
      return "auth_type PASS";
    case vrrp::AuthType::kAh:
      return "auth_type AH";
  }
  return "?";
}

std::vector<vrrp::IpAddress> Vips(const vrrp::VrrpInstance& v) {
  std::vector<vrrp::IpAddress> out;
  for (const auto& a : v.vips) out.push_back(a.addr);
  return out;
}

std::string VipText(const vrrp::VrrpInstance& v) {
  std::string s;
  for (const auto& a : v.vips) s += (s.empty() ? "" : " ") + a.addr.ToString();
  return s.empty() ? "none" : s;
}

// Lowest / highest effective priority the weighted trackers can produce
// (R31: each tracker contributes min/max(0, weight x (reverse ? -1 : 1))).
int Bound(const vrrp::VrrpInstance& v, bool lowest) {
  if (v.priority == 255) return 255;
  int p = v.priority;
  auto add = [&](int weight, bool reverse) {
    const int w = reverse ? -weight : weight;
    p += lowest ? std::min(0, w) : std::max(0, w);
  };
  for (const auto& t : v.track_scripts) add(t.weight, t.reverse);
  for (const auto& t : v.track_interfaces) add(t.weight, t.reverse);
  return std::clamp(p, 1, 254);
}
bool HasWeights(const vrrp::VrrpInstance& v) {
  for (const auto& t : v.track_scripts)
    if (t.weight != 0) return true;
  for (const auto& t : v.track_interfaces)
    if (t.weight != 0) return true;
  return false;
}
bool HasWeightedFiles(const vrrp::VrrpInstance& v) {
  for (const auto& t : v.track_files)
    if (t.weight != 0) return true;
  return false;
}

}  // namespace

vrrp::Diagnostics LintScenario(const Scenario& sc) {
  vrrp::Diagnostics out;
  auto warn = [&](const Member& m, const std::string& msg) {
    out.push_back(
        {vrrp::Severity::kWarning, m.inst->where, "lint: " + msg, vrrp::DiagClass::kVrrpsim});
  };
  // (unicast?, group) -> members, in node then configuration order. A group
  // is a VRID of one family (sim/observe/vrrp_group.h): an IPv4 and an IPv6
  // instance of one VRID never hear each other, by design, and differ in
  // everything (addresses, version).
  std::map<std::pair<bool, int>, std::vector<Member>> groups;
  for (std::size_t n = 0; n < sc.nodes.size(); ++n)
    for (const auto& inst : sc.nodes[n].config.instances)
      groups[{inst.is_unicast(),
              GroupKey(inst.vrid, inst.ipv6 ? vrrp::IpFamily::kV6 : vrrp::IpFamily::kV4)}]
          .push_back({static_cast<int>(n), &inst, &sc.nodes[n].config});

  // Multicast and unicast instances with the same VRID do not hear each other.
  for (const auto& [key, members] : groups) {
    if (!key.first) continue;
    auto other = groups.find({false, key.second});
    if (other == groups.end()) continue;
    std::set<int> uni_nodes, multi_nodes;
    for (const auto& m : members) uni_nodes.insert(m.node);
    for (const auto& m : other->second) multi_nodes.insert(m.node);
    if (uni_nodes != multi_nodes || uni_nodes.size() > 1)
      warn(members.front(), "VRID " + GroupText(key.second) + ": " + Who(sc, members.front()) +
                                " is unicast but " + Who(sc, other->second.front()) +
                                " is multicast; they never hear each other (R56): split brain");
  }

  // One address configured by instances of different VRIDs: they are
  // separate virtual routers, so each has its own MASTER and the address ends
  // up on two hosts (a duplicate IP that no split-brain per VRID shows).
  std::map<vrrp::IpAddress, std::vector<Member>> by_address;
  for (const auto& [key, members] : groups)
    for (const auto& m : members)
      for (const auto& a : m.inst->vips) by_address[a.addr].push_back(m);
  for (const auto& [addr, members] : by_address) {
    for (std::size_t i = 1; i < members.size(); ++i) {
      const Member& a = members.front();
      const Member& b = members[i];
      if (a.node == b.node || (a.inst->vrid == b.inst->vrid && a.inst->ipv6 == b.inst->ipv6 &&
                               a.inst->is_unicast() == b.inst->is_unicast()))
        continue;
      warn(b, "virtual address " + addr.ToString() + " is configured by " + Who(sc, a) + " (VRID " +
                  std::to_string(a.inst->vrid) + (a.inst->is_unicast() ? ", unicast" : "") +
                  ") and " + Who(sc, b) + " (VRID " + std::to_string(b.inst->vrid) +
                  (b.inst->is_unicast() ? ", unicast" : "") +
                  "): separate virtual routers, each with its own MASTER, so the address is on "
                  "two hosts at once; give them the same virtual_router_id");
      break;
    }
  }

  for (const auto& [key, members] : groups) {
    const std::string V = "VRID " + GroupText(key.second) + ": ";
    std::set<int> nodes;
    for (const auto& m : members) nodes.insert(m.node);
    if (nodes.size() < 2) continue;
    const Member& ref = members.front();
    for (std::size_t i = 1; i < members.size(); ++i) {
      const Member& m = members[i];
      if (m.node == ref.node) continue;
      const auto& a = *ref.inst;
      const auto& b = *m.inst;
      if (a.version != b.version)
        warn(m, V + Who(sc, m) + " speaks VRRPv" + std::to_string(b.version) + " but " +
                    Who(sc, ref) + " VRRPv" + std::to_string(a.version) +
                    ": adverts are discarded as 'wrong version' (R13.4), both become MASTER");
      if (a.version == 2 && b.version == 2 &&
          (a.auth_type != b.auth_type ||
           (a.auth_type == vrrp::AuthType::kPass && a.auth_pass != b.auth_pass))) {
        std::string what =
            a.auth_type != b.auth_type
                ? Who(sc, m) + " uses " + AuthText(b) + ", " + Who(sc, ref) + " " + AuthText(a)
                : Who(sc, m) + " and " + Who(sc, ref) + " use different auth_pass";
        warn(m, V + what + ": adverts are discarded (R13.6/R13.7), both become MASTER");
      }
      if (a.advert_int != b.advert_int) {
        if (a.version == 2 && b.version == 2)
          warn(m, V + Who(sc, m) + " advert_int " + FormatTime(b.advert_int) + " differs from " +
                      Who(sc, ref) + " " + FormatTime(a.advert_int) +
                      ": VRRPv2 discards the adverts ('advertisement interval mismatch', R13.9)");
        else
          warn(m, V + Who(sc, m) + " advert_int " + FormatTime(b.advert_int) + " differs from " +
                      Who(sc, ref) + " " + FormatTime(a.advert_int) +
                      ": VRRPv3 backups learn the master's interval (R12); failover times differ "
                      "by node");
      }
      if (Vips(a) != Vips(b)) {
        auto sa = Vips(a), sb = Vips(b);
        std::sort(sa.begin(), sa.end());
        std::sort(sb.begin(), sb.end());
        warn(m, V + Who(sc, m) + " virtual addresses [" + VipText(b) + "] differ from " +
                    Who(sc, ref) + " [" + VipText(a) + "]" +
                    (sa == sb ? " (order only; harmless)"
                              : ": adverts are discarded (R13.11/R13.15), both become MASTER"));
      }
    }
    // Priorities.
    for (std::size_t i = 0; i < members.size(); ++i)
      for (std::size_t j = i + 1; j < members.size(); ++j) {
        const Member& a = members[i];
        const Member& b = members[j];
        if (a.node == b.node) continue;
        if (a.inst->priority == b.inst->priority) {
          if (a.inst->priority == 255)
            warn(b, V + Who(sc, a) + " and " + Who(sc, b) +
                        " are both address owners (priority 255): 'CONFIGURATION ERROR' at "
                        "runtime, one lowers itself to 254 (R17.3)");
          else
            warn(b, V + Who(sc, a) + " and " + Who(sc, b) + " have the same priority " +
                        std::to_string(a.inst->priority) +
                        ": start order decides the master; started together both become MASTER "
                        "and the higher address wins (R14, R19)");
        }
      }
    // Weights that can never move mastership: the highest-priority instance's
    // trackers must be able to bring it strictly below a backup (R14: an equal
    // priority is accepted, so equal is not enough).
    for (const Member& hi : members) {
      if (!HasWeights(*hi.inst) || HasWeightedFiles(*hi.inst)) continue;
      const int low = Bound(*hi.inst, true);
      int best_other = 0;
      const Member* best = nullptr;
      bool hi_is_top = true;
      for (const Member& o : members) {
        if (o.node == hi.node) continue;
        if (o.inst->priority > hi.inst->priority || HasWeightedFiles(*o.inst)) hi_is_top = false;
        const int h = Bound(*o.inst, false);
        if (h > best_other) {
          best_other = h;
          best = &o;
        }
      }
      if (!hi_is_top || !best) continue;
      if (low >= best_other)
        warn(hi, V + Who(sc, hi) + " (priority " + std::to_string(hi.inst->priority) +
                     ") can only drop to " + std::to_string(low) +
                     " when its weighted trackers fail, but the best backup (" + Who(sc, *best) +
                     ") reaches at most " + std::to_string(best_other) +
                     ": a failing check never moves mastership (keepalived #2469, #942)");
    }
    // Unicast peers should be exactly the other nodes' source addresses.
    if (key.first) {
      std::map<vrrp::IpAddress, const Member*> source;  // address -> member
      for (const Member& m : members) {
        vrrp::IpAddress src;
        if (m.inst->unicast_src_ip) {
          src = *m.inst->unicast_src_ip;
        } else {
          for (const auto& ni : sc.nodes[m.node].interfaces)
            if (ni.name == m.inst->interface) src = m.inst->ipv6 ? ni.link_local6 : ni.address;
        }
        source[src] = &m;
      }
      for (const Member& m : members) {
        std::set<vrrp::IpAddress> peers;
        for (const auto& p : m.inst->unicast_peers) {
          peers.insert(p.addr);
          auto it = source.find(p.addr);
          if (it == source.end())
            warn(m, V + Who(sc, m) + " has unicast_peer " + p.addr.ToString() +
                        " which is not the source address of any other node with this VRID");
          else if (it->second->node == m.node)
            warn(m, V + Who(sc, m) + " lists its own address " + p.addr.ToString() +
                        " as a unicast_peer");
        }
        for (const auto& [addr, other] : source) {
          if (other->node == m.node || peers.count(addr)) continue;
          warn(m, V + Who(sc, m) + " does not list " + Who(sc, *other) + " (" + addr.ToString() +
                      ") as a unicast_peer: it never sends to it");
        }
      }
    }
  }
  return out;
}

}  // namespace vsim
