// The VRRP state machine of one keepalived 2.2.7 process (semantics doc
// R1-R71). Every public entry point sets the per-call context (now, out),
// performs keepalived's steps in keepalived's order, and refreshes the cached
// next deadline.
#include "engine/daemon.h"

#include <algorithm>
#include <array>
#include <cassert>
#include <string>
#include <utility>

#include "engine/packet/vrrp_packet6.h"
#include "engine/vrrp/instance.h"
#include "engine/vrrp/timer_tree.h"
#include "engine/vrrp/timers.h"
#include "engine/vrrp/tracker.h"
#include "engine/vrrp/validate.h"

namespace vrrp {

namespace {

std::string Str(std::int64_t v) { return std::to_string(v); }

// "3.000000": seconds with six decimals, as keepalived prints a duration.
std::string SecondsText(Duration d) {
  return std::to_string(d / kSecond) + "." + std::to_string(d % kSecond + kSecond).substr(1);
}

// Log-line parts that cost a conversion, made only once Log/ILog know the
// line is emitted: a run without logs formats no number and no address
// (a master answering a lower advert spent half its time on one).
struct Num {
  explicit Num(std::int64_t x) : v(x) {}
  std::int64_t v;
};
struct Secs {
  explicit Secs(Duration x) : d(x) {}
  Duration d;
};
void AppendPart(std::string* s, std::string_view p) { s->append(p); }
void AppendPart(std::string* s, Num n) { s->append(std::to_string(n.v)); }
void AppendPart(std::string* s, Secs t) { s->append(SecondsText(t.d)); }
void AppendPart(std::string* s, const IpAddress& a) { s->append(a.ToString()); }

}  // namespace

struct Daemon::Impl {
  // Shared, never changed: a copy of the daemon (a snapshot) shares it, so
  // the run-time state's pointers into it (an instance's cfg, an installed
  // address's vip, ...) stay valid in the copy; Reload installs a new one.
  std::shared_ptr<const Config> config;
  std::vector<HostInterface> ifs;
  // Per interface: the first index with its name (ifs never changes after
  // construction but for `up`).
  std::vector<int> if_first;
  DaemonOptions opt;

  std::vector<InstanceRuntime> insts;
  std::vector<GroupRuntime> groups;
  std::vector<ScriptRuntime> scripts;
  std::vector<std::int64_t> file_values;
  std::vector<Time> garp_next;   // per host interface: earliest next GARP (R53)
  Time garp_thread_at = kNever;  // queued-GARP thread (R53)
  // Earliest instance deadline (sands / GARP batches). A deadline that moves
  // later (a backup's master-down timer, pushed back by every advert) is not
  // filed at once: its leaf keeps the earlier key, a lower bound, and is
  // moved when it reaches the top (SettleTop). Filing it cost a climb of the
  // tree per advert received, for a deadline that moves again before it
  // comes (issue 17). `top_exact` (below): the top leaf's key is its
  // instance's.
  // A few instances' tree is a level or two: filing at once is cheaper
  // than the bookkeeping (BM_D, two nodes of one instance: +9 % lazy).
  static constexpr std::size_t kLazyTreeFrom = 8;
  TimerTree timer_tree;

  bool started = false;
  bool stopped = false;
  bool top_exact = true;   // see timer_tree
  bool lazy_tree = false;  // see timer_tree: with kLazyTreeFrom instances or more
  bool next_exact = true;  // see next_deadline
  Time start_time = 0;
  // The next deadline as of the last call; a lower bound of it unless
  // next_exact (see timer_tree).
  Time next_deadline = kNever;

  // Per-call context.
  Time now = 0;
  Actions* out = nullptr;
  std::span<const std::uint8_t> raw;  // the datagram being processed, if any
  std::string scratch;

  Impl(std::shared_ptr<const Config> c, HostIdentity host, DaemonOptions o)
      : config(std::move(c)), ifs(std::move(host.interfaces)), opt(o) {
    for (const HostInterface& h : ifs) if_first.push_back(FindIfIndex(h.name));
    Build();
  }

  // A copy (a snapshot of the daemon) shares the configuration. The
  // per-call context is not copied (REQUIRES: `o` is between calls).
  Impl(const Impl& o) = default;
  void ClearCallContext() {
    out = nullptr;
    raw = {};
  }

  // ------------------------------------------------------------ construction

  int FindScript(const std::string& name) const {
    for (std::size_t i = 0; i < config->scripts.size(); ++i)
      if (config->scripts[i].name == name) return static_cast<int>(i);
    return -1;
  }
  int FindFile(const std::string& name) const {
    for (std::size_t i = 0; i < config->track_files.size(); ++i)
      if (config->track_files[i].name == name) return static_cast<int>(i);
    return -1;
  }
  // REQUIRES: 0 <= i < insts.size().
  const InstanceRuntime& Inst(int i) const {
    assert(i >= 0 && static_cast<std::size_t>(i) < insts.size());
    return insts[static_cast<std::size_t>(i)];
  }
  int FindInst(std::string_view name) const {
    for (std::size_t i = 0; i < insts.size(); ++i)
      if (insts[i].cfg->name == name) return static_cast<int>(i);
    return -1;
  }
  const HostInterface* FindIf(std::string_view name) const {
    for (const HostInterface& h : ifs)
      if (h.name == name) return &h;
    return nullptr;
  }
  HostInterface* FindIf(std::string_view name) {
    for (HostInterface& h : ifs)
      if (h.name == name) return &h;
    return nullptr;
  }

  void AddTrackers(InstanceRuntime& v, const std::vector<TrackedInterface>& tifs,
                   const std::vector<TrackedScript>& tss, const std::vector<TrackedFile>& tfs,
                   bool keep_weights) {
    for (const TrackedInterface& t : tifs) {
      if (t.name == v.cfg->interface) continue;  // "Ignoring track_interface ... own interface"
      v.track_ifs.push_back({t.name, keep_weights ? t.weight : 0, t.reverse});
    }
    for (const TrackedScript& t : tss) {
      int s = FindScript(t.name);
      if (s < 0) continue;  // dropped by the config reader (R37)
      v.scripts.push_back({s, keep_weights ? t.weight : 0, t.reverse});
    }
    for (const TrackedFile& t : tfs) {
      int f = FindFile(t.name);
      if (f < 0) continue;
      v.files.push_back({f, keep_weights ? t.weight : 0, t.reverse});
    }
  }

  void Build() {
    insts.resize(config->instances.size());
    for (std::size_t i = 0; i < config->instances.size(); ++i) {
      InstanceRuntime& v = insts[i];
      const VrrpInstance& c = config->instances[i];
      v.cfg = &c;
      v.index = static_cast<int>(i);
      v.rx_if = c.interface.empty() ? kAnyInterface : FindIfIndex(c.interface);
      v.base_priority = c.priority;
      v.effective_priority = c.priority;
      v.adver_int = c.advert_int;
      v.master_adver_int = c.advert_int;
      v.wantstate = c.initial_state == InitialState::kMaster ? State::kMaster : State::kBackup;
      v.version = static_cast<std::uint8_t>(c.version);
      v.unicast = c.is_unicast();
      v.nopreempt = c.nopreempt;
      v.skip_check_adv_addr = c.skip_check_adv_addr || config->global.skip_check_adv_addr;
      v.lower_prio_no_advert = c.lower_prio_no_advert;
      v.higher_prio_send_advert = c.higher_prio_send_advert;
      v.auth_ah = c.version == 2 && c.auth_type == AuthType::kAh;
      v.ipv6 = c.ipv6;
      v.down_timer_adverts = c.down_timer_adverts;
      v.preempt_delay = c.preempt_delay;
      v.garp_master_refresh = c.garp_master_refresh;
      AddTrackers(v, c.track_interfaces, c.track_scripts, c.track_files, true);
      for (const VirtualAddress& a : c.vips) {
        const std::string& dev = a.dev.empty() ? c.interface : a.dev;
        v.addresses.push_back({&a, dev, false, dev != c.interface && !a.no_track});
      }
      for (const VirtualAddress& a : c.evips) {
        const std::string& dev = a.dev.empty() ? c.interface : a.dev;
        v.addresses.push_back({&a, dev, true, dev != c.interface && !a.no_track});
      }
      VrrpAdvert& adv = v.advert;
      adv.version = static_cast<std::uint8_t>(c.version);
      adv.type = 1;
      adv.dst = c.mcast_dst;  // a unicast send sets its peer's
      adv.vrid = static_cast<std::uint8_t>(c.vrid);
      const std::size_t n = std::min<std::size_t>(c.vips.size(), kMaxVrrpAddresses);
      adv.count = static_cast<std::uint8_t>(n);
      adv.adver_int = static_cast<std::uint16_t>(AdvertIntervalField(c.version, c.advert_int));
      if (c.version == 2) {
        adv.auth_type = c.auth_type;
        adv.auth_type_raw = static_cast<std::uint8_t>(c.auth_type);
        // PASS: the password on the wire; AH: the ICV key (the codec sends
        // zeros in the message itself).
        if (c.auth_type != AuthType::kNone) {
          for (std::size_t k = 0; k < adv.auth_data.size() && k < c.auth_pass.size(); ++k)
            adv.auth_data[k] = static_cast<std::uint8_t>(c.auth_pass[k]);
        }
      }
      for (std::size_t k = 0; k < n; ++k) adv.addresses.push_back(c.vips[k].addr);
      v.quick = QuickValidationFor(c);
    }
    for (const SyncGroup& g : config->sync_groups) {
      GroupRuntime gr;
      gr.cfg = &g;
      for (const std::string& m : g.members) {
        int idx = FindInst(m);
        if (idx < 0 || insts[idx].group >= 0) continue;
        gr.members.push_back(idx);
      }
      const int gi = static_cast<int>(groups.size());
      for (int idx : gr.members) {
        insts[idx].group = gi;
        AddTrackers(insts[idx], g.track_interfaces, g.track_scripts, g.track_files,
                    g.sync_group_tracking_weight);
      }
      groups.push_back(std::move(gr));
    }
    for (const VrrpScript& s : config->scripts) {
      ScriptRuntime sr;
      sr.cfg = &s;
      sr.counter = ScriptCounter(std::max(1, s.rise), std::max(1, s.fall));
      scripts.push_back(sr);
    }
    for (const TrackFile& f : config->track_files) file_values.push_back(f.init_value.value_or(0));
    garp_next.assign(ifs.size(), kNever);
    timer_tree.Reset(static_cast<int>(insts.size()));
    top_exact = true;
    lazy_tree = insts.size() >= kLazyTreeFrom;
    std::array<int, 256> count{};
    for (const InstanceRuntime& v : insts) ++count[v.cfg->vrid & 0xff];
    vrid_one.assign(256, -1);
    vrid_several.clear();
    for (const InstanceRuntime& v : insts) {
      const int vrid = v.cfg->vrid & 0xff;
      int& one = vrid_one[vrid];
      if (count[vrid] == 1) {
        one = v.index;
      } else if (one == -1) {  // the first of several: its count, then all of them
        one = -2 - static_cast<int>(vrid_several.size());
        vrid_several.push_back(count[vrid]);
        for (const InstanceRuntime& w : insts)
          if ((w.cfg->vrid & 0xff) == vrid) vrid_several.push_back(w.index);
      }
    }
  }

