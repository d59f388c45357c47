#include "sim/world/simulation.h"

#include <algorithm>
#include <cassert>
#include <cstring>
#include <map>
#include <unordered_map>

#include "engine/packet/vrrp_packet.h"
#include "engine/packet/vrrp_packet6.h"
#include "sim/core/time_text.h"

namespace vsim {

namespace {

enum EventKind : std::uint32_t {
  kEvOperation = 1,
  kEvDeliver = 2,
  kEvHostTimer = 3,
  kEvScriptResult = 4,
  kEvPauseEnd = 5,
  kEvClientRearp = 6,
  kEvRestartStart = 7,
  kEvDeliverBatch = 8,  // data: Simulation::batches_ index; keyed as its kEvDeliver events
};

constexpr std::uint8_t kUnknownCheck = 0xff;  // Host::check_by_script: not looked up yet
constexpr Duration kProfileWakeup = -1;       // Host::wakeup_jitter: the timing profile's delays

struct Vip {
  vrrp::IpAddress addr;
  std::string dev;
  int vrid = 0;
  bool live = true;  // false: removed, waiting for VipTable's compaction
};

// The addresses configured on a host, in the order they were added (the
// order removals are reported in). Membership is a hash lookup and a removal
// leaves a tombstone, so adding or removing one of 100,000 VIPs costs O(1),
// not a scan of them all (issue 14). The hash map is only looked up, never
// iterated: nothing about the output depends on its order.
// A hash of an address for lookup tables that are never iterated.
struct IpHash {
  std::size_t operator()(const vrrp::IpAddress& a) const {
    std::uint64_t h = a.word(0);
    if (a.is_v6())
      h = (h * 0x9e3779b97f4a7c15ull) ^ (std::uint64_t{a.word(1)} << 32 | a.word(2)) ^
          (std::uint64_t{a.word(3)} * 0xff51afd7ed558ccdull);
    return static_cast<std::size_t>(h);
  }
};

class VipTable {
 public:
  bool contains(const vrrp::IpAddress& addr) const { return where_.count(addr) != 0; }
  bool empty() const { return where_.empty(); }
  // False if `v.addr` is configured already.
  bool add(Vip v) {
    if (!where_.emplace(v.addr, items_.size()).second) return false;
    items_.push_back(std::move(v));
    return true;
  }
  // False if `addr` was not configured.
  bool remove(const vrrp::IpAddress& addr) {
    const auto it = where_.find(addr);
    if (it == where_.end()) return false;
    items_[it->second].live = false;
    where_.erase(it);
    if (items_.size() > 32 && items_.size() > 2 * where_.size()) Compact();
    return true;
  }
  void clear() {
    items_.clear();
    where_.clear();
  }
  // Calls f(vip) for every configured address, in the order they were added.
  template <typename F>
  void for_each(F&& f) const {
    for (const Vip& v : items_)
      if (v.live) f(v);
  }

 private:
  void Compact() {
    std::vector<Vip> kept;
    kept.reserve(where_.size());
    for (Vip& v : items_)
      if (v.live) {
        where_[v.addr] = kept.size();
        kept.push_back(std::move(v));
      }
    items_.swap(kept);
  }
  std::vector<Vip> items_;
  std::unordered_map<vrrp::IpAddress, std::size_t, IpHash> where_;  // live address -> index
};

// A trace event about `host` at `t`; the caller fills in the kind's fields.
TraceEvent At(Time t, TraceKind kind, int host) {
  TraceEvent e;
  e.t = t;
  e.kind = kind;
  e.host = host;
  return e;
}

}  // namespace

const char* TraceKindName(TraceKind k) {
  switch (k) {
    case TraceKind::kOperation:
      return "operation";
    case TraceKind::kTransition:
      return "transition";
    case TraceKind::kGroupTransition:
      return "group-transition";
    case TraceKind::kPriority:
      return "priority";
    case TraceKind::kVipAdded:
      return "vip-added";
    case TraceKind::kVipRemoved:
      return "vip-removed";
    case TraceKind::kGarp:
      return "garp";
    case TraceKind::kAdvertSent:
      return "advert-sent";
    case TraceKind::kAdvertReceived:
      return "advert-received";
    case TraceKind::kPacketDropped:
      return "packet-dropped";
    case TraceKind::kScriptRun:
      return "script-run";
    case TraceKind::kScriptResult:
      return "script-result";
    case TraceKind::kLog:
      return "log";
    case TraceKind::kClientView:
      return "client-view";
  }
  return "?";
}

const char* OpKindName(OpKind k) {
  switch (k) {
    case OpKind::kStart:
      return "start";
    case OpKind::kStop:
      return "stop";
    case OpKind::kCrash:
      return "crash";
    case OpKind::kRestart:
      return "restart";
    case OpKind::kPowerOff:
      return "power-off";
    case OpKind::kPowerOn:
      return "power-on";
    case OpKind::kPause:
      return "pause";
    case OpKind::kReload:
      return "reload";
    case OpKind::kSetCheck:
      return "check";
    case OpKind::kLinkDown:
      return "link-down";
    case OpKind::kLinkUp:
      return "link-up";
    case OpKind::kPartition:
      return "partition";
    case OpKind::kHeal:
      return "heal";
    case OpKind::kBlock:
      return "block";
    case OpKind::kUnblock:
      return "unblock";
    case OpKind::kLinkParams:
      return "link-params";
    case OpKind::kTrackFile:
      return "track-file";
  }
  return "?";
}

struct Simulation::Host {
  // First: what every delivery and re-arm reads (one cache line).
  std::optional<vrrp::Daemon> daemon;
  bool powered = true;
  bool paused = false;
  bool timing_drawn = false;  // the timing profile drew from wakeup_rng (random_drawn)
  int first_iface = -1;       // ifaces.front(): a delivery's interface position
  // spec.wakeup_jitter, next to the timer (read on every re-arm); -1: the
  // timing profile's delays (kProfileWakeup).
  Duration wakeup_jitter = 0;

  std::string name;
  // Shared with the host's snapshots: nothing changes them after AddHost.
  // (spec->config is empty: the configuration is `config`.)
  std::shared_ptr<const HostSpec> spec;
  std::shared_ptr<const vrrp::Config> config;  // replaced by a reload
  std::vector<int> ifaces;                     // topology interface ids, spec order
  std::vector<int> instance_iface;             // per config instance: topology iface, -1 if none
  // The configuration before the last reload and its instance_iface: the
  // reload's actions name the instances it removed past the new ones.
  std::shared_ptr<const vrrp::Config> reloaded_from;
  std::vector<int> reloaded_iface;
  std::vector<std::pair<int, std::uint32_t>> paused_rx;  // (iface, in-flight slot)
  std::map<std::string, CheckMode> checks;               // ordered: deterministic
  // checks' answer per script index of the current configuration (a run
  // names its script by index and name), filled on first use; cleared when
  // `checks` or the configuration changes. kUnknownCheck = not looked up.
  std::vector<std::uint8_t> check_by_script;
  VipTable vips;
  std::uint32_t generation = 0;  // bumped on every daemon start; stale script results die
  EventHandle restart;           // the start a restart makes once the old daemon exited
  // The instances' start offsets for the next start (Operation::instance_starts).
  std::vector<InstanceStartOffset> instance_starts;
  Time start_loop_end = 0;  // the last deferred instance start of the running daemon
  // wakeup_jitter > 0: the draw for the deadline `jitter_for` (kept while the
  // daemon's next deadline stays the same).
  Rng wakeup_rng;
  Time jitter_for = kNever;
  Duration jitter = 0;
  // Per instance index: the last advert it sent and the in-flight frame
  // that holds what decoding its bytes gave (the memo keeps one reference).
  // An advert equal to it but for the IP ID (a steady MASTER's every advert)
  // decodes to the same packet but for that ID (the ID is in no other
  // decoded field and the encoder's header checksum is always right), and
  // no receiver reads a received IP ID: it is sent as the same frame,
  // without the codec and without copying the decoded packet.
  // It also keeps where the advert goes, resolved once per template (the
  // family decided there, at the edge): hosts' addresses never change.
  struct AdvertMemo {
    vrrp::VrrpAdvert sent;
    std::uint32_t slot = kNoFrame;  // in_flight_ index, kNoFrame = none
    int dst = -1;                   // Network::Resolve of its destination
  };
  std::vector<AdvertMemo> advert_memo;

