// The simulated world: hosts running modelled keepalived daemons (the engine)
// on a virtual network, driven by one event queue and a virtual clock.
//
// Time is integer microseconds, keepalived's own resolution, so the engine's
// timer arithmetic is reproduced exactly. Simultaneous events run in lane
// order (operations, then packet deliveries, then timers; see
// sim/core/scheduler.h) and, within a lane, in scheduling order. Together
// with per-source random streams this makes a run a pure function of
// (scenario, seed).
//
//   Simulation sim(seed);
//   int n1 = sim.AddHost(spec1);  ...
//   sim.Schedule(Operation::Start(n1), Seconds(0));
//   sim.RunUntil(Seconds(60));
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/config/model.h"
#include "engine/daemon.h"
#include "sim/core/deadline_heap.h"
#include "sim/core/scheduler.h"
#include "sim/net/network.h"
#include "sim/net/topology.h"
#include "sim/world/timing_profile.h"
#include "sim/world/trace_event.h"

namespace vsim {

struct HostInterfaceSpec {
  std::string name = "eth0";
  vrrp::Ipv4 address;
  // IPv6: the link-local address (the source of an IPv6 instance's adverts);
  // zero: fe80::<host id + 1> on a host's first interface and
  // fe80::<k>:<host id + 1> on its k-th after that, unique network-wide.
  vrrp::IpAddress link_local6;
  // IPv6 global (or unique local) addresses, reachable by unicast.
  std::vector<vrrp::IpAddress> addresses6;
  std::string segment = "lan";  // created on first use
  LinkDirection up;             // host -> segment
  LinkDirection down;           // segment -> host
};

struct HostSpec {
  std::string name;
  vrrp::Config config;
  std::vector<HostInterfaceSpec> interfaces;
  // How long a modelled vrrp_script run takes before its result is known.
  Duration script_runtime = 0;
  // How late the daemon acts on an expired timer: a uniform extra delay in
  // [0, wakeup_jitter] per deadline, from the host's own random stream
  // ("wakeup:<name>"). Real keepalived wakes up from epoll some tens of
  // microseconds late and re-arms relative to that moment (a MASTER's next
  // advert is `now + advert_int`), so two timers of the same period drift
  // against each other. With 0 (the default) every timer fires on the
  // microsecond, and two masters whose adverts re-arm each other (R10) stay
  // phase-locked forever, which no real pair does (docs/conformance.md,
  // edges/vrid-collision).
  Duration wakeup_jitter = 0;
  // How late the real daemon does things (sim/world/timing_profile.h): its
  // start-up, script runs and timers, drawn from the same stream. Null: the
  // rules' exact times (`ideal`). Its timer delays replace wakeup_jitter.
  std::shared_ptr<const TimingProfile> timing;
  // vrrp_scripts (by name) that the host's /bin/sh cannot run as written: they
  // fail every time, whatever the timeline says (engine/config/script_advice.h).
  std::vector<std::string> failing_scripts;
};

// A client on a segment: it sends traffic to the VIPs and keeps an ARP cache
// that gratuitous ARPs update. It shows what users of the VIP see: which host
// their packets reach, and when the VIP is unreachable for them.
//
// Model (deliberately simple, documented in docs/architecture.md):
//   * a GARP for a VIP from a host the client can hear replaces the cache entry
//     at once (GARP latency, loss and jitter are not modelled);
//   * with no entry, the client resolves at once to a reachable holder;
//   * when the cached host stops holding the VIP or becomes unreachable, the
//     client's traffic is lost until it re-resolves `arp_recovery` later
//     (Linux: ~5 s delay_first_probe + 3 unicast probes at 1 s), then it
//     picks a reachable holder (the lowest host id if several answer).
struct ClientSpec {
  std::string name;
  vrrp::Ipv4 address;
  vrrp::IpAddress link_local6;  // zero: the default (HostInterfaceSpec)
  vrrp::IpAddress address6;     // zero: none
  std::string segment = "lan";
  LinkDirection up, down;
  Duration arp_recovery = 8 * vrrp::kSecond;
};

enum class CheckMode : std::uint8_t { kSucceed, kFail, kTimeout };

enum class OpKind : std::uint8_t {
  kStart,     // start keepalived (no-op if running)
  kStop,      // SIGTERM: graceful (R45)
  kCrash,     // SIGKILL: nothing sent, VIPs stay (R46)
  kRestart,   // stop, then start once the old daemon exited (kRestartExitDelay)
  kPowerOff,  // host off: daemon gone, VIPs gone, links down
  kPowerOn,   // host on: links up, keepalived starts
  kPause,     // freeze the daemon for `duration` (VM snapshot, #166)
  kReload,    // SIGHUP with `config`: the daemon keeps its state (Daemon::Reload)
  kSetCheck,  // from now on, runs of script `name` on `host` end as `check`
  kLinkDown,  // interface `name` of `host` down (carrier lost)
  kLinkUp,
  kPartition,  // symmetric partition between `groups`
  kHeal,       // remove every partition and one-way filter
  kBlock,      // one-way: `host`'s frames do not reach `peer`
  kUnblock,
  kLinkParams,  // new latency/jitter/loss for `host`'s interface `name`
  kTrackFile,   // track_file `name` on `host` now holds `value`
};
const char* OpKindName(OpKind k);

// One instance's start in its daemon's start loop, `offset` after the
// daemon's start: keepalived starts a daemon's instances one after another
// (Daemon::Start with offsets). Conformance alignment takes them from the
// real instances' first states.
struct InstanceStartOffset {
  std::string instance;
  Duration offset = 0;
  bool operator==(const InstanceStartOffset&) const = default;
};

struct Operation {
  OpKind kind = OpKind::kStart;
  std::string label;  // the scenario's id for it, for "after: label + 5s"
  int host = -1;
  int peer = -1;
  std::string name;  // script, interface or track file
  CheckMode check = CheckMode::kSucceed;
  Duration duration = 0;
  std::int64_t value = 0;
  std::vector<std::vector<int>> groups;
  LinkDirection up, down;
  // kReload: the new configuration (null: re-read the current one). If the
  // daemon is not running it is only stored, for the next start.
  std::shared_ptr<const vrrp::Config> config;
  // kStart, kRestart, kPowerOn: the instances' start offsets (none: all
  // at once, or as the host's timing profile draws them).
  std::vector<InstanceStartOffset> instance_starts;
  std::string Describe(const class Simulation& sim) const;
};

// A restart's new keepalived starts this long after the SIGTERM of the old
// one: keepalived exits about a second after SIGTERM (R45).
inline constexpr Duration kRestartExitDelay = vrrp::kSecond;

struct SimulationOptions {
  bool record_packets = false;    // emit kAdvertSent/Received/PacketDropped events
  bool emit_logs = false;         // keepalived log lines (kLog)
  bool detailed_logging = false;  // keepalived -D semantics (R12)
};

class Simulation {
 public:
  explicit Simulation(std::uint64_t seed, SimulationOptions options = {});
  ~Simulation();
  // A copy is a snapshot of the whole world (daemons, pending events,
  // network filters, random streams) that runs on as the original would.
  // It has no sinks and no after-operation hook: its owner attaches its
  // own. REQUIRES: `o` is between calls (not inside RunUntil).
  Simulation(const Simulation& o);
  Simulation& operator=(const Simulation&) = delete;