  // The instances a received advert can be for, by its VRID: the receive
  // path looks at no other.
  // REQUIRES: Build() since the last change of insts.
  std::span<const int> VridInstances(int vrid) const {
    const int& one = vrid_one[static_cast<std::size_t>(vrid)];
    if (one >= 0) return {&one, 1};
    if (one == -1) return {};
    const std::size_t at = static_cast<std::size_t>(-2 - one);
    return {&vrid_several[at + 1], static_cast<std::size_t>(vrid_several[at])};
  }
  // Per VRID: its only instance; -1: none; -2 - k: several, listed at
  // vrid_several[k] as their count and then their indices, in configuration
  // order. One load for the usual configuration, where a VRID names one
  // instance, and no per-VRID vectors: 256 of them were 6 KiB to zero, copy
  // and free with every daemon and snapshot, a quarter of the explorer's L1
  // misses.
  std::vector<int> vrid_one;
  std::vector<int> vrid_several;

  // An instance's earliest deadline and which of its three it is (the tie
  // order of TimerTree::Set).
  struct DeadlineKey {
    Time t;
    int kind;
    bool operator==(const DeadlineKey&) const = default;
    bool operator<(const DeadlineKey& o) const { return t != o.t ? t < o.t : kind < o.kind; }
  };
  static DeadlineKey KeyOf(const InstanceRuntime& v) {
    DeadlineKey k{v.sands, 0};
    if (v.garp_delay_at < k.t) k = {v.garp_delay_at, 1};
    if (v.garp_lower_at < k.t) k = {v.garp_lower_at, 2};
    return k;
  }

  // Files instance `v`'s key in the timer tree, exactly.
  void File(const InstanceRuntime& v, DeadlineKey k) {
    if (lazy_tree) return FileLazy(v, k);
    timer_tree.Set(v.index, k.t, k.kind);  // top_exact stays true
  }
  // Out of line, as are the lazy tree's other paths: the small daemon's
  // paths stay as short as before it (the engine micro-benchmarks).
  [[gnu::noinline]] void FileLazy(const InstanceRuntime& v, DeadlineKey k) {
    const int top = timer_tree.min_leaf();
    timer_tree.Set(v.index, k.t, k.kind);
    const int now_top = timer_tree.min_leaf();
    // The leaf just filed is exact; another leaf coming to the top may not be.
    if (now_top == v.index)
      top_exact = true;
    else if (now_top != top)
      top_exact = false;
  }

  // Every write of an instance's deadlines goes through here (or SetSands),
  // so the timer tree always knows the earliest one.
  void Touch(const InstanceRuntime& v) { File(v, KeyOf(v)); }

  // Moves stale top leaves to their instances' keys until the top is exact;
  // the tree's minimum is then the earliest deadline.
  void SettleTop() {
    if (!top_exact) SettleStaleTop();
  }
  [[gnu::noinline]] void SettleStaleTop() {
    while (!top_exact) {
      if (timer_tree.min_time() == kNever) {  // every leaf, hence every deadline
        top_exact = true;
        return;
      }
      const InstanceRuntime& v = insts[static_cast<std::size_t>(timer_tree.min_leaf())];
      const DeadlineKey k = KeyOf(v);
      if (k == DeadlineKey{timer_tree.min_time(), timer_tree.min_kind()}) {
        top_exact = true;
        return;
      }
      File(v, k);
    }
  }

  // ------------------------------------------------------------ small helpers

  bool logs() const { return opt.emit_logs; }

  template <typename... Parts>
  void Log(int instance, const Parts&... parts) {
    if (!opt.emit_logs) return;
    std::string text;
    (AppendPart(&text, parts), ...);
    out->emplace_back(LogLine{instance, std::move(text)});
  }
  template <typename... Parts>
  void ILog(const InstanceRuntime& v, const Parts&... parts) {
    if (!opt.emit_logs) return;
    std::string text = "(" + v.cfg->name + ") ";
    (AppendPart(&text, parts), ...);
    out->emplace_back(LogLine{v.index, std::move(text)});
  }

  void SetSands(InstanceRuntime& v, Time t) {
    if (v.sands == t) return;
    if (lazy_tree) {
      SetSandsLazy(v, t);
    } else {
      v.sands = t;
      Touch(v);
    }
    if (opt.report_timers) out->emplace_back(TimerArmed{v.index, t});
  }
  [[gnu::noinline]] void SetSandsLazy(InstanceRuntime& v, Time t) {
    const DeadlineKey was = KeyOf(v);
    v.sands = t;
    const DeadlineKey k = KeyOf(v);
    if (was < k) {
      // Later: the leaf's key (at most `was`) stays a lower bound; it moves
      // when it reaches the top.
      if (timer_tree.min_leaf() == v.index) top_exact = false;
    } else if (k < was) {
      FileLazy(v, k);
    }
  }

  // At least 1 µs: a v3 master may advertise an interval of 0, which
  // keepalived learns (R12) and then re-arms a blocked sync-group member for
  // "now" in a busy loop. One microsecond is keepalived's timer resolution;
  // it keeps every call returning with its next deadline in the future
  // (fuzz finding F7).
  Duration Mdi(const InstanceRuntime& v) const {
    return std::max<Duration>(1, MasterDownInterval(v.version, v.effective_priority,
                                                    v.master_adver_int, v.down_timer_adverts));
  }
  Duration Skew(const InstanceRuntime& v) const {
    return SkewTime(v.version, v.effective_priority, v.master_adver_int);
  }

  // R5: master-down deadlines computed during the startup delay count from
  // its end.
  Time BackupBase() const {
    const Time delay_end = start_time + config->global.startup_delay;
    return now < delay_end ? delay_end : now;
  }

  void ArmBackupFull(InstanceRuntime& v) {
    v.ms_down_timer = Mdi(v);
    SetSands(v, BackupBase() + v.ms_down_timer);
  }

  void SendAdverts(InstanceRuntime& v, int priority) {
    v.ip_id = NextIpId(v.ip_id);
    if (v.auth_ah) ++v.ah_seq;
    if (v.unicast) {
      const VrrpInstance& c = *v.cfg;
      for (const UnicastPeer& p : c.unicast_peers) {
        SendAdvert s{v.index, v.advert};
        s.advert.priority = static_cast<std::uint8_t>(priority);
        s.advert.ip_id = v.ip_id;
        s.advert.ah_seq = v.ah_seq;
        s.advert.src = v.src;
        s.advert.dst = p.addr;
        // keepalived 2.2.7 applies unicast_ttl to IPv4 only; IPv6 unicast
        // adverts leave with the kernel's default hop limit (captured).
        s.advert.ttl = c.ipv6 ? kIpv6DefaultUnicastHops : static_cast<std::uint8_t>(c.unicast_ttl);
        out->emplace_back(std::move(s));
      }
      return;
    }
    // Built in place, copied from the template (not default-built, then
    // assigned): an advert is the largest action, moved it would be copied
    // once more.
    SendAdvert& s =
        std::get<SendAdvert>(out->emplace_back(std::in_place_type<SendAdvert>, v.index, v.advert));
    VrrpAdvert& a = s.advert;
    a.priority = static_cast<std::uint8_t>(priority);
    a.ip_id = v.ip_id;
    a.ah_seq = v.ah_seq;
    a.src = v.src;
    a.ttl = kVrrpTtl;
  }

  // `repeat` rounds of one GARP per VIP then per eVIP (R50); nothing unless
  // the VIPs are set. The two log lines are -D only in keepalived.
  void GarpBatch(InstanceRuntime& v, int repeat) {
    if (!v.vipset) return;
    const bool detail = opt.detailed_logging && logs();
    for (int r = 0; r < repeat; ++r) {
      for (InstalledAddress& a : v.addresses) {
        if (detail && r == 0)
          ILog(v,
               a.vip->addr.is_v6() ? "Sending/queueing Unsolicited Neighbour Adverts on "
                                   : "Sending/queueing gratuitous ARPs on ",
               a.dev, " for ", a.vip->addr);
        SendOrQueueGarp(v, a);
      }
    }
  }

  void EmitGarp(const InstanceRuntime& v, const InstalledAddress& a) {
    out->emplace_back(SendGarp{v.index, a.vip->addr, a.dev});
    // An IPv6 VIP gets an unsolicited neighbour advertisement instead (R50).
    if (opt.detailed_logging)
      Log(-1,
          a.vip->addr.is_v6() ? "Sending unsolicited Neighbour Advert on "
                              : "Sending gratuitous ARP on ",
          a.dev, " for ", a.vip->addr);
  }

  // R53 pacing (global vrrp_garp_interval): a GARP asked for while its
  // interface is still inside the interval is queued instead; an address
  // has at most one queued GARP, so further repeats collapse into it.
  void SendOrQueueGarp(InstanceRuntime& v, InstalledAddress& a) {
    const Duration interval = config->global.garp_interval;
    const int f = interval > 0 ? FindIfIndex(a.dev) : -1;
    if (f < 0) {
      EmitGarp(v, a);
      return;
    }
    if (garp_next[f] != kNever && now < garp_next[f]) {
      a.garp_pending = true;
      v.garp_pending = true;
      garp_thread_at = std::min(garp_thread_at, now + interval);
      return;
    }
    EmitGarp(v, a);
    garp_next[f] = now + interval;
  }