  // Clients only.
  bool is_client = false;
  ClientSpec client;
  struct ArpEntry {
    int host = -1;     // cached owner of the address, -1 = none
    int reached = -1;  // host the client's traffic reaches now (last reported)
    EventHandle rearp;
  };
  std::map<vrrp::IpAddress, ArpEntry> arp;  // by VIP (IPv4: ARP; IPv6: neighbour cache)
};

struct Simulation::InFlight {
  vrrp::DecodedPacket packet;
  int src_host = -1;
  int refs = 0;
};

std::string Operation::Describe(const Simulation& sim) const {
  std::string out = OpKindName(kind);
  auto host_name = [&](int h) { return h >= 0 ? sim.host_name(h) : std::string("?"); };
  switch (kind) {
    case OpKind::kPartition: {
      out += ' ';
      for (std::size_t g = 0; g < groups.size(); ++g) {
        if (g) out += " | ";
        out += '{';
        for (std::size_t i = 0; i < groups[g].size(); ++i) {
          if (i) out += ',';
          out += host_name(groups[g][i]);
        }
        out += '}';
      }
      return out;
    }
    case OpKind::kHeal:
      return out;
    case OpKind::kBlock:
    case OpKind::kUnblock:
      return out + ' ' + host_name(host) + " -> " + host_name(peer);
    case OpKind::kSetCheck:
      return out + ' ' + host_name(host) + ' ' + name + ' ' +
             (check == CheckMode::kSucceed ? "succeed"
              : check == CheckMode::kFail  ? "fail"
                                           : "timeout");
    case OpKind::kLinkDown:
    case OpKind::kLinkUp:
    case OpKind::kLinkParams:
      return out + ' ' + host_name(host) + ' ' + name;
    case OpKind::kPause:
      return out + ' ' + host_name(host) + " for " + FormatTime(duration);
    case OpKind::kTrackFile:
      return out + ' ' + host_name(host) + ' ' + name + '=' + std::to_string(value);
    default:
      return out + ' ' + host_name(host);
  }
}

Simulation::Simulation(std::uint64_t seed, SimulationOptions options)
    : seed_(seed), options_(options), network_(&topology_, seed) {}

Simulation::~Simulation() = default;

Simulation::Simulation(const Simulation& o)
    : seed_(o.seed_),
      options_(o.options_),
      scheduler_(o.scheduler_),
      timers_(o.timers_),
      topology_(o.topology_),
      network_(o.network_, &topology_),
      operations_(o.operations_),
      in_flight_(o.in_flight_),
      free_in_flight_(o.free_in_flight_),
      batches_(o.batches_),
      free_batches_(o.free_batches_),
      all_vips_(o.all_vips_),
      rearp_v6_(o.rearp_v6_),
      has_clients_(o.has_clients_),
      now_(o.now_),
      events_processed_(o.events_processed_),
      inputs_processed_(o.inputs_processed_),
      trace_events_emitted_(o.trace_events_emitted_) {
  hosts_.reserve(o.hosts_.size());
  for (const auto& h : o.hosts_) hosts_.push_back(std::make_unique<Host>(*h));
}

bool Simulation::ShiftTime(Duration d) {
  if (!scheduler_.ShiftTimes(d, Lane::kLateOperation)) return false;
  timers_.Shift(d);
  for (auto& h : hosts_)
    if (h->daemon) h->daemon->ShiftTime(d);
  now_ += d;
  return true;
}

Time Simulation::NextPendingOperation() const {
  Time next = kNever;
  scheduler_.ForEachPending([&](const Event& e) {
    if (IsOperationLane(e.lane) && e.at < next) next = e.at;
  });
  return next;
}

bool Simulation::SteadyStateKeyable() const {
  // Every field of the world is either in SteadyStateKey or left out for a
  // reason given there; these sizes make a new field fail the build until
  // it is (x86-64, libstdc++).
  // (HostSpec::failing_scripts, like the rest of the spec, is constant input:
  // the same in every period, so it needs no key.)
  // (672 since issue 18: ClientSpec's IPv6 addresses, constant input.)
  // (704 with instance_starts, keyed with the inputs, and start_loop_end,
  // read only to skip a wake-up draw for a deferred instance start, which
  // the daemon's key holds.)
  static_assert(sizeof(Host) == 704, "a host field was added: key it or say why not");
  // (1104 since issue 17: the topology's name and address indexes, the
  // network's sparse filters, keyed through Network::blocked; 1176 with the
  // host timers out of the scheduler, keyed as pending events.)
  // (1224: batched deliveries, keyed as the deliveries they stand for;
  // 1248: the network's fan-out cache, derived from the topology; 1256:
  // the count of trace events emitted, a statistic nothing acts on; 1272:
  // the timing profile's start-up queue, only used with a profile, which
  // makes a world unkeyable below; 1384, issue 18: the topology's IPv6
  // addresses, constant input like its IPv4 index, and rearp_v6_, the
  // names of IPv6 VIPs in re-ARP events: append-only, the same VIP always
  // gets the same name, and the arp entries key the VIPs themselves;
  // 1416: the host timers' bound flags and their count, which every key
  // settles first.)
  static_assert(sizeof(Simulation) == 1416, "a field was added: key it or say why not");
  for (const auto& h : hosts_)
    if (h->wakeup_jitter != 0 || h->spec->timing || (h->daemon && h->paused)) return false;
  return !topology_.has_random_directions();
}

std::uint64_t Simulation::SteadyStateHash() const {
  if (!SteadyStateKeyable()) return 0;
  SettleHostTimers();
  std::uint64_t h = 0xcbf29ce484222325ull;
  auto mix = [&](std::uint64_t v) { h = (h ^ v) * 0x100000001b3ull; };
  // Pending events in any order: an order-free sum of their own hashes.
  std::uint64_t events = 0;
  auto add = [&](Time at, Lane lane, std::uint32_t kind, std::uint32_t target) {
    std::uint64_t x = static_cast<std::uint64_t>(at - now_) * 0x9e3779b97f4a7c15ull;
    x ^= (static_cast<std::uint64_t>(lane) << 56) ^ (std::uint64_t{kind} << 40) ^ target;
    events += x * 0xbf58476d1ce4e5b9ull + (x >> 29);
  };
  scheduler_.ForEachPending([&](const Event& e) {
    if (IsOperationLane(e.lane)) return;
    if (e.payload.kind == kEvDeliverBatch) {  // as the deliveries it stands for
      for (int iface : batches_[e.payload.data].ifaces)
        add(e.at, e.lane, kEvDeliver, static_cast<std::uint32_t>(topology_.iface_host(iface)));
      return;
    }
    add(e.at, e.lane, e.payload.kind, e.payload.target);
  });
  timers_.ForEachArmed([&](int host, Time at) {
    add(at, Lane::kTimer, kEvHostTimer, static_cast<std::uint32_t>(host));
  });
  mix(events);
  for (const auto& hp : hosts_) {
    mix(hp->daemon.has_value());
    if (!hp->daemon) continue;
    const vrrp::Daemon& d = *hp->daemon;
    for (int i = 0; i < d.instance_count(); ++i) {
      mix(static_cast<std::uint64_t>(d.state(i)));
      mix(static_cast<std::uint64_t>(d.effective_priority(i)));
    }
  }
  return h == 0 ? 1 : h;
}

bool Simulation::SteadyStateKey(vrrp::StateKey* key) const {
  key->clear();
  if (!SteadyStateKeyable()) return false;
  AppendWorldKey(false, key);
  return true;
}

bool Simulation::SearchStateKey(vrrp::StateKey* key, const ScriptFilter* may_change) const {
  key->clear();
  if (!SteadyStateKeyable()) return false;
  AppendWorldKey(true, key, may_change);
  return true;
}

bool Simulation::ScriptSucceeds(const Host& h, const std::string& name) const {
  const auto& broken = h.spec->failing_scripts;
  if (std::find(broken.begin(), broken.end(), name) != broken.end()) return false;
  auto it = h.checks.find(name);
  return it == h.checks.end() || it->second == CheckMode::kSucceed;
}

void Simulation::AppendWorldKey(bool inputs, vrrp::StateKey* key,
                                const ScriptFilter* may_change) const {
  SettleHostTimers();  // the key holds deadlines, not bounds of them
  // Scripts whose runs change nothing (SearchStateKey), by host, and the
  // host's next deadline without them (where its timer would be).
  thread_local std::vector<std::uint64_t> settled;
  thread_local std::vector<Time> relevant;
  settled.assign(hosts_.size(), 0);
  relevant.assign(hosts_.size(), kNever);
  if (may_change) {
    for (std::size_t i = 0; i < hosts_.size(); ++i) {
      const Host& h = *hosts_[i];
      if (!h.daemon) continue;
      const vrrp::Daemon& d = *h.daemon;
      std::uint64_t frozen = 0, ok = 0;
      for (int s = 0; s < d.script_count() && s < 64; ++s) {
        const std::string& name = d.script_name(s);
        if ((*may_change)(static_cast<int>(i), name)) continue;
        frozen |= std::uint64_t{1} << s;
        if (ScriptSucceeds(h, name)) ok |= std::uint64_t{1} << s;
      }
      settled[i] = frozen ? d.SettledScripts(frozen, ok) : 0;
      if (settled[i]) relevant[i] = d.NextDeadlineWithout(settled[i]);
    }
  }
  // Pending events in the order they will run, with times relative to now
  // and what they carry in place of pool indices and counters.
  struct Pending {
    Time at;
    Lane lane;
    std::uint64_t seq;
    EventPayload payload;
    std::uint32_t sub = 0;  // a batch's receivers share its seq: their order
  };
  thread_local std::vector<Pending> pending;  // reused: no allocation per key
  pending.clear();
  scheduler_.ForEachPending([&](const Event& e) {
    if (!inputs && IsOperationLane(e.lane)) return;
    if (e.payload.kind == kEvDeliverBatch) {
      // Keyed as the deliveries it stands for (the same state either way).
      const Batch& b = batches_[e.payload.data];
      for (std::uint32_t i = 0; i < b.ifaces.size(); ++i) {
        const int iface = b.ifaces[i];
        const EventPayload one{kEvDeliver, static_cast<std::uint32_t>(topology_.iface_host(iface)),
                               (static_cast<std::uint64_t>(iface) << 32) | b.slot};
        pending.push_back({e.at, e.lane, e.seq, one, i});
      }
      return;
    }
    pending.push_back({e.at, e.lane, e.seq, e.payload});
  });
  // Host timers, simultaneous ones in host order (the order they run in).
  timers_.ForEachArmed([&](int host, Time at) {
    const auto h = static_cast<std::uint32_t>(host);
    if (settled[h] != 0) {
      // A settled script's wakeup is where the host's other deadlines are.
      at = relevant[h] == kNever ? kNever : std::max(relevant[h], now_);
      if (at == kNever) return;
    }
    pending.push_back({at, Lane::kTimer, h, EventPayload{kEvHostTimer, h, 0}});
  });
  std::sort(pending.begin(), pending.end(), [](const Pending& a, const Pending& b) {
    return a.at != b.at       ? a.at < b.at
           : a.lane != b.lane ? a.lane < b.lane
           : a.seq != b.seq   ? a.seq < b.seq
                              : a.sub < b.sub;
  });
  vrrp::StateKeyWriter writer(key, 256);
  auto put = [&writer](std::int64_t v) { writer.Put(v); };
  put(static_cast<std::int64_t>(pending.size()));
  for (const Pending& p : pending) {
    put(p.at - now_);
    put(static_cast<int>(p.lane));
    put(p.payload.kind);
    put(p.payload.target);
    const Host& h = *hosts_[p.payload.target];
    switch (p.payload.kind) {
      case kEvDeliver: {
        const InFlight& f = in_flight_[static_cast<std::uint32_t>(p.payload.data)];
        put(static_cast<std::int64_t>(p.payload.data >> 32));  // receiving interface
        put(f.src_host);
        vrrp::AppendPacketState(f.packet, &writer);
        break;
      }
      case kEvScriptResult:
        // The run's daemon generation only says whether the result is stale.
        put(static_cast<std::uint32_t>(p.payload.data >> 32) == h.generation);
        put(static_cast<std::int64_t>(p.payload.data & 0xffffffffu));
        break;
      case kEvOperation:
        // Operations scheduled before the runs being compared diverged
        // (the same index in both): the index names the operation.
        put(static_cast<std::int64_t>(p.payload.data));
        break;
      default:  // host timer (data 0), client re-ARP (data: the VIP)
        put(static_cast<std::int64_t>(p.payload.data));
        break;
    }
  }
  for (const auto& hp : hosts_) {
    const Host& h = *hp;
    put(h.powered);
    put(h.daemon.has_value());
    const std::size_t hi = static_cast<std::size_t>(&hp - hosts_.data());
    put(timers_.wanted(static_cast<int>(hi)) != kNever &&
        (settled[hi] == 0 || relevant[hi] != kNever));
    if (h.daemon) h.daemon->AppendState(now_, &writer, settled[hi]);
    // The configured addresses in the order they were added (the order
    // removals are reported in); the table's tombstones and hash positions
    // are its own business.
    h.vips.for_each([&](const Vip& v) {
      if (v.addr.is_v4()) {
        put(1);
        put(v.addr.word(0));
      } else {
        put(2);
        for (int k = 0; k < 4; ++k) put(v.addr.word(k));
      }
      put(v.vrid);
      put(static_cast<std::int64_t>(v.dev.size()));
      for (std::size_t i = 0; i < v.dev.size(); i += 8) {
        std::int64_t chunk = 0;
        for (std::size_t j = i; j < i + 8 && j < v.dev.size(); ++j)
          chunk = (chunk << 8) | static_cast<unsigned char>(v.dev[j]);
        put(chunk);
      }
    });
    put(0);
    put(static_cast<std::int64_t>(h.arp.size()));
    for (const auto& [vip, entry] : h.arp) {
      put(vip.word(0));
      if (vip.is_v6())
        for (int k = 1; k < 4; ++k) put(vip.word(k));
      put(entry.host);
      put(entry.reached);
      put(scheduler_.IsPending(entry.rearp));
    }
    if (!inputs) continue;
    // What operations set.
    put(h.paused);
    // A restart's pending start offsets.
    put(static_cast<std::int64_t>(h.instance_starts.size()));
    for (const InstanceStartOffset& o : h.instance_starts) {
      put(o.offset);
      put(static_cast<std::int64_t>(o.instance.size()));
      for (std::size_t i = 0; i < o.instance.size(); i += 8) {
        std::int64_t chunk = 0;
        for (std::size_t j = i; j < i + 8 && j < o.instance.size(); ++j)
          chunk = (chunk << 8) | static_cast<unsigned char>(o.instance[j]);
        put(chunk);
      }
    }
    // The configuration object (shared by every copy of the run; a reload
    // installs the one its operation carries): equal objects, equal
    // configurations. Only equality of keys is used, never their order.
    put(static_cast<std::int64_t>(reinterpret_cast<std::intptr_t>(h.config.get())));
    put(static_cast<std::int64_t>(h.checks.size()));
    for (const auto& [name, mode] : h.checks) {
      put(static_cast<std::int64_t>(mode));
      put(static_cast<std::int64_t>(name.size()));
      for (std::size_t i = 0; i < name.size(); i += 8) {
        std::int64_t chunk = 0;
        for (std::size_t j = i; j < i + 8 && j < name.size(); ++j)
          chunk = (chunk << 8) | static_cast<unsigned char>(name[j]);
        put(chunk);
      }
    }
  }
  if (!inputs) return;
  for (int l = 0; l < topology_.link_count(); ++l) {
    put(topology_.link_up(l));
    for (int d = 0; d < 2; ++d) {
      const LinkDirection& dir = topology_.direction(l * 2 + d);
      put(dir.latency);
      put(dir.jitter);
      std::int64_t loss = 0;
      static_assert(sizeof(loss) == sizeof(dir.loss));
      std::memcpy(&loss, &dir.loss, sizeof loss);
      put(loss);
    }
  }
  // Every host pair only when some filter is set: O(hosts^2) otherwise.
  const int n = host_count();
  if (network_.any_blocked())
    for (int a = 0; a < n; ++a)
      for (int b = 0; b < n; ++b)
        if (network_.blocked(a, b)) put(a * n + b);
  put(-1);
}

bool Simulation::random_drawn() const {
  for (const auto& h : hosts_)
    if (h->jitter_for != kNever || h->timing_drawn) return true;  // a delay was drawn
  return network_.random_drawn();
}

bool Simulation::Reseed(std::uint64_t seed) {
  if (random_drawn() || !network_.Reseed(seed)) return false;
  seed_ = seed;
  for (auto& h : hosts_) h->wakeup_rng = Rng::Stream(seed_, "wakeup:" + h->name);
  return true;
}

int Simulation::AddHost(HostSpec spec) {
  auto h = std::make_unique<Host>();
  h->name = spec.name;
  const int id = topology_.AddHost(spec.name);
  assert(id == host_count());
  for (const auto& ifs : spec.interfaces) {
    int seg = topology_.FindSegment(ifs.segment);
    if (seg < 0) seg = topology_.AddSegment(ifs.segment);
    const int iface = topology_.AddInterface(id, ifs.name, ifs.address);
    // IPv6: the link-local address (by default fe80::<host id + 1> on the
    // first interface, fe80::<k>:<host id + 1> on the k-th after it: unique
    // in the whole network, so unicast to one needs no scope) and the global
    // ones.
    const auto k = static_cast<std::uint32_t>(h->ifaces.size());
    vrrp::IpAddress ll = ifs.link_local6;
    if (ll.is_zero())
      ll = vrrp::IpAddress::V6Words(0xfe800000u, 0, k, static_cast<std::uint32_t>(id) + 1);
    topology_.AddAddress6(iface, ll);
    for (const vrrp::IpAddress& a : ifs.addresses6) topology_.AddAddress6(iface, a);
    topology_.ConnectInterface(iface, seg, ifs.up, ifs.down);
    h->ifaces.push_back(iface);
    if (h->first_iface < 0) h->first_iface = iface;
  }
  auto config = std::make_shared<const vrrp::Config>(std::move(spec.config));
  spec.config = {};
  h->spec = std::make_shared<const HostSpec>(std::move(spec));
  h->wakeup_jitter = h->spec->wakeup_jitter;
  if (h->spec->timing && h->spec->timing->delays_timers()) h->wakeup_jitter = kProfileWakeup;
  h->wakeup_rng = Rng::Stream(seed_, "wakeup:" + h->name);
  hosts_.push_back(std::move(h));
  timers_.Resize(host_count());
  SetHostConfig(id, std::move(config));
  return id;
}

void Simulation::SetHostConfig(int host, std::shared_ptr<const vrrp::Config> config) {
  Host& h = *hosts_[host];
  h.config = std::move(config);
  h.check_by_script.clear();  // script indices are the configuration's
  h.instance_iface.clear();
  for (const auto& inst : h.config->instances) {
    int found = -1;
    for (int iface : h.ifaces)
      if (topology_.iface_name(iface) == inst.interface) found = iface;
    h.instance_iface.push_back(found);
  }
  // Inserted in place (a binary search, usually an append): re-sorting the
  // whole list per host made adding n hosts with their own VIPs O(n^2 log n).
  auto add = [&](const vrrp::IpAddress& vip) {
    const auto it = std::lower_bound(all_vips_.begin(), all_vips_.end(), vip);
    if (it == all_vips_.end() || *it != vip) all_vips_.insert(it, vip);
  };
  for (const auto& inst : h.config->instances) {
    for (const auto& vip : inst.vips) add(vip.addr);
    for (const auto& vip : inst.evips) add(vip.addr);
  }
}

int Simulation::AddClient(ClientSpec spec) {
  HostSpec host;
  host.name = spec.name;
  HostInterfaceSpec eth0;
  eth0.address = spec.address;
  eth0.link_local6 = spec.link_local6;
  if (!spec.address6.is_zero()) eth0.addresses6.push_back(spec.address6);
  eth0.segment = spec.segment;
  eth0.up = spec.up;
  eth0.down = spec.down;
  host.interfaces.push_back(eth0);
  const int id = AddHost(std::move(host));
  hosts_[id]->is_client = true;
  hosts_[id]->client = std::move(spec);
  has_clients_ = true;
  return id;
}

bool Simulation::Hears(int from_host, int to_host) const {
  if (!hosts_[from_host]->powered || !hosts_[to_host]->powered) return false;
  if (network_.blocked(from_host, to_host)) return false;
  for (int fi : hosts_[from_host]->ifaces) {
    const int link = topology_.iface_link(fi);
    if (link < 0 || !topology_.link_up(link)) continue;
    for (int ti : hosts_[to_host]->ifaces)
      if (topology_.Unicast(fi, ti)) return true;
  }
  return false;
}

bool Simulation::HearsAtAll(int from_host, int to_host) const {
  if (!Hears(from_host, to_host)) return false;
  for (int fi : hosts_[from_host]->ifaces) {
    const int link = topology_.iface_link(fi);
    if (link < 0 || !topology_.link_up(link) || topology_.direction(link * 2).loss >= 1.0) continue;
    for (int ti : hosts_[to_host]->ifaces) {
      const int tl = topology_.iface_link(ti);
      if (tl >= 0 && topology_.direction(tl * 2 + 1).loss < 1.0 && topology_.Unicast(fi, ti))
        return true;
    }
  }
  return false;
}

int Simulation::client_reaches(int client_host, const vrrp::IpAddress& vip) const {
  const Host& c = *hosts_[client_host];
  auto it = c.arp.find(vip);
  return it == c.arp.end() ? -1 : it->second.reached;
}

void Simulation::UpdateClientsSlow(Time now) {
  auto holds = [&](int host, const vrrp::IpAddress& vip) {
    return hosts_[host]->vips.contains(vip);
  };
  for (int c = 0; c < host_count(); ++c) {
    Host& client = *hosts_[c];
    if (!client.is_client) continue;
    for (const vrrp::IpAddress& vip : all_vips_) {
      Host::ArpEntry& entry = client.arp[vip];
      const char* why = "";
      if (entry.host >= 0) {
        if (holds(entry.host, vip) && Hears(c, entry.host)) {
          why = "cached";
        } else {
          // Traffic goes to a host that no longer answers for the address:
          // lost until the client re-resolves (NUD probes time out).
          if (!scheduler_.IsPending(entry.rearp))
            entry.rearp = scheduler_.Schedule(
                now + client.client.arp_recovery, Lane::kObserver,
                EventPayload{kEvClientRearp, static_cast<std::uint32_t>(c), RearpKey(vip)});
          why = "cached host does not answer";
        }
      } else {
        // No entry: the first packet triggers an ARP request; the lowest
        // reachable holder's reply fills the cache.
        for (int h = 0; h < host_count() && entry.host < 0; ++h)
          if (!hosts_[h]->is_client && holds(h, vip) && Hears(c, h) && Hears(h, c)) entry.host = h;
        why = entry.host >= 0 ? "resolved" : "nobody answers";
      }
      const int reached =
          entry.host >= 0 && holds(entry.host, vip) && Hears(c, entry.host) ? entry.host : -1;
      if (reached != entry.reached) {
        entry.reached = reached;
        TraceEvent te = At(now, TraceKind::kClientView, c);
        te.peer_host = reached;
        te.addr = vip;
        te.detail = why;
        Emit(std::move(te));
      }
    }
  }
}

std::uint64_t Simulation::RearpKey(const vrrp::IpAddress& vip) {
  if (vip.is_v4()) return vip.word(0);
  // IPv6: 2^32 + its index in rearp_v6_ (append-only: the index is stable).
  auto it = std::find(rearp_v6_.begin(), rearp_v6_.end(), vip);
  if (it == rearp_v6_.end()) it = rearp_v6_.insert(rearp_v6_.end(), vip);
  return (std::uint64_t{1} << 32) + static_cast<std::uint64_t>(it - rearp_v6_.begin());
}

void Simulation::ClientRearp(Time now, int host, std::uint64_t key) {
  Host& client = *hosts_[host];
  const vrrp::IpAddress vip = key >> 32
                                  ? rearp_v6_[key - (std::uint64_t{1} << 32)]
                                  : vrrp::IpAddress(vrrp::Ipv4(static_cast<std::uint32_t>(key)));
  Host::ArpEntry& entry = client.arp[vip];
  entry.rearp = {};
  entry.host = -1;  // the probes failed: the entry is dropped and re-resolved
  UpdateClients(now);
}

int Simulation::FindHost(const std::string& name) const {
  for (int i = 0; i < host_count(); ++i)
    if (hosts_[i]->name == name) return i;
  return -1;
}

const std::string& Simulation::host_name(int host) const { return hosts_[host]->name; }

const vrrp::Config& Simulation::host_config(int host) const { return *hosts_[host]->config; }

bool Simulation::daemon_running(int host) const { return hosts_[host]->daemon.has_value(); }

vrrp::State Simulation::state(int host, int instance) const {
  const Host& h = *hosts_[host];
  return h.daemon ? h.daemon->state(instance) : vrrp::State::kStop;
}

int Simulation::priority(int host, int instance) const {
  const Host& h = *hosts_[host];
  return h.daemon ? h.daemon->effective_priority(instance) : 0;
}

std::vector<vrrp::IpAddress> Simulation::host_vips(int host) const {
  std::vector<vrrp::IpAddress> out;
  hosts_[host]->vips.for_each([&](const Vip& v) { out.push_back(v.addr); });
  return out;
}

void Simulation::Schedule(Operation op, Time at, bool late) {
  // A timing profile's operation_delay: the operation lands that much late
  // (a start's lateness is its start-up).
  if (op.kind != OpKind::kStart && op.kind != OpKind::kPowerOn) {
    Host* from = nullptr;
    auto delays = [](const Host& h) {
      return h.spec->timing && !h.spec->timing->operation_delay.zero();
    };
    if (op.host >= 0 && static_cast<std::size_t>(op.host) < hosts_.size()) {
      if (delays(*hosts_[op.host])) from = hosts_[op.host].get();
    } else {
      for (auto& h : hosts_)
        if (delays(*h)) {
          from = h.get();
          break;
        }
    }
    if (from) {
      from->timing_drawn = true;
      at += from->spec->timing->operation_delay.Draw(from->wakeup_rng);
    }
    // A stop (or a restart's stop) is acted on a profile's stop_delay after
    // the signal (E21); the daemon runs on until then.
    if ((op.kind == OpKind::kStop || op.kind == OpKind::kRestart) && op.host >= 0 &&
        static_cast<std::size_t>(op.host) < hosts_.size()) {
      Host& h = *hosts_[op.host];
      if (h.spec->timing && !h.spec->timing->stop_delay.zero()) {
        h.timing_drawn = true;
        at += h.spec->timing->stop_delay.Draw(h.wakeup_rng);
      }
    }
  }
  operations_.push_back(std::move(op));
  scheduler_.Schedule(at, late ? Lane::kLateOperation : Lane::kOperation,
                      EventPayload{kEvOperation, 0, operations_.size() - 1});
}

void Simulation::RunUntil(Time until) {
  for (;;) {
    // The next event: the scheduler's or the earliest host timer, whichever
    // comes first in (time, lane) order (host timers are Lane::kTimer).
    const Time ts = scheduler_.next_time();
    const Time tt = timers_.top_time([this](int h) { return ExactHostTimer(h); });
    if (tt < ts || (tt == ts && tt != kNever && scheduler_.next_lane() > Lane::kTimer)) {
      if (tt > until) break;
      const int host = timers_.top_owner();
      timers_.PopTop();
      now_ = tt;
      ++events_processed_;
      HostTimer(tt, host);
      continue;
    }
    if (ts > until) break;  // also: both empty (kNever)
    const Event e = scheduler_.Pop();
    now_ = e.at;
    ++events_processed_;
    if (IsOperationLane(e.lane)) ++inputs_processed_;
    Dispatch(e);
  }
  now_ = until;
}

void Simulation::Emit(TraceEvent e) {
  ++trace_events_emitted_;
  if (sinks_.empty()) return;
  for (std::size_t i = 0; i + 1 < sinks_.size(); ++i) sinks_[i]->OnEvent(e);
  sinks_.back()->TakeEvent(std::move(e));
}

void Simulation::Dispatch(const Event& e) {
  const int host = static_cast<int>(e.payload.target);
  switch (e.payload.kind) {
    case kEvOperation:
      ApplyOperation(e.at, operations_[e.payload.data]);
      UpdateClients(e.at);  // partitions, links and power change what clients reach
      break;
    case kEvDeliver:
      Deliver(e.at, host, static_cast<int>(e.payload.data >> 32),
              static_cast<std::uint32_t>(e.payload.data));
      break;
    case kEvDeliverBatch:
      DeliverBatch(e.at, static_cast<std::uint32_t>(e.payload.data));
      break;
    case kEvScriptResult:
      ScriptResult(e.at, host, e.payload.data);
      break;
    case kEvPauseEnd:
      PauseEnd(e.at, host);
      break;
    case kEvClientRearp:
      ClientRearp(e.at, host, e.payload.data);
      break;
    case kEvRestartStart:  // also a start delayed by a timing profile's start-up
      hosts_[host]->restart = {};
      if (hosts_[host]->powered) StartDaemon(e.at, host);
      break;
  }
}

void Simulation::RemoveAllVips(Time now, int host, const char* why) {
  Host& h = *hosts_[host];
  h.vips.for_each([&](const Vip& v) {
    TraceEvent te = At(now, TraceKind::kVipRemoved, host);
    te.vrid = v.vrid;
    te.addr = v.addr;
    te.detail = why;
    Emit(std::move(te));
  });
  h.vips.clear();
}

void Simulation::StartDaemon(Time now, int host) {
  Host& h = *hosts_[host];
  if (!h.powered || h.daemon || h.is_client) return;
  // A starting keepalived removes the addresses of its own VIPs that a crashed
  // predecessor left configured (R46).
  if (!h.vips.empty()) {
    std::vector<vrrp::IpAddress> own;  // sorted: one lookup per leftover, not a scan
    for (const auto& inst : h.config->instances) {
      for (const auto& vip : inst.vips) own.push_back(vip.addr);
      for (const auto& vip : inst.evips) own.push_back(vip.addr);
    }
    std::sort(own.begin(), own.end());
    VipTable keep;
    h.vips.for_each([&](const Vip& v) {
      if (std::binary_search(own.begin(), own.end(), v.addr)) {
        TraceEvent te = At(now, TraceKind::kVipRemoved, host);
        te.vrid = v.vrid;
        te.addr = v.addr;
        te.detail = "leftover removed at startup";
        Emit(std::move(te));
      } else {
        keep.add(v);
      }
    });
    h.vips = std::move(keep);
  }

  vrrp::HostIdentity identity;
  for (int iface : h.ifaces) {
    const int link = topology_.iface_link(iface);
    identity.interfaces.push_back({topology_.iface_name(iface), topology_.iface_address(iface),
                                   link >= 0 && topology_.link_up(link),
                                   topology_.iface_link_local6(iface)});
  }
  vrrp::DaemonOptions opts;
  opts.emit_logs = options_.emit_logs;
  opts.detailed_logging = options_.detailed_logging;
  opts.report_timers = false;  // RearmHostTimer asks NextDeadline() after every call
  h.daemon.emplace(h.config, std::move(identity), opts);
  ++h.generation;
  h.paused = false;
  h.paused_rx.clear();
  actions_.clear();
  std::vector<Duration> offsets;
  if (!h.instance_starts.empty()) {
    offsets.assign(h.config->instances.size(), 0);
    for (const InstanceStartOffset& s : h.instance_starts)
      for (std::size_t i = 0; i < offsets.size(); ++i)
        if (h.config->instances[i].name == s.instance) offsets[i] = std::max<Duration>(0, s.offset);
    h.instance_starts.clear();
  } else if (h.spec->timing && !h.spec->timing->instance_gap.zero() &&
             h.config->instances.size() > 1) {
    // keepalived's start loop, in configuration order: each instance a gap
    // after the one before.
    h.timing_drawn = true;
    offsets.assign(h.config->instances.size(), 0);
    for (std::size_t i = 1; i < offsets.size(); ++i)
      offsets[i] = offsets[i - 1] + h.spec->timing->instance_gap.Draw(h.wakeup_rng);
  }
  h.start_loop_end = now;
  for (Duration o : offsets) h.start_loop_end = std::max(h.start_loop_end, now + o);
  h.daemon->Start(now, offsets, &actions_);
  ProcessActions(now, host);
}

void Simulation::RequestStart(Time now, int host,
                              const std::vector<InstanceStartOffset>& instance_starts) {
  Host& h = *hosts_[host];
  if (!h.powered || h.daemon || h.is_client) return;  // StartDaemon would do nothing
  h.instance_starts = instance_starts;
  if (!h.spec->timing || h.spec->timing->startup.zero() || !h.powered || h.daemon || h.is_client) {
    StartDaemon(now, host);
    return;
  }
  // keepalived is exec'd now and reaches its first state (and arms its
  // timers) the profile's start-up time later; a stop, crash, power change or
  // restart before that cancels it, as it cancels a restart's start.
  h.timing_drawn = true;
  // Daemons started in the same instant start one after another: the first
  // after its own start-up, each later one a startup_gap after the one before
  // (the profile's gaps are the differences of the sorted first-state times
  // of such a group, so adding its own start-up as a floor would count it
  // twice: four nodes started together came up 23/39/44/52 ms, not 33/54/71/91).
  const Distribution& gap = h.spec->timing->startup_gap;
  Duration startup;
  if (!gap.zero() && start_group_at_ == now && start_group_done_ != kNever)
    startup = start_group_done_ + gap.Draw(h.wakeup_rng) - now;
  else
    startup = h.spec->timing->startup.Draw(h.wakeup_rng);
  start_group_at_ = now;
  start_group_done_ = now + startup;
  h.restart =
      scheduler_.Schedule(now + startup, Lane::kLateOperation,
                          EventPayload{kEvRestartStart, static_cast<std::uint32_t>(host), 0});
}

Duration Simulation::ProfileWakeup(Host& h, Time deadline) {
  // A MASTER's advert timer (the deadline is a MASTER instance's) is late by
  // advert_delay, a vrrp_script's run by check_delay, every other timer by
  // timer_wakeup; the daemon re-arms from the moment it acts, so the delays
  // accumulate (R9, R34). An advert that falls due with a script run draws
  // advert_delay.
  const TimingProfile& t = *h.spec->timing;
  const Distribution* d = &t.timer_wakeup;
  // An instance's deferred start (Daemon::Start's offsets) is keepalived's
  // start loop going on, not a timer: no wake-up.
  if (deadline <= h.start_loop_end)
    for (int i = 0, n = h.daemon->instance_count(); i < n; ++i)
      if (h.daemon->state(i) == vrrp::State::kInit && h.daemon->instance_deadline(i) == deadline)
        return 0;
  if (!t.advert_delay.zero()) {
    const int n = h.daemon->instance_count();
    for (int i = 0; i < n; ++i)
      if (h.daemon->state(i) == vrrp::State::kMaster &&
          h.daemon->instance_deadline(i) == deadline) {
        d = &t.advert_delay;
        break;
      }
  }
  if (d == &t.timer_wakeup && !t.check_delay.zero()) {
    const int n = h.daemon->script_count();
    for (int s = 0; s < n; ++s)
      if (h.daemon->script_deadline(s) == deadline) {
        d = &t.check_delay;
        break;
      }
  }
  if (d->zero()) return 0;
  h.timing_drawn = true;
  return d->Draw(h.wakeup_rng);
}

void Simulation::CrashDaemon(Time, int host) {
  Host& h = *hosts_[host];
  h.daemon.reset();
  timers_.Set(host, kNever);
  for (auto& [iface, slot] : h.paused_rx) {
    (void)iface;
    ReleaseFrame(slot);
  }
  h.paused_rx.clear();
  h.paused = false;
}

void Simulation::ApplyOperation(Time now, const Operation& op) {
  {
    TraceEvent te = At(now, TraceKind::kOperation, op.host);
    te.peer_host = op.peer;
    te.op = static_cast<int>(op.kind);
    te.detail = op.Describe(*this);
    if (!op.label.empty()) te.detail += " [" + op.label + "]";
    Emit(std::move(te));
  }
  Host* h = op.host >= 0 ? hosts_[op.host].get() : nullptr;
  // A later start, stop, crash, power change or restart overrides the start
  // a restart still has to make.
  if (h && h->restart.valid() &&
      (op.kind == OpKind::kStart || op.kind == OpKind::kStop || op.kind == OpKind::kCrash ||
       op.kind == OpKind::kRestart || op.kind == OpKind::kPowerOff ||
       op.kind == OpKind::kPowerOn)) {
    scheduler_.Cancel(h->restart);
    h->restart = {};
  }
  auto iface_of = [&](const std::string& name) {
    for (int iface : h->ifaces)
      if (topology_.iface_name(iface) == name) return iface;
    return -1;
  };
  switch (op.kind) {
    case OpKind::kStart:
      RequestStart(now, op.host, op.instance_starts);
      break;
    case OpKind::kStop:
      if (h->daemon) {
        actions_.clear();
        h->daemon->Stop(now, &actions_);
        ProcessActions(now, op.host);
        CrashDaemon(now, op.host);
      }
      break;
    case OpKind::kCrash:
      CrashDaemon(now, op.host);
      break;
    case OpKind::kRestart:
      if (h->daemon) {
        actions_.clear();
        h->daemon->Stop(now, &actions_);
        ProcessActions(now, op.host);
        CrashDaemon(now, op.host);
        // The stopped keepalived exits about a second after SIGTERM (R45);
        // only then can the new one start (measured: 1.05 s from SIGTERM to
        // the new daemon's first notification, edges/power-file-and-lossy-link).
        Duration startup = 0;  // a timing profile's start-up of the new daemon
        if (h->spec->timing && !h->spec->timing->startup.zero()) {
          h->timing_drawn = true;
          startup = h->spec->timing->startup.Draw(h->wakeup_rng);
        }
        h->instance_starts = op.instance_starts;
        h->restart = scheduler_.Schedule(
            now + kRestartExitDelay + startup, Lane::kLateOperation,
            EventPayload{kEvRestartStart, static_cast<std::uint32_t>(op.host), 0});
      } else {
        RequestStart(now, op.host, op.instance_starts);
      }
      break;
    case OpKind::kReload: {
      // SIGHUP: the running daemon re-reads its configuration and keeps
      // its state (Daemon::Reload); a stopped one starts with it next time.
      if (!h->daemon) {
        if (op.config) SetHostConfig(op.host, op.config);
        break;
      }
      h->reloaded_from = h->config;
      h->reloaded_iface = h->instance_iface;
      if (op.config) SetHostConfig(op.host, op.config);
      ++h->generation;  // script indices change: results of runs in flight die
      actions_.clear();
      h->daemon->Reload(now, h->config, &actions_);
      ProcessActions(now, op.host, true);
      break;
    }
    case OpKind::kPowerOff:
      CrashDaemon(now, op.host);
      RemoveAllVips(now, op.host, "power-off");
      for (int iface : h->ifaces) topology_.SetLinkUp(topology_.iface_link(iface), false);
      h->powered = false;
      break;
    case OpKind::kPowerOn:
      if (!h->powered) {
        h->powered = true;
        for (int iface : h->ifaces) topology_.SetLinkUp(topology_.iface_link(iface), true);
        RequestStart(now, op.host, op.instance_starts);
      }
      break;
    case OpKind::kPause:
      if (h->daemon && !h->paused) {
        h->paused = true;
        scheduler_.Schedule(now + op.duration, Lane::kLateOperation,
                            EventPayload{kEvPauseEnd, static_cast<std::uint32_t>(op.host), 0});
      }
      break;
    case OpKind::kSetCheck:
      h->checks[op.name] = op.check;
      h->check_by_script.clear();
      break;
    case OpKind::kLinkDown:
    case OpKind::kLinkUp: {
      const int iface = iface_of(op.name);
      if (iface < 0) break;
      const bool up = op.kind == OpKind::kLinkUp;
      topology_.SetLinkUp(topology_.iface_link(iface), up);
      if (h->daemon) {
        actions_.clear();
        h->daemon->OnLink(now, op.name, up, &actions_);
        ProcessActions(now, op.host);
      }
      break;
    }
    case OpKind::kPartition:
      network_.Partition(op.groups);
      break;
    case OpKind::kHeal:
      network_.Heal();
      break;
    case OpKind::kBlock:
    case OpKind::kUnblock:
      network_.SetBlocked(op.host, op.peer, op.kind == OpKind::kBlock);
      break;
    case OpKind::kLinkParams: {
      const int iface = iface_of(op.name);
      if (iface < 0) break;
      const int link = topology_.iface_link(iface);
      topology_.SetDirection(link * 2, op.up);
      topology_.SetDirection(link * 2 + 1, op.down);
      break;
    }
    case OpKind::kTrackFile:
      if (h->daemon) {
        actions_.clear();
        h->daemon->OnTrackFile(now, op.name, op.value, &actions_);
        ProcessActions(now, op.host);
      }
      break;
  }
  if (after_operation_) after_operation_(now);
}

void Simulation::Deliver(Time now, int host, int iface, std::uint32_t slot) {
  Host& h = *hosts_[host];
  InFlight& f = in_flight_[slot];
  const int link = topology_.iface_link(iface);
  const bool link_up = link >= 0 && topology_.link_up(link);
  if (h.daemon && link_up && h.paused) {
    h.paused_rx.emplace_back(iface, slot);  // the socket buffers it
    return;
  }
  if (h.daemon && link_up) {
    if (options_.record_packets) {
      TraceEvent te = At(now, TraceKind::kAdvertReceived, host);
      te.peer_host = f.src_host;
      te.vrid = f.packet.advert.vrid;
      te.priority = f.packet.advert.priority;
      te.addr = f.packet.advert.src;
      Emit(std::move(te));
    }
    actions_.clear();
    // A host's interfaces are added together (AddHost), in the order its
    // daemon's HostIdentity lists them.
    h.daemon->OnDecoded(now, f.packet, iface - h.first_iface, &actions_);
    ReleaseFrame(slot);
    ProcessActions(now, host);
    return;
  }
  // A client has no keepalived: an advert reaching it is not a drop.
  if (options_.record_packets && !h.is_client) {
    TraceEvent te = At(now, TraceKind::kPacketDropped, host);
    te.peer_host = f.src_host;
    te.vrid = f.packet.advert.vrid;
    te.priority = f.packet.advert.priority;
    te.detail = !link_up ? "interface-down" : "daemon-not-running";
    Emit(std::move(te));
  }
  ReleaseFrame(slot);
}

void Simulation::DeliverBatch(Time now, std::uint32_t batch) {
  // One event for the queue, one per receiver for the count: events_processed
  // is what it was with one event per delivery.
  const std::size_t n = batches_[batch].ifaces.size();
  events_processed_ += n - 1;
  const std::uint32_t slot = batches_[batch].slot;
  for (std::size_t i = 0; i < n; ++i) {
    // By index: a delivery may send, and a send may add batches.
    const int iface = batches_[batch].ifaces[i];
    Deliver(now, topology_.iface_host(iface), iface, slot);
  }
  free_batches_.push_back(batch);
}

void Simulation::ReleaseFrame(std::uint32_t slot) {
  if (--in_flight_[slot].refs == 0) free_in_flight_.push_back(slot);
}

void Simulation::HostTimer(Time now, int host) {
  Host& h = *hosts_[host];
  timers_.Set(host, kNever);  // consumed (PauseEnd calls this directly)
  if (!h.daemon || h.paused) return;
  actions_.clear();
  h.daemon->OnTimer(now, &actions_);
  ProcessActions(now, host);
}

bool Simulation::paused(int host) const {
  const Host& h = *hosts_[host];
  return h.daemon && h.paused;
}

void Simulation::PauseEnd(Time now, int host) {
  Host& h = *hosts_[host];
  if (!h.daemon || !h.paused) return;
  h.paused = false;
  if (after_operation_) after_operation_(now);
  // Backlog first (the socket had them), then overdue timers.
  auto backlog = std::move(h.paused_rx);
  h.paused_rx.clear();
  for (auto& [iface, slot] : backlog) {
    if (!h.daemon) break;
    Deliver(now, host, iface, slot);
  }
  if (h.daemon && h.daemon->NextDeadline() <= now) HostTimer(now, host);
  if (h.daemon) RearmHostTimer(host);
}

void Simulation::ScriptResult(Time now, int host, std::uint64_t data) {
  Host& h = *hosts_[host];
  const auto generation = static_cast<std::uint32_t>(data >> 32);
  const auto script = static_cast<int>((data >> 2) & 0x3fffffff);
  const auto mode = static_cast<CheckMode>(data & 3);
  if (!h.daemon || h.generation != generation) return;  // the run died with its daemon
  vrrp::CheckResult result;
  result.ok = mode == CheckMode::kSucceed;
  result.exit_status = mode == CheckMode::kFail ? 1 : 0;
  result.timed_out = mode == CheckMode::kTimeout;
  const std::string& name = h.config->scripts[script].name;
  if (options_.record_packets) {
    TraceEvent te = At(now, TraceKind::kScriptResult, host);
    te.value = result.ok ? 1 : 0;
    te.detail = name;
    Emit(std::move(te));
  }
  if (h.paused) return;  // a frozen daemon misses it; the next run reports again
  actions_.clear();
  h.daemon->OnCheckResult(now, name, result, &actions_);
  ProcessActions(now, host);
}

void Simulation::RearmHostTimer(int host) {
  Host& h = *hosts_[host];
  if (!h.daemon) return;
  // A bound where no wake-up jitter is drawn for the deadline: the heap
  // asks the exact one only when the host comes first (ExactHostTimer), so a
  // backup's master-down deadline, pushed back by each advert, is not
  // refiled per advert. The jitter is drawn per exact deadline.
  bool exact = true;
  const Time t =
      h.wakeup_jitter == 0 ? h.daemon->NextDeadlineBound(&exact) : h.daemon->NextDeadline();
  const bool bound = !exact;
  if (t == kNever) {
    timers_.Set(host, kNever);
    return;
  }
  Time fire = t;
  if (h.wakeup_jitter != 0) {  // one predictable branch: 0 unless jitter or a profile
    if (t != h.jitter_for) {
      h.jitter_for = t;
      h.jitter =
          h.wakeup_jitter > 0 ? h.wakeup_rng.Between(0, h.wakeup_jitter) : ProfileWakeup(h, t);
    }
    fire = t + h.jitter;
  }
  // Simultaneous host timers run in host order, not in the order they were
  // armed: a wakeup that changes nothing (a settled script's run) then does
  // not reorder what comes later (exhaustive exploration relies on it).
  timers_.Set(host, std::max(fire, now_), bound);
}

Time Simulation::ExactHostTimer(int host) const {
  const Host& h = *hosts_[static_cast<std::size_t>(host)];
  const Time t = h.daemon ? h.daemon->NextDeadline() : kNever;
  return t == kNever ? kNever : std::max(t, now_);
}

void Simulation::SettleHostTimers() const {
  timers_.SettleBounds([this](int h) { return ExactHostTimer(h); });
}

void Simulation::ProcessActions(Time now, int host, bool reload) {
  if (actions_.empty()) {  // most deliveries: a backup's advert
    RearmHostTimer(host);
    UpdateClients(now);
    return;
  }
  Host& h = *hosts_[host];
  const vrrp::Config& config = *h.config;
  const int count = static_cast<int>(config.instances.size());
  // After a reload, an index past the new instances names one the reload
  // removed, by its index in the previous configuration (Daemon::Reload).
  auto removed = [&](int i) { return reload && i >= count; };
  auto vrid_of = [&](int i) {
    if (i < 0) return 0;
    return removed(i) ? h.reloaded_from->instances[i - count].vrid : config.instances[i].vrid;
  };
  auto iface_of = [&](int i) {
    if (i < 0) return -1;
    return removed(i) ? h.reloaded_iface[i - count] : h.instance_iface[i];
  };
  // Trace events name a removed instance by its previous index.
  auto trace_index = [&](int i) { return removed(i) ? i - count : i; };
  std::vector<std::uint8_t>& bytes = packet_bytes_;  // reused: no allocation per advert
  for (const vrrp::Action& action : actions_) {
    if (const auto* send = std::get_if<vrrp::SendAdvert>(&action)) {
      const int iface = iface_of(send->instance);
      if (options_.record_packets) {
        TraceEvent te = At(now, TraceKind::kAdvertSent, host);
        te.instance = trace_index(send->instance);
        te.vrid = send->advert.vrid;
        te.priority = send->advert.priority;
        te.addr = send->advert.dst;
        Emit(std::move(te));
      }
      if (iface < 0) continue;
      // Through the real codec: what a receiver sees is what was encoded
      // (memoised per instance, see Host::AdvertMemo).
      const auto mi = static_cast<std::size_t>(send->instance);
      if (mi >= h.advert_memo.size()) h.advert_memo.resize(mi + 1);
      Host::AdvertMemo& memo = h.advert_memo[mi];
      if (memo.slot != kNoFrame) {
        memo.sent.ip_id = send->advert.ip_id;
        if (!(memo.sent == send->advert)) {
          ReleaseFrame(memo.slot);
          memo.slot = kNoFrame;
        }
      }
      if (memo.slot == kNoFrame) {
        std::uint32_t fresh;
        if (!free_in_flight_.empty()) {
          fresh = free_in_flight_.back();
          free_in_flight_.pop_back();
        } else {
          in_flight_.emplace_back();
          fresh = static_cast<std::uint32_t>(in_flight_.size() - 1);
        }
        InFlight& nf = in_flight_[fresh];
        const vrrp::IpAddress& dst = send->advert.dst;
        if (dst.is_v4()) {
          vrrp::EncodeIpv4(send->advert, &bytes);
          nf.packet = vrrp::DecodeIpv4(bytes);
        } else {
          vrrp::EncodeIpv6(send->advert, &bytes);
          nf.packet = vrrp::DecodeIpv6(bytes);
        }
        memo.dst = network_.Resolve(dst);
        nf.src_host = host;
        nf.refs = 1;  // the memo's
        memo.sent = send->advert;
        memo.slot = fresh;
      }
      const std::uint32_t slot = memo.slot;
      InFlight& f = in_flight_[slot];
      deliveries_.clear();
      drops_.clear();
      network_.SendResolved(now, iface, memo.dst, &deliveries_,
                            options_.record_packets ? &drops_ : nullptr);
      // Receivers that get the frame at the same instant share one event
      // (a segment of N hosts: one queue operation per advert, not N-1).
      // The order is the same: their events would have had consecutive
      // sequence numbers at one (time, lane), with nothing between them,
      // and what a delivery schedules at that instant and lane comes after
      // the rest of them either way. Runs of one time in delivery order:
      // all of them without jitter.
      const std::size_t n = deliveries_.size();
      f.refs += static_cast<int>(n);
      for (std::size_t i = 0; i < n;) {
        const Delivery& d = deliveries_[i];
        std::size_t j = i + 1;
        while (j < n && deliveries_[j].at == d.at) ++j;
        const auto dst_host = static_cast<std::uint32_t>(topology_.iface_host(d.dst_iface));
        if (j - i == 1) {
          scheduler_.Schedule(d.at, Lane::kDelivery,
                              EventPayload{kEvDeliver, dst_host,
                                           (static_cast<std::uint64_t>(d.dst_iface) << 32) | slot});
        } else {
          std::uint32_t b;
          if (!free_batches_.empty()) {
            b = free_batches_.back();
            free_batches_.pop_back();
          } else {
            b = static_cast<std::uint32_t>(batches_.size());
            batches_.emplace_back();
          }
          Batch& batch = batches_[b];
          batch.slot = slot;
          batch.ifaces.clear();
          for (std::size_t k = i; k < j; ++k) batch.ifaces.push_back(deliveries_[k].dst_iface);
          scheduler_.Schedule(d.at, Lane::kDelivery, EventPayload{kEvDeliverBatch, dst_host, b});
        }
        i = j;
      }
      for (const Drop& d : drops_) {
        TraceEvent te = At(now, TraceKind::kPacketDropped,
                           d.dst_iface >= 0 ? topology_.iface_host(d.dst_iface) : -1);
        te.peer_host = host;
        te.vrid = send->advert.vrid;
        te.priority = send->advert.priority;
        te.detail = DropReasonName(d.reason);
        Emit(std::move(te));
      }
    } else if (const auto* add = std::get_if<vrrp::AddVip>(&action)) {
      const int vrid = vrid_of(add->instance);
      // An address is configured once per host: adding it again (a second
      // instance with the same VIP) changes nothing anyone can observe.
      if (!h.vips.add({add->vip.addr, add->dev, vrid})) continue;
      TraceEvent te = At(now, TraceKind::kVipAdded, host);
      te.instance = trace_index(add->instance);
      te.vrid = vrid;
      te.addr = add->vip.addr;
      te.detail = add->dev;
      Emit(std::move(te));
    } else if (const auto* rm = std::get_if<vrrp::RemoveVip>(&action)) {
      const int vrid = vrid_of(rm->instance);
      if (!h.vips.remove(rm->vip.addr)) continue;
      TraceEvent te = At(now, TraceKind::kVipRemoved, host);
      te.instance = trace_index(rm->instance);
      te.vrid = vrid;
      te.addr = rm->vip.addr;
      te.detail = rm->dev;
      Emit(std::move(te));
    } else if (const auto* garp = std::get_if<vrrp::SendGarp>(&action)) {
      if (has_clients_) {
        for (int c = 0; c < host_count(); ++c) {
          Host& client = *hosts_[c];
          if (!client.is_client || !Hears(host, c)) continue;
          // A GARP updates the ARP cache, an unsolicited NA (an IPv6 VIP)
          // the neighbour cache: the same model.
          Host::ArpEntry& entry = client.arp[garp->vip];
          entry.host = host;
          scheduler_.Cancel(entry.rearp);
          entry.rearp = {};
        }
      }
      TraceEvent te = At(now, TraceKind::kGarp, host);
      te.instance = trace_index(garp->instance);
      te.vrid = vrid_of(garp->instance);
      te.addr = garp->vip;
      te.detail = garp->dev;
      Emit(std::move(te));
    } else if (const auto* n = std::get_if<vrrp::Notify>(&action)) {
      TraceEvent te =
          At(now, n->instance >= 0 ? TraceKind::kTransition : TraceKind::kGroupTransition, host);
      te.instance = n->instance >= 0 ? trace_index(n->instance) : n->group;
      te.vrid = vrid_of(n->instance);
      te.from = n->from;
      te.to = n->to;
      te.priority = n->priority;
      te.reason = n->reason;
      te.detail = n->detail;
      Emit(std::move(te));
    } else if (const auto* pc = std::get_if<vrrp::PriorityChanged>(&action)) {
      TraceEvent te = At(now, TraceKind::kPriority, host);
      te.instance = trace_index(pc->instance);
      te.vrid = vrid_of(pc->instance);
      te.priority = pc->to;
      te.value = pc->from;
      Emit(std::move(te));
    } else if (const auto* run = std::get_if<vrrp::RunScript>(&action)) {
      const auto si = static_cast<std::size_t>(run->script);
      if (si >= h.check_by_script.size()) h.check_by_script.resize(si + 1, kUnknownCheck);
      if (h.check_by_script[si] == kUnknownCheck) {
        auto it = h.checks.find(run->name);
        const bool broken =
            std::find(h.spec->failing_scripts.begin(), h.spec->failing_scripts.end(), run->name) !=
            h.spec->failing_scripts.end();
        h.check_by_script[si] =
            static_cast<std::uint8_t>(broken                 ? CheckMode::kFail
                                      : it == h.checks.end() ? CheckMode::kSucceed
                                                             : it->second);
      }
      const auto mode = static_cast<CheckMode>(h.check_by_script[si]);
      // A profile's check_delay made this run late already (ProfileWakeup):
      // the daemon ran it when it woke up and re-armed from then (R34).
      const Duration took = mode == CheckMode::kTimeout ? run->timeout : h.spec->script_runtime;
      if (options_.record_packets) {
        TraceEvent te = At(now, TraceKind::kScriptRun, host);
        te.detail = run->name;
        Emit(std::move(te));
      }
      const std::uint64_t data = (static_cast<std::uint64_t>(h.generation) << 32) |
                                 (static_cast<std::uint64_t>(run->script) << 2) |
                                 static_cast<std::uint64_t>(mode);
      scheduler_.Schedule(now + took, Lane::kDelivery,
                          EventPayload{kEvScriptResult, static_cast<std::uint32_t>(host), data});
    } else if (const auto* log = std::get_if<vrrp::LogLine>(&action)) {
      if (options_.emit_logs) {
        TraceEvent te = At(now, TraceKind::kLog, host);
        te.instance = trace_index(log->instance);
        te.detail = log->text;
        Emit(std::move(te));
      }
    }
  }
  actions_.clear();
  RearmHostTimer(host);
  UpdateClients(now);
}

}  // namespace vsim