  // Makes the run one seeded with `seed` from now on, as if it had been
  // from the start. Returns false (and changes nothing) if some random
  // stream has already been drawn from (wake-up or link jitter, loss): then
  // the run so far depends on its seed.
  bool Reseed(std::uint64_t seed);
  // Whether some random stream has been drawn from.
  bool random_drawn() const;
  // Appends to `key` (cleared first) a canonical encoding of the whole
  // world but its pending inputs (operation-lane events) relative to now(),
  // for steady-state detection: when nothing but those inputs could make
  // two equal keys diverge (no host paused, no random draws ahead: no
  // wake-up jitter, no loss or jitter on any link), returns true, and two
  // equal keys taken at t1 < t2 with no input in between mean that, until
  // the next input, the run from t2 on repeats the run from t1 on, shifted
  // by t2 - t1. Returns false otherwise. Leaves out
  // what only operations change (configurations, topology, filters, check
  // modes), caches, and counters nothing reads back (Daemon::AppendState).
  bool SteadyStateKey(vrrp::StateKey* key) const;
  // The whole state of the world for exhaustive exploration: two runs with
  // equal keys at the same instant behave the same under any inputs to
  // come. SteadyStateKey's contents plus what operations set (the pending
  // operation-lane events, every link's state and parameters, the network's
  // filters, check modes, power, pauses, the configuration each host runs).
  // False (key empty) where random draws lie ahead (see SteadyStateKey) or
  // a host is paused.
  //
  // `may_change(host, script)`: whether inputs to come may still change that
  // script's check mode (nullptr: any may). The others, once settled
  // (Daemon::SettledScripts) for the results their mode gives, leave their
  // timing out of the key: their runs change nothing, so runs that differ
  // only in when those scripts run behave the same.
  using ScriptFilter = std::function<bool(int host, std::string_view script)>;
  bool SearchStateKey(vrrp::StateKey* key, const ScriptFilter* may_change = nullptr) const;
  // A cheap hash of part of that key (the pending events' relative times
  // and kinds, each instance's state and priority) for finding candidates:
  // equal keys have equal hashes, not the reverse. 0 when SteadyStateKey
  // would return false.
  std::uint64_t SteadyStateHash() const;
  // Moves the whole world but its pending operation-lane events (the
  // scenario's inputs, at fixed instants) `d` forward in time, as if it had
  // been running `d` longer: after equal SteadyStateKeys one period apart,
  // the world `d` = whole periods later is exactly this one shifted. The
  // caller accounts for the events of the skipped periods. Returns false
  // (nothing changed) if the event queue cannot shift in place (more than
  // a few dozen pending events) or an input would come before the new now.
  // REQUIRES: SteadyStateKey returned true just now; d >= 0.
  bool ShiftTime(Duration d);
  // The earliest pending operation-lane event; kNever if none.
  Time NextPendingOperation() const;
  // Calls f(const Event&) for every pending event (see Scheduler).
  template <typename F>
  void ForEachPendingEvent(F&& f) const {
    scheduler_.ForEachPending(f);
  }