  // The queued-GARP thread: sends every queued GARP whose interface is free,
  // instances in configuration order, and re-arms for the rest.
  void GarpThread() {
    garp_thread_at = kNever;
    const Duration interval = config->global.garp_interval;
    for (InstanceRuntime& v : insts) {
      if (!v.garp_pending) continue;
      v.garp_pending = false;
      for (InstalledAddress& a : v.addresses) {
        if (!a.garp_pending) continue;
        const int f = FindIfIndex(a.dev);
        if (f >= 0 && garp_next[f] != kNever && now < garp_next[f]) {
          v.garp_pending = true;
          garp_thread_at = std::min(garp_thread_at, garp_next[f]);
          continue;
        }
        a.garp_pending = false;
        EmitGarp(v, a);
        if (f >= 0) garp_next[f] = now + interval;
      }
    }
  }

  int FindIfIndex(std::string_view name) const {
    for (std::size_t i = 0; i < ifs.size(); ++i)
      if (ifs[i].name == name) return static_cast<int>(i);
    return -1;
  }

  bool HasExcluded(const InstanceRuntime& v) const {
    return !v.addresses.empty() && v.addresses.back().excluded;
  }

  void AddVips(InstanceRuntime& v) {
    if (v.vipset) return;
    for (bool excluded : {false, true}) {
      if (excluded ? !HasExcluded(v) : v.cfg->vips.empty()) continue;
      if (opt.detailed_logging) ILog(v, excluded ? "setting E-VIPs." : "setting VIPs.");
      for (const InstalledAddress& a : v.addresses)
        if (a.excluded == excluded) out->emplace_back(AddVip{v.index, *a.vip, a.dev, a.excluded});
    }
    v.vipset = true;
  }

  void RemoveVips(InstanceRuntime& v) {
    v.garp_delay_at = v.garp_lower_at = v.garp_refresh_at = kNever;
    Touch(v);
    DropVips(v);
  }

  // RemoveVips without the timer bookkeeping (also for instances a reload
  // removed, which have no timer leaf any more).
  void DropVips(InstanceRuntime& v) {
    v.garp_pending = false;
    for (InstalledAddress& a : v.addresses) a.garp_pending = false;
    if (!v.vipset) return;
    for (bool excluded : {false, true}) {
      if (excluded ? !HasExcluded(v) : v.cfg->vips.empty()) continue;
      if (opt.detailed_logging) ILog(v, excluded ? "removing E-VIPs." : "removing VIPs.");
      for (const InstalledAddress& a : v.addresses)
        if (a.excluded == excluded)
          out->emplace_back(RemoveVip{v.index, *a.vip, a.dev, a.excluded});
    }
    v.vipset = false;
  }

  void NotifyInst(InstanceRuntime& v, State to, Reason reason, std::string detail = {}) {
    out->emplace_back(
        Notify{v.index, -1, v.notified, to, v.effective_priority, reason, std::move(detail)});
    v.notified = to;
  }
  void NotifyGroup(int g, State to, Reason reason) {
    GroupRuntime& gr = groups[g];
    out->emplace_back(Notify{-1, g, gr.notified, to, 0, reason, {}});
    gr.notified = to;
    gr.state = to;
  }
  void GroupLog(int g, const char* state) {
    Log(-1, "VRRP_Group(", groups[g].cfg->name, ") Syncing instances to ", state, " state");
  }

  // ------------------------------------------------------------ tracking

  bool IfUp(const std::string& name) const {
    const HostInterface* h = FindIf(name);
    return h != nullptr && h->up;
  }

  // Whether any fault source of `v` is active (R38-R40, R42). With `reasons`,
  // also collects keepalived's startup reason suffixes.
  bool ComputeFault(const InstanceRuntime& v, std::vector<std::string>* reasons) const {
    const VrrpInstance& c = *v.cfg;
    // A configuration fault (unicast_fault_no_peer without peers) has no
    // reason line of its own: the config reader already reported it (R4.1).
    bool fault = c.unicast_fault_no_peer && c.unicast_peers.empty();
    auto add = [&](std::string why) {
      fault = true;
      if (reasons != nullptr) reasons->push_back(std::move(why));
    };
    const HostInterface* own = c.interface.empty() ? nullptr : FindIf(c.interface);
    // An interface the host lacks is modelled as "no IPv4 address".
    if ((!c.interface.empty() && own == nullptr) || !v.src_ok) {
      // IPv6: no link-local address (keepalived's wording, seen in user logs).
      add(c.ipv6 ? " (no IPv6 address for interface)" : " (no IPv4 address for interface)");
    } else if (own != nullptr && !own->up && !c.dont_track_primary) {
      add(" (interface " + c.interface + " down)");
    }
    for (const InterfaceRef& t : v.track_ifs) {
      if (t.weight == 0 && BinaryFault(t.reverse, IfUp(t.name)))
        add(" (interface " + t.name + (IfUp(t.name) ? " up)" : " down)"));
    }
    for (const InstalledAddress& a : v.addresses) {
      if (a.tracked && !IfUp(a.dev)) add(" (interface " + a.dev + " down)");
    }
    for (const ScriptRef& s : v.scripts) {
      const ScriptRuntime& sr = scripts[s.script];
      if (s.weight == 0 && sr.counter.reported() && BinaryFault(s.reverse, sr.counter.ok()))
        add(" due to script " + sr.cfg->name);
    }
    for (const FileRef& f : v.files) {
      const std::int64_t value = file_values[f.file];
      if (TrackFileFault(f.weight, f.reverse, value))
        add(" (tracked file " + config->track_files[f.file].name + " has status " + Str(value) +
            ")");
    }
    return fault;
  }

  bool ComputePending(const InstanceRuntime& v) const {
    for (const ScriptRef& s : v.scripts)
      if (s.weight == 0 && !scripts[s.script].counter.reported()) return true;
    return false;
  }

  int ComputeEffective(const InstanceRuntime& v) const {
    if (v.base_priority == 255) return 255;  // R30: owners are immune
    int total = v.base_priority;
    for (const InterfaceRef& t : v.track_ifs)
      if (t.weight != 0) total += BinaryContribution(t.weight, t.reverse, IfUp(t.name));
    for (const ScriptRef& s : v.scripts) {
      const ScriptRuntime& sr = scripts[s.script];
      if (s.weight != 0 && sr.counter.reported())
        total += BinaryContribution(s.weight, s.reverse, sr.counter.ok());
    }
    for (const FileRef& f : v.files)
      if (f.weight != 0) total += TrackFileContribution(f.weight, f.reverse, file_values[f.file]);
    return std::clamp(total, 1, 254);
  }

  // R30, R33.
  void SetEffective(InstanceRuntime& v, int eff) {
    const int old = v.effective_priority;
    v.effective_priority = eff;
    ILog(v, "Changing effective priority from ", Num(old), " to ", Num(eff));
    out->emplace_back(PriorityChanged{v.index, old, eff});
    if (v.state == State::kBackup && v.sands != kNever) {
      const Duration fresh = Mdi(v);
      const Time t = v.sands + (fresh - v.ms_down_timer);
      v.ms_down_timer = fresh;
      SetSands(v, t);
    }
  }

  bool GroupHasFault(int g) const {
    for (int m : groups[g].members)
      if (insts[m].own_fault) return true;
    return false;
  }
  // keepalived's num_member_init: a member still waits for weight-0 scripts.
  bool GroupPending(int g) const {
    for (int m : groups[g].members)
      if (insts[m].pending) return true;
    return false;
  }

  // Re-derives priority and fault status of every instance after a tracker
  // changed, and acts on the differences (configuration order).
  // Two passes so that a sync group sees all its members' new status before
  // any of them acts.
  void Reevaluate() {
    enum : std::uint8_t { kNothing, kRaised, kCleared };
    std::vector<std::uint8_t> change(insts.size(), kNothing);
    for (InstanceRuntime& v : insts) {
      if (v.state == State::kStop || v.state == State::kInit) continue;
      const int eff = ComputeEffective(v);
      if (eff != v.effective_priority) SetEffective(v, eff);
      const bool fault = ComputeFault(v, nullptr);
      const bool pending = ComputePending(v);
      if (fault && !v.own_fault) {
        change[v.index] = kRaised;
      } else if (!fault && (v.own_fault || (v.pending && !pending))) {
        change[v.index] = kCleared;
      }
      v.own_fault = fault;
      v.pending = pending;
    }
    for (InstanceRuntime& v : insts) {
      if (change[v.index] == kRaised) FaultRaised(v);
      if (change[v.index] == kCleared) FaultCleared(v);
    }
  }

  // ------------------------------------------------------------ transitions

  // R20 steps 3-11.
  void GotoMaster(InstanceRuntime& v, Reason reason, std::string detail = {}) {
    v.state = State::kMaster;
    v.wantstate = State::kMaster;
    v.preempt_running = false;
    SetSands(v, now + v.adver_int);
    SendAdverts(v, v.effective_priority);
    ILog(v, "Entering MASTER STATE");
    // 2.2.7 resets the learned interval only inside a -D logging branch (R12).
    if (v.cfg->version == 3 && opt.detailed_logging && v.master_adver_int != v.adver_int) {
      ILog(v, "changing advert interval from ", Num(v.master_adver_int / kMillisecond),
           "ms to locally configured ", Num(v.adver_int / kMillisecond), "ms");
      v.master_adver_int = v.adver_int;
    }
    AddVips(v);
    GarpBatch(v, v.cfg->garp_master_repeat);
    if (v.cfg->garp_master_refresh > 0) v.garp_refresh_at = now + v.cfg->garp_master_refresh;
    NotifyInst(v, State::kMaster, reason, std::move(detail));
    if (v.cfg->garp_master_delay > 0 && v.cfg->garp_master_repeat > 0) {
      v.garp_delay_at = now + v.cfg->garp_master_delay;
      Touch(v);
    }
  }