  // REQUIRES: called before the first Run*; names unique.
  int AddHost(HostSpec spec);
  // A client is a host without keepalived (it can be partitioned, blocked,
  // powered off like any host). REQUIRES: before the first Run*.
  int AddClient(ClientSpec spec);
  Topology& topology() { return topology_; }
  Network& network() { return network_; }

  void AddSink(TraceSink* sink) { sinks_.push_back(sink); }

  // `late`: a node's implicit start (Lane::kLateOperation), after the
  // timeline's operations at the same instant. REQUIRES: at >= now().
  void Schedule(Operation op, Time at, bool late = false);

  // Processes every event with time <= until; the clock ends at `until`.
  void RunUntil(Time until);
  Time now() const { return now_; }
  std::uint64_t seed() const { return seed_; }
  std::uint64_t events_processed() const { return events_processed_; }
  // Operation-lane events processed so far (scenario operations, restarts'
  // starts, pauses' ends), whether or not they changed anything.
  std::uint64_t inputs_processed() const { return inputs_processed_; }
  // Trace events emitted so far, with or without sinks to take them
  // (RunSkippingRepeats: a period that emitted none may repeat).
  std::uint64_t trace_events_emitted() const { return trace_events_emitted_; }

  // Introspection.
  int host_count() const { return static_cast<int>(hosts_.size()); }
  int FindHost(const std::string& name) const;
  const std::string& host_name(int host) const;
  const vrrp::Config& host_config(int host) const;
  bool daemon_running(int host) const;
  vrrp::State state(int host, int instance) const;  // kStop if not running
  int priority(int host, int instance) const;
  // Addresses configured on the host beyond its primaries (VIPs, also those
  // left behind by a crash).
  std::vector<vrrp::IpAddress> host_vips(int host) const;
  // Host whose copy of `vip` a client's traffic reaches now; -1 if nobody.
  int client_reaches(int client_host, const vrrp::IpAddress& vip) const;
  // Whether a frame `from_host` sends can reach `to_host` now: both powered,
  // a path of up links, no partition or one-way block between them (loss
  // and latency do not matter).
  bool Hears(int from_host, int to_host) const;
  // Hears, and not through a 100 % loss on the sender's way up or the
  // receiver's way down (a loss burst that silences a host).
  bool HearsAtAll(int from_host, int to_host) const;
  // Whether the host's keepalived is frozen by a `pause` now.
  bool paused(int host) const;

  // Called after every scenario operation has taken effect, and when a
  // pause ends (connectivity observers: a kOperation trace event is emitted
  // before the operation acts). REQUIRES: set before the first Run*.
  void SetAfterOperation(std::function<void(Time)> f) { after_operation_ = std::move(f); }

 private:
  struct Host;
  struct InFlight;
  static constexpr std::uint32_t kNoFrame = UINT32_MAX;