  // R21.
  void LeaveMaster(InstanceRuntime& v, Reason reason, std::string detail = {}) {
    ILog(v, "Entering BACKUP STATE");
    v.preempt_running = false;
    RemoveVips(v);
    v.state = State::kBackup;
    v.wantstate = State::kBackup;
    NotifyInst(v, State::kBackup, reason, std::move(detail));
    ArmBackupFull(v);
  }

  // R40 (own fault: two priority-0 adverts from MASTER; sync-forced: one).
  void EnterFault(InstanceRuntime& v, bool sync_forced) {
    std::string detail = sync_forced ? "sync group " + groups[v.group].cfg->name : FaultDetail(v);
    ILog(v, "Entering FAULT STATE");
    if (v.state == State::kMaster) {
      // One priority-0 advert on leaving MASTER for FAULT; an own fault
      // asks the interface restore for a second one (R40).
      SendAdverts(v, 0);
      if (!sync_forced) {
        SendAdverts(v, 0);
        if (opt.detailed_logging) ILog(v, "sent 0 priority");
      }
      RemoveVips(v);
    }
    v.state = State::kFault;
    if (!sync_forced) v.wantstate = State::kFault;
    v.preempt_running = false;
    NotifyInst(v, State::kFault, sync_forced ? Reason::kSyncGroup : Reason::kFault,
               std::move(detail));
    SetSands(v, kNever);
  }

  // R41.
  void LeaveFault(InstanceRuntime& v, Reason reason) {
    v.wantstate = State::kBackup;
    v.master_adver_int = v.adver_int;
    v.preempt_running = false;
    ILog(v, "Entering BACKUP STATE");
    v.state = State::kBackup;
    // Unicast peers may hold a stale ARP entry for us.
    if (v.cfg->is_unicast()) out->emplace_back(SendGarp{v.index, v.src, v.cfg->interface});
    NotifyInst(v, State::kBackup, reason);
    ArmBackupFull(v);
  }

  // A short human-readable cause for a FAULT Notify ("interface eth1 down",
  // "script chk", "tracked file tf has status 1").
  std::string FaultDetail(const InstanceRuntime& v) const {
    std::vector<std::string> reasons;
    ComputeFault(v, &reasons);
    if (reasons.empty()) return {};
    std::string r = reasons.front();
    if (r.rfind(" due to ", 0) == 0) return r.substr(8);
    if (r.size() >= 3 && r.rfind(" (", 0) == 0) return r.substr(2, r.size() - 3);
    return r;
  }

  void FaultRaised(InstanceRuntime& v) {
    if (v.state == State::kFault) {
      // Already FAULT: either silently waiting for a first script result
      // (R43: now announce it) or forced by the group (nothing to do).
      if (v.notified != State::kFault) {
        ILog(v, "Entering FAULT STATE");
        v.wantstate = State::kFault;
        NotifyInst(v, State::kFault, Reason::kFault, FaultDetail(v));
      }
      return;
    }
    EnterFault(v, false);
    if (v.group < 0) return;
    GroupRuntime& g = groups[v.group];
    if (g.members.size() > 1) GroupLog(v.group, "FAULT");
    for (int m : g.members) {
      if (m == v.index || insts[m].state == State::kFault) continue;
      EnterFault(insts[m], true);
    }
    NotifyGroup(v.group, State::kFault, Reason::kFault);
  }

  // Called when an instance's own fault sources (or pending scripts) cleared.
  void FaultCleared(InstanceRuntime& v) {
    if (v.state != State::kFault || v.own_fault || v.pending) return;
    if (v.group >= 0 && (GroupHasFault(v.group) || GroupPending(v.group))) return;
    const bool was_silent = v.notified != State::kFault;
    // R41 exception: an owner that only waited for its first script results.
    if (v.notified != State::kFault && v.wantstate == State::kMaster && v.base_priority == 255) {
      GotoMaster(v, Reason::kOwnerStartup);
      return;
    }
    LeaveFault(v, v.notified == State::kFault ? Reason::kFaultCleared : Reason::kStartup);
    if (v.group < 0) return;
    GroupRuntime& g = groups[v.group];
    bool others = false;
    for (int m : g.members)
      if (m != v.index && insts[m].state == State::kFault) others = true;
    if (others && !was_silent) GroupLog(v.group, "BACKUP");
    for (int m : g.members) {
      InstanceRuntime& o = insts[m];
      if (m == v.index || o.state != State::kFault) continue;
      LeaveFault(o, o.notified == State::kFault ? Reason::kSyncGroup : Reason::kStartup);
    }
    NotifyGroup(v.group, State::kBackup, was_silent ? Reason::kStartup : Reason::kFaultCleared);
  }

  // R20 / R63: the master-down timer of a BACKUP expired.
  void MasterDownExpired(InstanceRuntime& v) {
    if (opt.detailed_logging) ILog(v, "Receive advertisement timeout");
    v.wantstate = State::kMaster;
    if (v.group >= 0 && groups[v.group].state != State::kMaster) {
      for (int m : groups[v.group].members) {
        const InstanceRuntime& o = insts[m];
        if (m != v.index && o.wantstate != State::kMaster && o.state != State::kMaster) {
          ArmBackupFull(v);
          return;
        }
      }
    }
    Reason why = Reason::kMasterDownTimer;
    if (v.notified == State::kInit) {
      why = Reason::kOwnerStartup;
    } else if (v.shortened_by_prio0) {
      why = Reason::kPriorityZeroAdvert;
    }
    v.shortened_by_prio0 = false;
    GotoMaster(v, why);
    if (v.group < 0) return;
    if (groups[v.group].members.size() > 1) GroupLog(v.group, "MASTER");
    for (int m : groups[v.group].members) {
      if (m != v.index && insts[m].state == State::kBackup)
        GotoMaster(insts[m], Reason::kSyncGroup);
    }
    if (groups[v.group].state != State::kMaster)
      NotifyGroup(v.group, State::kMaster, Reason::kMasterDownTimer);
  }

  // R17.5 + R62.
  void YieldMaster(InstanceRuntime& v, Reason reason, std::string detail) {
    LeaveMaster(v, reason, std::move(detail));
    if (v.group < 0) return;
    GroupRuntime& g = groups[v.group];
    if (g.members.size() > 1) GroupLog(v.group, "BACKUP");
    for (int m : g.members) {
      if (m != v.index && insts[m].state == State::kMaster)
        LeaveMaster(insts[m], Reason::kSyncGroup);
    }
    NotifyGroup(v.group, State::kBackup, reason);
  }

  // ------------------------------------------------------------ receiving

  // `ifindex` >= 0: the receiving interface as the first of the host's
  // interfaces with its name (compared as integers); else `ifname`.
  int Demux(const VrrpAdvert& a, int ifindex, std::string_view ifname) const {
    const std::span<const int> candidates = VridInstances(a.vrid);
    if (candidates.empty()) return -1;
    const bool mcast = a.dst.is_multicast();
    int fallback = -1;
    int first_unicast = -1;
    for (int index : candidates) {
      const InstanceRuntime& v = insts[index];
      if (v.rx_if != kAnyInterface &&
          (ifindex >= 0 ? v.rx_if != ifindex : v.cfg->interface != ifname))
        continue;
      if (v.ipv6 != a.src.is_v6()) continue;  // one socket per family
      if (mcast) {
        if (!v.unicast) return v.index;
        continue;
      }
      if (v.unicast) {
        for (const UnicastPeer& p : v.cfg->unicast_peers)
          if (p.addr == a.src) return v.index;
        if (first_unicast < 0) first_unicast = v.index;
      } else if (fallback < 0) {
        fallback = v.index;  // a multicast socket also sees unicast packets
      }
    }
    return first_unicast >= 0 ? first_unicast : fallback;
  }

  bool Validate(InstanceRuntime& v, const DecodedPacket& pkt, bool check_vip_addr) {
    // A peer's advert in the common case, without the full checks (nor
    // their log line, which only a failure writes).
    if (SurelyValid(v.quick, v.advert, pkt, check_vip_addr)) return true;
    ValidateOptions vo;
    vo.check_vip_addr = check_vip_addr;
    vo.global_check_unicast_src = config->global.check_unicast_src;
    const VrrpInstance& c = *v.cfg;
    if (!raw.empty() && pkt.has_ah && c.version == 2 && c.auth_type == AuthType::kAh) {
      vo.ah_checked = true;
      // keepalived zeroes the TTL in the ICV of unicast instances, which the
      // codec's verifier does not model: trust the ICV there.
      vo.ah_icv_ok = c.is_unicast() ||
                     VerifyAhIcv(raw, std::span<const std::uint8_t>(
                                          reinterpret_cast<const std::uint8_t*>(c.auth_pass.data()),
                                          std::min<std::size_t>(c.auth_pass.size(), 8)));
      vo.ah_rx_seq = &v.ah_rx_seq;
    }
    bool ok;
    if (!logs()) {
      ok = ValidateAdvert(*v.cfg, pkt, vo, nullptr);
    } else {
      ok = ValidateAdvert(*v.cfg, pkt, vo, &scratch);
      if (!ok && !scratch.empty()) out->emplace_back(LogLine{v.index, scratch});
    }
    if (ok && !pkt.checksum_ok && !v.old_unicast_checksum) {
      v.old_unicast_checksum = true;
      ILog(v, "Setting unicast VRRPv3 checksum to old version");
    }
    return ok;
  }

  // R12. `by` is "master" in BACKUP and "new master" when a MASTER yields.
  void LearnInterval(InstanceRuntime& v, const VrrpAdvert& a, const char* by) {
    if (v.version != 3) return;
    const Duration learned = AdvertIntervalFromField(3, a.adver_int);
    if (learned == v.master_adver_int) return;
    if (opt.detailed_logging)
      ILog(v, "advertisement interval updated from ", Num(v.master_adver_int / kMillisecond),
           "ms to ", Num(learned / kMillisecond), "ms by ", by);
    v.master_adver_int = learned;
  }

  // R11, R12, R14, R26.
  void BackupRx(InstanceRuntime& v, const DecodedPacket& pkt) {
    const VrrpAdvert& a = pkt.advert;
    const bool skip = v.skip_check_adv_addr && v.have_last_master && a.src == v.last_master;
    auto discard = [&] { v.ms_down_timer = std::max<Duration>(0, v.sands - now); };
    if (!Validate(v, pkt, !skip)) return discard();
    const int p = a.priority;
    const int l = v.effective_priority;
    if (p == 0) {
      if (opt.detailed_logging) ILog(v, "Backup received priority 0 advertisement");
      v.shortened_by_prio0 = true;
      v.ms_down_timer = Skew(v);
      SetSands(v, BackupBase() + v.ms_down_timer);
      return;
    }
    const Duration delay = v.preempt_delay;
    const bool in_window = delay > 0 && (!v.preempt_running || now < v.preempt_time);
    if (v.nopreempt || p >= l || in_window) {
      if (delay > 0) {
        if (p < l && !v.preempt_running) {
          v.preempt_running = true;
          v.preempt_time = now + delay;
          if (opt.detailed_logging) ILog(v, "start preempt delay (", Secs(delay), ")");
        } else if (p >= l && v.preempt_running) {
          v.preempt_running = false;
          if (opt.detailed_logging) ILog(v, "stop preempt delay");
        }
      }
      LearnInterval(v, a, "master");
      v.shortened_by_prio0 = false;
      v.ms_down_timer = Mdi(v);
      SetSands(v, BackupBase() + v.ms_down_timer);
      v.have_last_master = true;
      v.last_master = a.src;
      v.wantstate = State::kBackup;
      return;
    }
    ILog(v, "received lower priority (", Num(p), ") advert from ", a.src, " - discarding");
    // keepalived records the sender as master even here (it matters for
    // skip_check_adv_addr).
    v.have_last_master = true;
    v.last_master = a.src;
    discard();
  }

  // R10, R17, R51.
  void MasterRx(InstanceRuntime& v, const DecodedPacket& pkt) {
    const VrrpAdvert& a = pkt.advert;
    const bool lnpa = v.lower_prio_no_advert;
    if (Validate(v, pkt, true)) {
      const int p = a.priority;
      int l = v.effective_priority;
      // IPv4: host-order integers; IPv6: memcmp() order (IpAddress, R17).
      const int cmp = a.src < v.src ? -1 : (v.src < a.src ? 1 : 0);
      const bool better = p > l || (p == l && cmp > 0);
      // R17.1 and higher_prio_send_advert: the advert goes out before any log.
      if (p == 0 || (v.higher_prio_send_advert && better)) SendAdverts(v, v.effective_priority);
      if (p == 0) {
        if (opt.detailed_logging) ILog(v, "Master received priority 0 message");
      } else {
        if (p == l && cmp == 0) {
          ILog(v, "WARNING - equal priority advert received from remote host with our IP address.");
        } else if (p == l && l == 255) {
          ILog(v,
               "CONFIGURATION ERROR: local instance and a remote instance are both configured "
               "as address owner, please fix - reducing local priority");
          v.base_priority = 254;
          v.effective_priority = 254;
          out->emplace_back(PriorityChanged{v.index, 255, 254});
          l = 254;
        }
        if (p < l || (p == l && cmp < 0)) {
          MasterRxLower(v, a, p);
        } else if (p > l || (p == l && cmp > 0)) {
          const bool equal = p == l;
          if (equal) {
            ILog(v, "Master received advert from ", a.src, " with same priority ", Num(p),
                 " but higher IP address than ours");
          } else {
            ILog(v, "Master received advert from ", a.src, " with higher priority ", Num(p),
                 ", ours ", Num(l));
          }
          LearnInterval(v, a, "new master");
          std::string detail = (equal ? "same priority " : "higher priority ") + Str(p) + " from " +
                               a.src.ToString();
          YieldMaster(v,
                      equal ? Reason::kEqualPriorityHigherAddress : Reason::kHigherPriorityAdvert,
                      std::move(detail));
          return;
        }
      }
    }
    // R10: whatever the packet, the advert timer restarts from now.
    if (!lnpa) SetSands(v, now + v.adver_int);
  }

  void MasterRxLower(InstanceRuntime& v, const VrrpAdvert& a, int p) {
    const VrrpInstance& c = *v.cfg;
    ILog(v, "Received advert from ", a.src, " with lower priority ", Num(p), ", ours ",
         Num(v.effective_priority), c.lower_prio_no_advert ? "" : ", forcing new election");
    if (c.version == 2 && c.auth_type == AuthType::kAh) {
      // keepalived resynchronises its AH sequence from the lower advert.
      ILog(v, "IPSEC-AH : Syncing seq_num - Increment seq");
      v.ah_seq = a.ah_seq + 1;
    }
    if (!c.lower_prio_no_advert) SendAdverts(v, v.effective_priority);
    LowerPrioGarps(v);
    if (v.group >= 0) {
      for (int m : groups[v.group].members)
        if (m != v.index) LowerPrioGarps(insts[m]);
    }
    if (c.notify_master_rx_lower_pri.configured() || !config->global.notify_fifo.empty()) {
      out->emplace_back(Notify{v.index, -1, State::kMaster, State::kMaster, v.effective_priority,
                               Reason::kMasterRxLowerPriority,
                               "lower priority " + Str(p) + " from " + a.src.ToString()});
    }
  }

  void LowerPrioGarps(InstanceRuntime& v) {
    const int repeat = v.cfg->garp_lower_prio_repeat;
    if (repeat <= 0) return;
    GarpBatch(v, repeat);
    if (v.cfg->garp_lower_prio_delay > 0) {
      v.garp_lower_at = now + v.cfg->garp_lower_prio_delay;
      Touch(v);
    }
  }

  // ------------------------------------------------------------ timers

  void AdvertTimer(InstanceRuntime& v) {
    SendAdverts(v, v.effective_priority);
    // R52: refresh rides on the periodic advert; "strictly after" in the
    // daemon is met by its timer's latency, so exact time uses >=.
    if (v.garp_master_refresh > 0 && now >= v.garp_refresh_at) {
      GarpBatch(v, v.cfg->garp_master_refresh_repeat);
      v.garp_refresh_at = now + v.garp_master_refresh;
    }
    SetSands(v, now + v.adver_int);
  }

  void RunDueScript(int s) {
    ScriptRuntime& sr = scripts[s];
    if (sr.outstanding > 0 && logs())
      Log(-1, "Track script ", sr.cfg->name, " is already running, expect idle - skipping run");
    ++sr.outstanding;
    out->emplace_back(RunScript{s, sr.cfg->name, sr.cfg->timeout});
    // R34 (E20): the next run is due `interval` after the moment this one was
    // launched, not after its schedule: a late wake-up shifts every later run
    // (keepalived re-arms the timer when the run starts), and a stalled
    // daemon runs an overdue script once, not once per missed interval.
    sr.next_run = now + std::max<Duration>(sr.cfg->interval, 1);
  }

  void RunTimers() {
    // Each step moves the deadline it served past the one it found, so the
    // loop ends; ties go to instance timers (configuration order) first.
    for (;;) {
      Time best = kNever;
      int kind = -1;
      int which = -1;
      auto consider = [&](Time t, int k, int w) {
        if (t <= now && t < best) {
          best = t;
          kind = k;
          which = w;
        }
      };
      // Instances first: at equal times they win over scripts and the GARP
      // thread (strict < below), as in a scan in configuration order.
      SettleTop();
      consider(timer_tree.min_time(), timer_tree.min_kind(), timer_tree.min_leaf());
      for (std::size_t s = 0; s < scripts.size(); ++s)
        consider(scripts[s].next_run, 3, static_cast<int>(s));
      consider(garp_thread_at, 4, 0);
      if (kind < 0) return;
      if (kind == 3) {
        RunDueScript(which);
        continue;
      }
      if (kind == 4) {
        GarpThread();
        continue;
      }
      InstanceRuntime& v = insts[which];
      if (kind == 0) {
        if (v.state == State::kBackup) {
          MasterDownExpired(v);
        } else if (v.state == State::kMaster) {
          AdvertTimer(v);
        } else if (v.state == State::kInit) {
          StartDeferred(v);  // Daemon::Start's offsets
        } else {
          SetSands(v, kNever);
        }
      } else if (kind == 1) {
        v.garp_delay_at = kNever;
        Touch(v);
        if (v.vipset) GarpBatch(v, v.cfg->garp_master_repeat);
      } else {
        v.garp_lower_at = kNever;
        Touch(v);
        if (v.vipset) GarpBatch(v, v.cfg->garp_lower_prio_repeat);
      }
    }
  }

  // next_deadline from the tree as it stands (a lower bound while the top is
  // stale); NextDeadline() settles it when a driver asks.
  void RecomputeNext() {
    Time t = kNever;
    if (started && !stopped) {
      t = timer_tree.min_time();
      for (const ScriptRuntime& s : scripts) t = std::min(t, s.next_run);
      t = std::min(t, garp_thread_at);
    }
    next_deadline = t;
    next_exact = top_exact || !started || stopped;
  }

  Time ExactNext() {
    if (!next_exact) {
      SettleTop();
      RecomputeNext();
    }
    return next_deadline;
  }

  // ------------------------------------------------------------ entry points

  // Runs one input with the per-call context set, then refreshes the cached
  // next deadline.
  template <typename F>
  void Call(Time t, Actions* o, F&& f) {
    assert(o != nullptr);
    now = t;
    out = o;
    f();
    RecomputeNext();
    out = nullptr;
    raw = {};
  }