  void Dispatch(const Event& e);
  void ApplyOperation(Time now, const Operation& op);
  void Deliver(Time now, int host, int iface, std::uint32_t packet);
  // Delivers one frame to every receiver of batches_[batch], in order.
  void DeliverBatch(Time now, std::uint32_t batch);
  void HostTimer(Time now, int host);
  void ScriptResult(Time now, int host, std::uint64_t data);
  void PauseEnd(Time now, int host);
  void ClientRearp(Time now, int host, std::uint64_t key);
  // A client re-ARP event's data for `vip`: the IPv4 address, or 2^32 + an
  // index in rearp_v6_.
  std::uint64_t RearpKey(const vrrp::IpAddress& vip);
  // Called after everything that may move a VIP or change who hears whom
  // (several times per event): the test inline, the work out of line.
  void UpdateClients(Time now) {
    if (has_clients_) UpdateClientsSlow(now);
  }
  void UpdateClientsSlow(Time now);

  void StartDaemon(Time now, int host);
  void CrashDaemon(Time now, int host);
  // `reload`: actions of Daemon::Reload (indices past the new instances name
  // removed ones, see Host::reloaded_from).
  void ProcessActions(Time now, int host, bool reload = false);
  // Installs `config` as the host's configuration (interfaces per instance,
  // the VIPs clients may ask for).
  void SetHostConfig(int host, std::shared_ptr<const vrrp::Config> config);
  void RearmHostTimer(int host);
  // The time host `host`'s timer fires at, from its daemon's exact deadline.
  vrrp::Time ExactHostTimer(int host) const;
  // Every host timer filed under a bound gets its exact time.
  void SettleHostTimers() const;
  // Timing profiles (issue 21): the start op's start, delayed by the host's
  // start-up time; a deadline's wake-up delay.
  void RequestStart(Time now, int host, const std::vector<InstanceStartOffset>& instance_starts);
  Duration ProfileWakeup(Host& h, Time deadline);
  // Drops one reference to in-flight frame `slot` (a delivery done or
  // abandoned, or an advert memo moving on); frees it at the last.
  void ReleaseFrame(std::uint32_t slot);
  void Emit(TraceEvent e);
  void RemoveAllVips(Time now, int host, const char* why);
  // No paused host and no random draws ahead (see SteadyStateKey).
  bool SteadyStateKeyable() const;
  // SteadyStateKey's encoding; `inputs`: SearchStateKey's as well.
  void AppendWorldKey(bool inputs, vrrp::StateKey* key,
                      const ScriptFilter* may_change = nullptr) const;
  // Whether a run of the host's script would succeed with the check modes
  // as they are.
  bool ScriptSucceeds(const Host& h, const std::string& name) const;

  std::uint64_t seed_;
  SimulationOptions options_;
  Scheduler scheduler_;
  // Each host's daemon timer (Lane::kTimer order: after deliveries, before
  // observers, simultaneous ones by host), outside the scheduler: see
  // sim/core/deadline_heap.h.
  // Mutable: the keys (const) first replace the bounds some timers are
  // filed under by the exact deadlines (SettleHostTimers); nothing a key or
  // a run shows changes.
  mutable DeadlineHeap timers_;
  Topology topology_;
  Network network_;
  std::vector<std::unique_ptr<Host>> hosts_;
  std::vector<Operation> operations_;  // indexed by event data
  std::vector<InFlight> in_flight_;
  std::vector<std::uint32_t> free_in_flight_;
  // Receivers that get one frame at the same instant (a multicast advert on
  // a segment), queued as one event: see ProcessActions.
  struct Batch {
    std::uint32_t slot = 0;   // in_flight_ index; each receiver holds a reference
    std::vector<int> ifaces;  // receiving interfaces, in delivery order
  };
  std::vector<Batch> batches_;
  std::vector<std::uint32_t> free_batches_;
  std::vector<TraceSink*> sinks_;
  std::function<void(Time)> after_operation_;
  std::vector<vrrp::IpAddress> all_vips_;  // every VIP of every host config, sorted
  std::vector<vrrp::IpAddress> rearp_v6_;  // IPv6 VIPs named by re-ARP events (RearpKey)
  bool has_clients_ = false;
  vrrp::Actions actions_;                   // reused buffer
  std::vector<std::uint8_t> packet_bytes_;  // reused: each advert's encoding
  std::vector<Delivery> deliveries_;
  std::vector<Drop> drops_;
  Time now_ = 0;
  // The last profiled start request (RequestStart): its instant and when
  // that daemon starts; a start in the same instant queues behind it
  // (TimingProfile::startup_gap).
  Time start_group_at_ = vrrp::kNever;
  Time start_group_done_ = vrrp::kNever;
  std::uint64_t events_processed_ = 0;
  std::uint64_t inputs_processed_ = 0;
  std::uint64_t trace_events_emitted_ = 0;
};

}  // namespace vsim