  // `offsets`: empty, or one per instance (see Daemon::Start).
  void Start(std::span<const Duration> offsets) {
    if (started) return;
    started = true;
    start_time = now;
    for (InstanceRuntime& v : insts) {
      InitSource(v);
      const VrrpInstance& c = *v.cfg;
      if (c.ipv6 && !c.is_unicast() && !c.strict_mode && !c.vips.empty() &&
          !c.vips[0].addr.is_link_local_v6())
        ILog(v, "the first IPv6 VIP address should be link local");  // captured
      v.effective_priority = ComputeEffective(v);
      v.own_fault = ComputeFault(v, nullptr);
      v.pending = ComputePending(v);
    }
    // R66: a group starts MASTER only if every member is an owner wanting it.
    std::vector<bool> group_faulted(groups.size(), false);
    std::vector<bool> group_pending(groups.size(), false);
    for (std::size_t g = 0; g < groups.size(); ++g) {
      bool all_owner_master = true;
      bool pending = false;
      for (int m : groups[g].members) {
        const InstanceRuntime& v = insts[m];
        if (v.base_priority != 255 || v.wantstate != State::kMaster) all_owner_master = false;
        if (v.own_fault) group_faulted[g] = true;
        if (v.pending) pending = true;
      }
      group_pending[g] = pending;
      if (!all_owner_master)
        for (int m : groups[g].members) insts[m].wantstate = State::kBackup;
      if (group_faulted[g]) {
        NotifyGroup(static_cast<int>(g), State::kFault, Reason::kStartup);
      } else if (!pending && !all_owner_master) {
        NotifyGroup(static_cast<int>(g), State::kBackup, Reason::kStartup);
      }
    }
    // keepalived's vrrp_init_state() does each instance's start-up work
    // (removing its addresses, its notifications) one after another; an
    // instance with a later offset is started by its own deadline, in the
    // INIT state until then (packets to it are ignored, R1).
    Time init_end = now;
    for (InstanceRuntime& v : insts) {
      const Duration off = offsets.empty() ? 0 : std::max<Duration>(0, offsets[v.index]);
      if (off > 0) {
        SetSands(v, now + off);
        init_end = std::max(init_end, now + off);
      }
    }
    for (InstanceRuntime& v : insts) {
      if (v.sands != kNever) continue;  // deferred
      StartInstance(v, v.group >= 0 && group_faulted[v.group],
                    v.group >= 0 && group_pending[v.group], init_end);
    }
    // vrrp_init_script() comes after the whole loop (and vrrp_init_sands).
    for (std::size_t s = 0; s < scripts.size(); ++s) {
      scripts[s].next_run = init_end;
      if (init_end == now) RunDueScript(static_cast<int>(s));
    }
  }

  // An instance whose start was deferred (Daemon::Start's offsets), at its
  // deadline: started as at daemon start, with what its trackers say now.
  [[gnu::noinline]] void StartDeferred(InstanceRuntime& v) {
    SetSands(v, kNever);
    v.effective_priority = ComputeEffective(v);
    v.own_fault = ComputeFault(v, nullptr);
    v.pending = ComputePending(v);
    const bool grouped = v.group >= 0;
    StartInstance(v, grouped && GroupHasFault(v.group), grouped && GroupPending(v.group),
                  InitLoopEnd());
  }

  // Starts every deferred instance now (a stop or reload while the start
  // loop is still running: keepalived handles either after the loop).
  [[gnu::noinline]] void FinishDeferredStarts() {
    for (InstanceRuntime& v : insts)
      if (v.state == State::kInit && v.sands != kNever) StartDeferred(v);
  }

  // The end of the daemon's start loop: the latest deferred start still to
  // come, or now. keepalived arms every instance's timer after the loop
  // (vrrp_init_sands() follows vrrp_init_state()), so an instance started
  // early in it waits from there.
  [[gnu::noinline]] Time InitLoopEnd() const {
    Time t = now;
    for (const InstanceRuntime& v : insts)
      if (v.state == State::kInit && v.sands != kNever) t = std::max(t, v.sands);
    return t;
  }

  // R16: the advert source address.
  void InitSource(InstanceRuntime& v) const {
    const VrrpInstance& c = *v.cfg;
    const HostInterface* own = c.interface.empty() ? nullptr : FindIf(c.interface);
    std::optional<IpAddress> explicit_src = c.is_unicast() ? c.unicast_src_ip : c.mcast_src_ip;
    v.src_ok = false;
    if (explicit_src && !explicit_src->is_zero()) {
      v.src = *explicit_src;
      v.src_ok = true;
    } else if (own != nullptr && c.ipv6) {
      v.src = own->link_local6;  // keepalived's IPv6 source: the link-local address
      v.src_ok = !own->link_local6.is_zero();
    } else if (own != nullptr && !own->primary.is_zero()) {
      v.src = own->primary;
      v.src_ok = true;
    }
  }

  // R4, R42, R43, R71.
  // `loop_end`: InitLoopEnd(), which Start knows without a pass over the
  // instances per instance started.
  void StartInstance(InstanceRuntime& v, bool group_faulted, bool group_pending, Time loop_end) {
    if (v.own_fault) {
      std::vector<std::string> reasons;
      ComputeFault(v, &reasons);
      for (const std::string& r : reasons)
        Log(v.index, "(", v.cfg->name, "): entering FAULT state", r);
      // Faulted only by the configuration: just the FAULT notifications.
      if (!reasons.empty()) ILog(v, "entering FAULT state");
      v.state = State::kFault;
      v.wantstate = State::kFault;
      NotifyInst(v, State::kFault, Reason::kStartup);
      return;
    }
    if (group_faulted) {
      ILog(v, "entering FAULT state");
      v.state = State::kFault;
      NotifyInst(v, State::kFault, Reason::kSyncGroup);
      return;
    }
    if (v.pending || group_pending) {
      // Silently, until the first results of the weight-0 scripts of the
      // instance or of any member of its group (R43).
      v.state = State::kFault;
      return;
    }
    v.state = State::kBackup;
    const Time base = std::max(BackupBase(), loop_end);
    if (v.wantstate == State::kMaster && v.base_priority == 255) {
      // R4.3: BACKUP in name only; the 1 µs timer makes it MASTER at once.
      v.ms_down_timer = 1;
      SetSands(v, base + 1);
      return;
    }
    ILog(v, "Entering BACKUP STATE (init)");
    NotifyInst(v, State::kBackup, Reason::kStartup);
    v.ms_down_timer = Mdi(v);
    SetSands(v, base + v.ms_down_timer);
  }

  void Stop() {
    if (!started || stopped) return;
    FinishDeferredStarts();
    Log(-1, "Stopping");
    for (InstanceRuntime& v : insts) {
      if (v.state != State::kMaster) continue;
      SendAdverts(v, 0);
      if (opt.detailed_logging) ILog(v, "sent 0 priority");
      RemoveVips(v);
    }
    for (InstanceRuntime& v : insts) {
      v.state = State::kStop;
      NotifyInst(v, State::kStop, Reason::kShutdown);
    }
    for (std::size_t g = 0; g < groups.size(); ++g)
      NotifyGroup(static_cast<int>(g), State::kStop, Reason::kShutdown);
    for (InstanceRuntime& v : insts) {
      v.garp_delay_at = v.garp_lower_at = v.garp_refresh_at = kNever;
      Touch(v);
      SetSands(v, kNever);
    }
    for (ScriptRuntime& s : scripts) s.next_run = kNever;
    stopped = true;
  }

  // ------------------------------------------------------------ reload

  // Replaces the configuration and rebuilds the run-time state from it,
  // carrying tracker state over by name from `prev` (the configuration the
  // current `scripts`/`file_values` belong to): script results (rise/fall
  // counters) and track_file values. Instances start fresh (INIT).
  void Rebuild(std::shared_ptr<const Config> fresh, const Config& prev, bool log_scripts = false) {
    std::vector<ScriptRuntime> old_scripts = std::move(scripts);
    std::vector<std::int64_t> old_files = std::move(file_values);
    const std::vector<Time> old_garp_next = garp_next;
    config = std::move(fresh);
    insts.clear();
    groups.clear();
    scripts.clear();
    file_values.clear();
    Build();
    garp_next = old_garp_next;  // the host's interfaces did not change
    for (ScriptRuntime& sr : scripts) {
      for (const ScriptRuntime& o : old_scripts) {
        if (o.cfg->name != sr.cfg->name) continue;
        // keepalived's clear_diff_script(): the status carries over (a script
        // that never reported counts as failed), under the new rise/fall.
        const bool ok = o.counter.reported() && o.counter.ok();
        for (int k = 0;
             k <= sr.cfg->rise + sr.cfg->fall && !(sr.counter.reported() && sr.counter.ok() == ok);
             ++k)
          sr.counter.Apply(ok);
        sr.have_status = o.have_status;
        sr.last_status = o.last_status;
        if (log_scripts)
          Log(-1, "VRRP_Script(", sr.cfg->name, ") considered ", ok ? "successful" : "unsuccessful",
              " on reload");
      }
    }
    for (std::size_t f = 0; f < config->track_files.size(); ++f) {
      for (std::size_t k = 0; k < old_files.size() && k < prev.track_files.size(); ++k)
        if (prev.track_files[k].name == config->track_files[f].name) file_values[f] = old_files[k];
    }
  }

  // keepalived's vrrp_exist() keys an instance on VRID, interface, family
  // and unicast-ness; the model matches by name and requires these to agree.
  static bool SameInstance(const VrrpInstance& a, const VrrpInstance& b) {
    return a.name == b.name && a.vrid == b.vrid && a.interface == b.interface &&
           a.is_unicast() == b.is_unicast();
  }

  static bool SameAddress(const InstalledAddress& a, const InstalledAddress& b) {
    return a.vip->addr == b.vip->addr && a.vip->prefix_len == b.vip->prefix_len && a.dev == b.dev &&
           a.excluded == b.excluded;
  }

  // SIGHUP (docs/experiments.md RL1-RL6; docs/conformance.md, reload).
  void Reload(std::shared_ptr<const Config> fresh) {
    if (stopped) return;
    if (!started) {
      const std::shared_ptr<const Config> prev = config;
      Rebuild(std::move(fresh), *prev);
      return;
    }
    FinishDeferredStarts();
    Log(-1, "Reloading");
    // Match old instances to new ones and re-index the old ones, so that
    // every action names an instance as the caller knows it after the call.
    const int fresh_count = static_cast<int>(fresh->instances.size());
    std::vector<int> map(insts.size(), -1);
    std::vector<int> from(fresh->instances.size(), -1);
    for (std::size_t i = 0; i < insts.size(); ++i) {
      for (int j = 0; j < fresh_count; ++j) {
        if (from[j] >= 0 || !SameInstance(*insts[i].cfg, fresh->instances[j])) continue;
        map[i] = j;
        from[j] = static_cast<int>(i);
        break;
      }
    }
    // RL1: every MASTER advertises once more with its old priority before
    // the configuration is re-read.
    for (std::size_t i = 0; i < insts.size(); ++i) {
      InstanceRuntime& v = insts[i];
      v.index = map[i] >= 0 ? map[i] : fresh_count + static_cast<int>(i);
      if (v.state == State::kMaster) SendAdverts(v, v.effective_priority);
    }

    // Moving keeps the old objects where they are, so the old instances'
    // pointers into the old configuration stay valid until we return.
    const std::shared_ptr<const Config> old_config = config;
    std::vector<InstanceRuntime> old = std::move(insts);
    std::vector<GroupRuntime> old_groups = std::move(groups);
    Rebuild(std::move(fresh), *old_config, true);
    garp_thread_at = kNever;  // queued (paced) GARPs die with the old instances

    // keepalived's clear_diff_vrrp(), old configuration order: first the
    // removed instances, then the kept ones.
    for (std::size_t i = 0; i < old.size(); ++i)
      if (map[i] < 0) RemovedByReload(old[i]);
    for (std::size_t i = 0; i < old.size(); ++i)
      if (map[i] >= 0) Restore(old[i], insts[map[i]]);
    // Sync groups keep their state by name; a group whose members are all
    // MASTER is MASTER (vrrp_complete_init on reload).
    for (GroupRuntime& g : groups) {
      for (const GroupRuntime& og : old_groups) {
        if (og.cfg->name != g.cfg->name) continue;
        g.state = og.state;
        g.notified = og.notified;
      }
      bool all_master = !g.members.empty();
      for (int m : g.members) all_master = all_master && insts[m].state == State::kMaster;
      if (all_master) g.state = State::kMaster;
    }
    // keepalived's vrrp_init_state(), new configuration order.
    for (InstanceRuntime& v : insts) {
      if (from[v.index] >= 0) {
        Resume(v);
      } else {
        InitSource(v);
        v.effective_priority = ComputeEffective(v);
        v.own_fault = ComputeFault(v, nullptr);
        v.pending = ComputePending(v);
        const bool grouped = v.group >= 0;
        if (grouped && v.base_priority != 255) v.wantstate = State::kBackup;
        StartInstance(v, grouped && GroupHasFault(v.group), grouped && GroupPending(v.group),
                      InitLoopEnd());
      }
    }
    // Every script runs again at once (keepalived kills and restarts them).
    for (std::size_t s = 0; s < scripts.size(); ++s) {
      scripts[s].next_run = now;
      RunDueScript(static_cast<int>(s));
    }
    // A kept instance whose fault sources differ under the new
    // configuration reacts as to a tracker change.
    Reevaluate();
  }

  // RL4: an instance the reload removed.
  void RemovedByReload(InstanceRuntime& o) {
    if (o.state == State::kMaster) {
      SendAdverts(o, 0);
      if (opt.detailed_logging) ILog(o, "sent 0 priority");
    }
    DropVips(o);
    // keepalived reports a deleted instance as FAULT (notify_deleted, which
    // says DELETED instead, is not modelled), unless it was FAULT already.
    if (o.state != State::kFault) NotifyInst(o, State::kFault, Reason::kNone, "removed by reload");
  }

  // RL2/RL3, first half (keepalived's restore_vrrp_state): the new instance
  // `v` takes over the state of the old `o`; a kept MASTER's addresses are
  // diffed: removed ones deleted, all (re)set, added ones announced.
  void Restore(InstanceRuntime& o, InstanceRuntime& v) {
    v.state = o.state;
    v.wantstate = o.wantstate;
    v.notified = o.notified;
    v.own_fault = o.own_fault;
    v.pending = o.pending;
    v.have_last_master = o.have_last_master;
    v.last_master = o.last_master;
    v.ip_id = o.ip_id;
    v.ah_seq = o.ah_seq;
    v.ah_rx_seq = o.ah_rx_seq;
    v.old_unicast_checksum = o.old_unicast_checksum;
    InitSource(v);
    const int eff = ComputeEffective(v);
    v.effective_priority = eff;
    if (eff != o.effective_priority)
      out->emplace_back(PriorityChanged{v.index, o.effective_priority, eff});
    if (!o.vipset) return;
    for (const InstalledAddress& a : o.addresses) {
      bool kept = false;
      for (const InstalledAddress& b : v.addresses) kept = kept || SameAddress(a, b);
      if (!kept) out->emplace_back(RemoveVip{v.index, *a.vip, a.dev, a.excluded});
    }
    bool added = false;
    for (bool excluded : {false, true}) {
      if (excluded ? !HasExcluded(v) : v.cfg->vips.empty()) continue;
      if (opt.detailed_logging) ILog(v, excluded ? "setting E-VIPs." : "setting VIPs.");
      for (const InstalledAddress& b : v.addresses) {
        if (b.excluded != excluded) continue;
        bool present = false;
        for (const InstalledAddress& a : o.addresses) present = present || SameAddress(a, b);
        if (present) continue;
        out->emplace_back(AddVip{v.index, *b.vip, b.dev, b.excluded});
        added = true;
      }
    }
    v.vipset = true;
    // keepalived: "a bit over the top", GARPs for all the addresses.
    if (added) GarpBatch(v, v.cfg->garp_master_repeat);
  }

  // RL2/RL3, second half: timers restart from the reload.
  void Resume(InstanceRuntime& v) {
    if (v.state == State::kMaster) {
      SendAdverts(v, v.effective_priority);
      SetSands(v, now + v.adver_int);
      if (v.cfg->garp_master_refresh > 0) v.garp_refresh_at = now + v.cfg->garp_master_refresh;
    } else if (v.state == State::kBackup) {
      if (v.notified == State::kInit && v.wantstate == State::kMaster && v.base_priority == 255) {
        v.ms_down_timer = 1;  // an owner still in its 1 us startup wait (R4.3)
        SetSands(v, BackupBase() + 1);
      } else {
        ArmBackupFull(v);
      }
    }
    // FAULT: stays FAULT without a timer; Reevaluate() decides.
  }

  // `datagram` is the raw packet when the driver gave bytes (OnPacket), empty
  // otherwise; only the AH ICV check needs it.
  // `ifindex`: see Demux.
  // `host_if` >= 0: received on ifs[host_if] (its name is read only when
  // needed: on the advert path, the interface is compared by index); else
  // on the interface named `ifname`.
  void OnDecoded(const DecodedPacket& pkt, int host_if, std::string_view ifname,
                 std::span<const std::uint8_t> datagram = {}) {
    if (!started || stopped || !pkt.ok()) return;
    // IPv6: the kernel verifies the checksum (keepalived sets IPV6_CHECKSUM)
    // and drops a bad one before keepalived sees anything.
    if (!pkt.checksum_ok && pkt.advert.src.is_v6()) return;
    raw = datagram;
    const int ifindex = host_if >= 0 ? if_first[static_cast<std::size_t>(host_if)] : -1;
    const int idx = Demux(pkt.advert, ifindex, ifname);
    if (idx < 0) {
      if (config->global.log_unknown_vrids) {
        const std::string_view name =
            host_if >= 0 ? std::string_view(ifs[static_cast<std::size_t>(host_if)].name) : ifname;
        Log(-1, "Unknown VRID(", Num(pkt.advert.vrid), ") received on interface(", name,
            "). ignoring...");
      }
      return;
    }
    InstanceRuntime& v = insts[idx];
    if (v.state == State::kBackup) {
      BackupRx(v, pkt);
    } else if (v.state == State::kMaster) {
      MasterRx(v, pkt);
    }
    // INIT / FAULT: silently ignored (R1).
  }

  void OnCheckResult(std::string_view name, CheckResult r) {
    if (!started || stopped) return;
    int s = -1;
    for (std::size_t i = 0; i < scripts.size(); ++i)
      if (scripts[i].cfg->name == name) s = static_cast<int>(i);
    if (s < 0) return;
    ScriptRuntime& sr = scripts[s];
    if (sr.outstanding > 0) --sr.outstanding;
    const bool success = r.ok && !r.timed_out;
    if (!r.timed_out) {
      const int status = r.ok ? 0 : r.exit_status;
      if (sr.have_status && status != sr.last_status)
        Log(-1, "Script `", sr.cfg->name, "` now returning ", Num(status));
      sr.have_status = true;
      sr.last_status = status;
    }
    const bool was_reported = sr.counter.reported();
    const bool was_ok = sr.counter.ok();
    if (!sr.counter.Apply(success)) return;
    if (was_reported && was_ok == sr.counter.ok()) return;
    if (sr.counter.ok()) {
      Log(-1, "VRRP_Script(", sr.cfg->name, ") succeeded");
    } else if (r.timed_out) {
      Log(-1, "VRRP_Script(", sr.cfg->name, ") timed_out");
    } else {
      Log(-1, "VRRP_Script(", sr.cfg->name, ") failed (exited with status ", Num(r.exit_status),
          ")");
    }
    Reevaluate();
  }

  void OnLink(std::string_view ifname, bool up) {
    if (!started || stopped) return;
    HostInterface* h = FindIf(ifname);
    if (h == nullptr || h->up == up) return;
    h->up = up;
    Log(-1, "Netlink reports ", ifname, up ? " up" : " down");
    Reevaluate();
  }

  void OnTrackFile(std::string_view name, std::int64_t value) {
    int f = -1;
    for (std::size_t i = 0; i < config->track_files.size(); ++i)
      if (config->track_files[i].name == name) f = static_cast<int>(i);
    if (f < 0) return;
    file_values[f] = value;
    if (!started || stopped) return;
    Reevaluate();
  }
};

// ---------------------------------------------------------------- Daemon

Daemon::Daemon(Config config, HostIdentity host, DaemonOptions options)
    : Daemon(std::make_shared<const Config>(std::move(config)), std::move(host), options) {}
Daemon::Daemon(std::shared_ptr<const Config> config, HostIdentity host, DaemonOptions options)
    : impl_(std::make_unique<Impl>(std::move(config), std::move(host), options)) {}
Daemon::~Daemon() = default;
Daemon::Daemon(Daemon&&) noexcept = default;
Daemon::Daemon(const Daemon& o) : impl_(std::make_unique<Impl>(*o.impl_)) {
  impl_->ClearCallContext();
}
Daemon& Daemon::operator=(const Daemon& o) {
  if (this != &o) *this = Daemon(o);
  return *this;
}
Daemon& Daemon::operator=(Daemon&&) noexcept = default;

void Daemon::Start(Time now, Actions* out) {
  impl_->Call(now, out, [&] { impl_->Start({}); });
}

void Daemon::Start(Time now, std::span<const Duration> instance_offsets, Actions* out) {
  assert(instance_offsets.empty() ||
         instance_offsets.size() == static_cast<std::size_t>(instance_count()));
  if (!instance_offsets.empty() &&
      instance_offsets.size() != static_cast<std::size_t>(instance_count()))
    instance_offsets = {};
  impl_->Call(now, out, [&] { impl_->Start(instance_offsets); });
}

void Daemon::Stop(Time now, Actions* out) {
  impl_->Call(now, out, [&] { impl_->Stop(); });
}

void Daemon::Reload(Time now, Config config, Actions* out) {
  Reload(now, std::make_shared<const Config>(std::move(config)), out);
}

void Daemon::Reload(Time now, std::shared_ptr<const Config> config, Actions* out) {
  impl_->Call(now, out, [&] { impl_->Reload(std::move(config)); });
}

void Daemon::OnPacket(Time now, std::span<const std::uint8_t> datagram, std::string_view ifname,
                      Actions* out) {
  impl_->Call(now, out, [&] { impl_->OnDecoded(DecodeAdvert(datagram), -1, ifname, datagram); });
}

void Daemon::OnDecoded(Time now, const DecodedPacket& packet, std::string_view ifname,
                       Actions* out) {
  impl_->Call(now, out, [&] { impl_->OnDecoded(packet, -1, ifname); });
}

void Daemon::OnDecoded(Time now, const DecodedPacket& packet, int ifindex, Actions* out) {
  // REQUIRES: 0 <= ifindex < the host's interface count.
  impl_->Call(now, out, [&] { impl_->OnDecoded(packet, ifindex, {}); });
}

void Daemon::OnTimer(Time now, Actions* out) {
  impl_->Call(now, out, [&] {
    if (impl_->started && !impl_->stopped) impl_->RunTimers();
  });
}

void Daemon::OnCheckResult(Time now, std::string_view script, CheckResult result, Actions* out) {
  impl_->Call(now, out, [&] { impl_->OnCheckResult(script, result); });
}

void Daemon::OnLink(Time now, std::string_view ifname, bool up, Actions* out) {
  impl_->Call(now, out, [&] { impl_->OnLink(ifname, up); });
}

void Daemon::OnTrackFile(Time now, std::string_view name, std::int64_t value, Actions* out) {
  impl_->Call(now, out, [&] { impl_->OnTrackFile(name, value); });
}

// Every field of the run-time state is either encoded below or named in a
// comment as left out, and these sizes make a new field fail the build until
// it is (x86-64, libstdc++: the only ABI this is built for).
std::uint64_t Daemon::SettledScripts(std::uint64_t candidates, std::uint64_t succeeding) const {
  const Impl& d = *impl_;
  std::uint64_t out = 0;
  for (std::size_t s = 0; s < d.scripts.size() && s < 64; ++s) {
    const std::uint64_t bit = std::uint64_t{1} << s;
    if (!(candidates & bit)) continue;
    const ScriptRuntime& sr = d.scripts[s];
    const bool ok = (succeeding & bit) != 0;
    // At the counter's end for `ok`: another such result changes nothing
    // (ScriptCounter::Apply) but the logged status, which only logs read.
    const int end = ok ? sr.cfg->rise + sr.cfg->fall - 1 : 0;
    if (sr.counter.reported() && sr.counter.ok() == ok && sr.counter.counter() == end &&
        sr.have_status && sr.outstanding == 0)
      out |= bit;
  }
  return out;
}

Time Daemon::NextDeadlineWithout(std::uint64_t settled) const {
  // Settling the tree changes no deadline, only where a stale one is filed.
  if (settled == 0) return impl_->ExactNext();
  impl_->SettleTop();
  const Impl& d = *impl_;
  if (!d.started || d.stopped) return kNever;
  Time t = d.timer_tree.min_time();
  for (std::size_t s = 0; s < d.scripts.size(); ++s)
    if (s >= 64 || !(settled & (std::uint64_t{1} << s))) t = std::min(t, d.scripts[s].next_run);
  return std::min(t, d.garp_thread_at);
}

int Daemon::script_count() const { return static_cast<int>(impl_->scripts.size()); }
const std::string& Daemon::script_name(int s) const {
  return impl_->scripts[static_cast<std::size_t>(s)].cfg->name;
}
Time Daemon::script_deadline(int s) const {
  const Impl& d = *impl_;
  if (!d.started || d.stopped) return kNever;
  return d.scripts[static_cast<std::size_t>(s)].next_run;
}

void Daemon::AppendState(Time now, StateKeyWriter* out, std::uint64_t settled) const {
  // (InstanceRuntime::quick and its copies of configuration fields (version
  // to ipv6, down_timer_adverts, preempt_delay, garp_master_refresh),
  // like cfg, follow from the configuration: not encoded; nor is Impl's
  // vrid_one and vrid_several, nor lazy_tree; nor top_exact and next_exact, which say
  // whether the timer tree's stale leaves have been refiled: the deadlines
  // are the instances', encoded, and NextDeadlineWithout settles first.)
  static_assert(sizeof(InstanceRuntime) == 512 && sizeof(ScriptRuntime) == 48 &&
                    sizeof(GroupRuntime) == 40 && sizeof(Impl) == 368,
                "a run-time field was added: encode it here (or say why not) and in ShiftTime");
  const Impl& d = *impl_;
  auto rel = [&](Time t) { return t == kNever ? INT64_MIN : t - now; };
  // A past instant compared only as `now < t`: every past one is the same.
  auto ahead = [&](Time t) { return t == kNever || t <= now ? 0 : t - now; };
  auto put = [out](std::int64_t v) { out->Put(v); };
  put(d.started);
  put(d.stopped);
  put(ahead(d.start_time + d.config->global.startup_delay));  // read only as `now < delay_end`
  put(rel(NextDeadlineWithout(settled)));
  put(rel(d.garp_thread_at));
  for (Time t : d.garp_next) put(ahead(t));  // read only as `now < garp_next`
  for (const HostInterface& i : d.ifs) put(i.up);
  for (std::int64_t v : d.file_values) put(v);
  for (std::size_t s = 0; s < d.scripts.size(); ++s) {  // cfg: configuration
    const ScriptRuntime& sr = d.scripts[s];
    if (s < 64 && (settled & (std::uint64_t{1} << s))) {
      put(-7);  // settled: its results change nothing, whenever it runs
      put(sr.counter.ok());
      continue;
    }
    put(sr.counter.counter());
    put(sr.counter.reported());
    put(sr.counter.ok());
    put(rel(sr.next_run));
    put(sr.outstanding);
    put(sr.have_status);
    put(sr.last_status);
  }
  for (const GroupRuntime& g : d.groups) {  // cfg, members: configuration
    put(static_cast<int>(g.state));
    put(static_cast<int>(g.notified));
  }
  // Left out of an instance: cfg, index, group, rx_if, track_ifs, scripts, files,
  // the addresses' vip/dev/excluded/tracked and the advert template (set by
  // construction and Reload only), ip_id (never read back).
  for (const InstanceRuntime& v : d.insts) {
    put(static_cast<int>(v.state));
    put(static_cast<int>(v.wantstate));
    put(static_cast<int>(v.notified));
    put(v.base_priority);
    put(v.effective_priority);
    put(v.adver_int);
    put(v.master_adver_int);
    put(v.ms_down_timer);
    put(rel(v.sands));
    put(v.preempt_running);
    put(v.preempt_running ? ahead(v.preempt_time) : 0);  // read only as `now < preempt_time`
    put(v.vipset);
    put(v.own_fault);
    put(v.pending);
    put(rel(v.garp_delay_at));
    put(rel(v.garp_lower_at));
    put(rel(v.garp_refresh_at));
    put(v.garp_pending);
    put(v.shortened_by_prio0);
    put(v.have_last_master);
    for (const IpAddress* x : {&v.last_master, &v.src})
      for (int w = 0; w < (x->is_v4() ? 1 : 4); ++w) put(x->word(w));
    put(v.src_ok);
    for (const InstalledAddress& a : v.addresses) put(a.garp_pending);
    put(v.ah_seq);
    put(v.ah_rx_seq);
    put(v.old_unicast_checksum);
  }
}

void Daemon::ShiftTime(Duration d) {
  Impl& m = *impl_;
  auto shift = [d](Time& t) {
    if (t != kNever) t += d;
  };
  shift(m.start_time);
  shift(m.garp_thread_at);
  for (Time& t : m.garp_next) shift(t);
  for (ScriptRuntime& sr : m.scripts) shift(sr.next_run);
  for (InstanceRuntime& v : m.insts) {
    shift(v.sands);
    shift(v.preempt_time);
    shift(v.garp_delay_at);
    shift(v.garp_lower_at);
    shift(v.garp_refresh_at);
    m.Touch(v);  // every leaf filed exactly
  }
  m.top_exact = true;
  m.RecomputeNext();
}

Time Daemon::NextDeadline() const { return impl_->ExactNext(); }
Time Daemon::NextDeadlineBound(bool* exact) const {
  *exact = impl_->next_exact;
  return impl_->next_deadline;
}

const Config& Daemon::config() const { return *impl_->config; }
int Daemon::instance_count() const { return static_cast<int>(impl_->insts.size()); }
int Daemon::FindInstance(std::string_view name) const { return impl_->FindInst(name); }
State Daemon::state(int instance) const { return impl_->Inst(instance).state; }
int Daemon::effective_priority(int instance) const {
  return impl_->Inst(instance).effective_priority;
}
bool Daemon::vips_installed(int instance) const { return impl_->Inst(instance).vipset; }
Time Daemon::instance_deadline(int instance) const { return impl_->Inst(instance).sands; }
Duration Daemon::master_adver_int(int instance) const {
  return impl_->Inst(instance).master_adver_int;
}

}  // namespace vrrp
