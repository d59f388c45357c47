// The scenario format as a JSON Schema (draft-07), for editors. Every object
// that the loader checks with its list of keys is a closed object here
// ("additionalProperties": false) with exactly those keys, in the loader's
// order; tests/sim/scenario/schema_test.cpp compares the two mapping by
// mapping (both ways) over the shipped scenarios and a file using every key.
#include "sim/scenario/schema.h"

#include <initializer_list>
#include <nlohmann/json.hpp>
#include <utility>

#include "sim/scenario/explore_spec.h"

namespace vsim {

namespace {

using J = nlohmann::ordered_json;

J Ref(const char* def) { return J{{"$ref", std::string("#/definitions/") + def}}; }

// A closed object: these properties, no others.
J Obj(std::initializer_list<std::pair<const char*, J>> props,
      std::initializer_list<const char*> required = {}, const char* description = nullptr) {
  J o = J::object();
  o["type"] = "object";
  if (description) o["description"] = description;
  J p = J::object();
  for (const auto& [k, v] : props) p[k] = v;
  o["properties"] = std::move(p);
  if (required.size()) {
    J r = J::array();
    for (const char* k : required) r.push_back(k);
    o["required"] = std::move(r);
  }
  o["additionalProperties"] = false;
  return o;
}

J Arr(J items, int min_items = -1, int max_items = -1) {
  J a = {{"type", "array"}, {"items", std::move(items)}};
  if (min_items >= 0) a["minItems"] = min_items;
  if (max_items >= 0) a["maxItems"] = max_items;
  return a;
}

J Int(std::int64_t lo, std::int64_t hi) {
  return {{"type", "integer"}, {"minimum", lo}, {"maximum", hi}};
}

J Enum(std::initializer_list<const char*> values) {
  J e = J::array();
  for (const char* v : values) e.push_back(v);
  return {{"enum", std::move(e)}};
}

J Str(const char* description = nullptr) {
  J s = {{"type", "string"}};
  if (description) s["description"] = description;
  return s;
}

J Desc(J j, const char* description) {
  j["description"] = description;
  return j;
}

// The keys every operation takes, then the operation's own.
J Op(std::initializer_list<const char*> ops, std::initializer_list<std::pair<const char*, J>> own,
     std::initializer_list<const char*> required) {
  J e = J::array();
  for (const char* o : ops) e.push_back(o);
  J o = Obj({{"op", {{"enum", e}}},
             {"at", Ref("time")},
             {"id", Desc(Ref("name"), "a label other times can refer to (e.g. after: ID)")},
             {"repeat", Ref("repeat")}},
            {"op", "at"});
  for (const auto& [k, v] : own) o["properties"][k] = v;
  for (const char* r : required) o["required"].push_back(r);
  return o;
}

// An expectation: one key naming its kind, its parameters below it.
J Expect(const char* kind, std::initializer_list<std::pair<const char*, J>> params,
         std::initializer_list<const char*> required = {}) {
  J p = Obj(params, required);
  p["properties"]["variants"] =
      Desc(Arr(Str()), "only in these matrix variants (base: the run without overrides)");
  return {{"type", "object"},
          {"properties", {{kind, std::move(p)}}},
          {"required", {kind}},
          {"additionalProperties", false},
          {"maxProperties", 1}};
}

J LinkParamsProps(J o) {
  o["properties"]["latency"] = Ref("duration");
  o["properties"]["jitter"] = Ref("duration");
  o["properties"]["loss"] = Ref("probability");
  o["properties"]["up"] = Ref("linkDirection");
  o["properties"]["down"] = Ref("linkDirection");
  return o;
}

// An explore property: on/off, nothing (on), or its parameters.
J Property(J params) {
  J any = J::array();
  any.push_back({{"type", "null"}});
  any.push_back(Ref("bool"));
  if (!params.is_null()) any.push_back(std::move(params));
  return {{"anyOf", std::move(any)}};
}

J Definitions() {
  J d = J::object();
  constexpr const char* kUnit = "(us|\u00b5s|ms|s|min|h|d)";
  const std::string dur = std::string("[0-9]+(\\.[0-9]+)?\\s*") + kUnit;
  d["duration"] = {
      {"description", "a duration: 500us, 250ms, 1.5s, 2min, 1h, 1d, or 0"},
      {"anyOf", {{{"const", 0}}, {{"type", "string"}, {"pattern", "^\\s*(0|" + dur + ")\\s*$"}}}}};
  d["time"] = {
      {"description", "a time (8s) or an operation id with an optional offset (check-fail + 2s)"},
      {"anyOf",
       {Ref("duration"),
        {{"type", "string"},
         {"pattern", "^\\s*[A-Za-z_][A-Za-z0-9_.-]*\\s*([+-]\\s*(0|" + dur + "))?\\s*$"}}}}};
  d["name"] = {{"type", "string"},
               {"pattern", "^[A-Za-z][A-Za-z0-9_.-]{0,63}$"},
               {"description", "letters, digits, '_', '-', '.'; starting with a letter"}};
  d["ipv4"] = {{"type", "string"}, {"pattern", "^[0-9]{1,3}(\\.[0-9]{1,3}){3}$"}};
  // IPv6 (issue 18): hex groups and colons (inet_pton's syntax, checked by
  // the loader), optionally ending in a dotted quad.
  d["ipv6"] = {{"type", "string"}, {"pattern", "^[0-9A-Fa-f:]*:[0-9A-Fa-f:.]*$"}};
  d["ip"] = {{"anyOf", {Ref("ipv4"), Ref("ipv6")}}};
  d["ipv6List"] = {{"anyOf", {Ref("ipv6"), Arr(Ref("ipv6"), 1, 64)}}};
  d["bool"] = {{"description", "true/false, on/off or yes/no"},
               {"anyOf",
                {{{"type", "boolean"}},
                 Enum({"true", "false", "on", "off", "yes", "no", "True", "False", "On", "Off",
                       "Yes", "No", "TRUE", "FALSE", "ON", "OFF", "YES", "NO"})}}};
  d["probability"] = {{"description", "a probability 0..1 or a percentage such as 5%"},
                      {"anyOf",
                       {{{"type", "number"}, {"minimum", 0}, {"maximum", 1}},
                        {{"type", "string"}, {"pattern", "^\\s*[0-9]+(\\.[0-9]*)?%?\\s*$"}}}}};
  d["state"] = Enum({"MASTER", "BACKUP", "FAULT", "STOP", "INIT"});
  d["faultKind"] = {{"enum", J::array()}};
  for (auto k : kFaultKindNames) d["faultKind"]["enum"].push_back(std::string(k));
  d["linkDirection"] = Obj(
      {{"latency", Ref("duration")}, {"jitter", Ref("duration")}, {"loss", Ref("probability")}});
  d["linkParams"] = LinkParamsProps(Obj({}));
  // Timing profiles (issue 21, sim/scenario/timing_reader.h).
  d["delay"] = {
      {"description",
       "a delay: a duration, {quantiles: {p0: .., p50: .., p100: ..}} or {samples: [..]}"},
      {"anyOf",
       {Ref("duration"),
        Obj({{"quantiles",
              {{"type", "object"},
               {"propertyNames", {{"pattern", "^p(100|[0-9]{1,2})(\\.[0-9]{1,4})?$"}}},
               {"additionalProperties", Ref("duration")}}},
             {"samples", Arr(Ref("duration"), 1, 100000)}})}}};
  d["timing"] = {
      {"description",
       "how late the real daemon acts (docs/scenario-format.md, Timing): ideal (default), "
       "measured, or a profile"},
      {"anyOf",
       {Enum({"ideal", "measured"}),
        Obj({{"profile", Str("ideal, measured, or a profile file (JSON/YAML) relative to the "
                             "scenario file")},
             {"startup", Ref("delay")},
             {"startup_gap", Ref("delay")},
             {"operation_delay", Ref("delay")},
             {"stop_delay", Ref("delay")},
             {"check_delay", Ref("delay")},
             {"advert_delay", Ref("delay")},
             {"timer_wakeup", Ref("delay")},
             {"instance_gap", Ref("delay")}})}}};
  d["interface"] = Obj({{"name", Ref("name")},
                        {"address", Ref("ipv4")},
                        {"address6", Ref("ipv6List")},
                        {"link_local6", Ref("ipv6")},
                        {"segment", Ref("name")}},
                       {"name"});
  d["node"] = Obj(
      {{"name", Ref("name")},
       {"config", Str("the node's keepalived.conf, verbatim (config: |)")},
       {"config_file", Str("a keepalived.conf, relative to the scenario file")},
       {"address", Ref("ipv4")},
       {"address6", Ref("ipv6List")},
       {"link_local6", Ref("ipv6")},
       {"interface", Ref("name")},
       {"segment", Ref("name")},
       {"interfaces", Arr(Ref("interface"), 1, 64)},
       {"script_runtime", Ref("duration")},
       {"wakeup_jitter", Ref("duration")},
       {"timing", Ref("timing")},
       {"start",
        {{"anyOf", {Ref("duration"), Enum({"never", "false", "no", "off"}), {{"const", false}}}}}},
       {"config_id", Str("as keepalived -i")},
       {"shell", Enum({"dash", "bash"})}},
      {"name"});
  d["link"] = LinkParamsProps(Obj({{"node", Ref("name")}, {"interface", Ref("name")}}, {"node"}));
  d["trunk"] = LinkParamsProps(Obj({{"between", Arr(Ref("name"), 2, 2)}}, {"between"}));
  d["client"] = Obj({{"name", Ref("name")},
                     {"address", Ref("ipv4")},
                     {"address6", Ref("ipv6")},
                     {"link_local6", Ref("ipv6")},
                     {"segment", Ref("name")},
                     {"arp_recovery", Ref("duration")}},
                    {"name"});
  d["network"] = Obj({{"segments", Arr(Ref("name"))},
                      {"default_link", Ref("linkParams")},
                      {"links", Arr(Ref("link"))},
                      {"trunks", Arr(Ref("trunk"))},
                      {"clients", Arr(Ref("client"))}});

  d["repeat"] = Obj({{"every", Ref("duration")}, {"times", Int(1, 100000)}}, {"every", "times"},
                    "times occurrences, every apart, starting at at");
  J ops = J::array();
  ops.push_back(Op({"start", "stop", "crash", "restart", "power-off", "power-on"},
                   {{"node", Ref("name")}}, {"node"}));
  ops.push_back(Op({"pause"}, {{"node", Ref("name")}, {"for", Ref("duration")}}, {"node", "for"}));
  ops.push_back(
      Op({"reload"}, {{"node", Ref("name")}, {"config", Str()}, {"config_file", Str()}}, {"node"}));
  ops.push_back(Op({"check"},
                   {{"node", Ref("name")},
                    {"script", Ref("name")},
                    {"result", Enum({"succeed", "success", "ok", "fail", "failure", "timeout"})}},
                   {"node", "result"}));
  ops.push_back(
      Op({"link-down", "link-up"}, {{"node", Ref("name")}, {"interface", Ref("name")}}, {"node"}));
  ops.push_back(Op({"partition"}, {{"groups", Arr(Arr(Ref("name"), 1), 1)}}, {"groups"}));
  ops.push_back(Op({"heal"}, {}, {}));
  ops.push_back(
      Op({"block", "unblock"}, {{"from", Ref("name")}, {"to", Ref("name")}}, {"from", "to"}));
  ops.push_back(LinkParamsProps(
      Op({"link-params", "link"}, {{"node", Ref("name")}, {"interface", Ref("name")}}, {"node"})));
  ops.push_back(Op({"track-file"},
                   {{"node", Ref("name")}, {"file", Str()}, {"value", {{"type", "integer"}}}},
                   {"node", "file", "value"}));
  d["operation"] = {{"oneOf", std::move(ops)}};

  const J at = Ref("time");
  // An expectation's `family`: which of an IPv4 and an IPv6 instance of one
  // VRID it is about.
  const J family = {{"type", "integer"}, {"enum", J::array({4, 6})}};
  J ex = J::array();
  ex.push_back({{"const", "no_split_brain"}});
  ex.push_back(Expect("state",
                      {{"node", Ref("name")},
                       {"instance", Ref("name")},
                       {"vrid", Int(1, 255)},
                       {"family", family},
                       {"is", Ref("state")},
                       {"at", at},
                       {"from", at},
                       {"to", at}},
                      {"node", "is"}));
  ex.push_back(Expect("master",
                      {{"node", Ref("name")},
                       {"vrid", Int(1, 255)},
                       {"family", family},
                       {"at", at},
                       {"from", at},
                       {"to", at}},
                      {"node"}));
  ex.push_back(Expect("vip",
                      {{"node", Ref("name")},
                       {"vrid", Int(1, 255)},
                       {"family", family},
                       {"address", Ref("ip")},
                       {"at", at},
                       {"from", at},
                       {"to", at}},
                      {"node"}));
  ex.push_back(Expect("priority",
                      {{"node", Ref("name")},
                       {"instance", Ref("name")},
                       {"vrid", Int(1, 255)},
                       {"family", family},
                       {"is", Int(0, 255)},
                       {"at", at}},
                      {"node", "is", "at"}));
  {
    J nsb =
        Expect("no_split_brain", {{"vrid", Int(1, 255)},
                                  {"family", family},
                                  {"except", Arr(Obj({{"from", at}, {"to", at}}, {"from", "to"}))},
                                  {"masters_only", Ref("bool")},
                                  {"tolerance", Ref("duration")},
                                  {"while", Enum({"connected", "always"})}});
    // `- no_split_brain:` with nothing after it is the same as the plain word.
    J params = nsb["properties"]["no_split_brain"];
    nsb["properties"]["no_split_brain"] = {{"anyOf", {{{"type", "null"}}, std::move(params)}}};
    ex.push_back(std::move(nsb));
  }
  ex.push_back(Expect("split_brain", {{"vrid", Int(1, 255)},
                                      {"family", family},
                                      {"total_max", Ref("duration")},
                                      {"total_min", Ref("duration")},
                                      {"longest_max", Ref("duration")},
                                      {"masters_only", Ref("bool")}}));
  ex.push_back(Expect("failover",
                      {{"after", at},
                       {"within", Ref("duration")},
                       {"vrid", Int(1, 255)},
                       {"family", family},
                       {"node", Ref("name")}},
                      {"after", "within"}));
  ex.push_back(Expect("vip_downtime",
                      {{"vrid", Int(1, 255)},
                       {"family", family},
                       {"max", Ref("duration")},
                       {"from", at},
                       {"to", at}},
                      {"max"}));
  ex.push_back(Expect("flaps", {{"node", Ref("name")},
                                {"vrid", Int(1, 255)},
                                {"family", family},
                                {"max", Int(0, 1000000)},
                                {"min", Int(0, 1000000)}}));
  ex.push_back(Expect("converges", {{"after", at}, {"within", Ref("duration")}}, {"within"}));
  ex.push_back(Expect(
      "transitions",
      {{"node", Ref("name")},
       {"instance", Ref("name")},
       {"vrid", Int(1, 255)},
       {"family", family},
       {"sequence",
        Arr({{"anyOf", {Ref("state"), Obj({{"state", Ref("state")}, {"at", at}}, {"state"})}}})},
       {"from", at},
       {"to", at}},
      {"node", "sequence"}));
  ex.push_back(Expect("final", {{"node", Ref("name")},
                                {"instance", Ref("name")},
                                {"vrid", Int(1, 255)},
                                {"family", family},
                                {"is", Ref("state")},
                                {"master", Ref("name")}}));
  ex.push_back(Expect("client",
                      {{"name", Ref("name")},
                       {"address", Ref("ip")},
                       {"reaches", Ref("name")},
                       {"at", at},
                       {"from", at},
                       {"to", at},
                       {"downtime_max", Ref("duration")}},
                      {"name"}));
  ex.push_back(Expect("vip_available",
                      {{"within", Ref("duration")}, {"vrid", Int(1, 255)}, {"family", family}},
                      {"within"}));
  ex.push_back(Expect("no_flapping",
                      {{"max", Int(0, 1000000)},
                       {"window", Ref("duration")},
                       {"vrid", Int(1, 255)},
                       {"family", family}},
                      {"max", "window"}));
  d["expectation"] = {{"oneOf", std::move(ex)}};

  d["override"] = Obj({{"instance", Ref("name")},
                       {"priority", Int(1, 255)},
                       {"state", Enum({"MASTER", "BACKUP"})},
                       {"nopreempt", Ref("bool")},
                       {"preempt_delay", Ref("duration")},
                       {"advert_int", Ref("duration")},
                       {"script_weight",
                        {{"type", "object"},
                         {"propertyNames", Ref("name")},
                         {"additionalProperties", Int(-253, 253)}}}});
  J vary = {{"type", "object"},
            {"description", "one variant per combination of these values"},
            {"properties",
             {{"priority", Arr(Int(1, 255), 1)},
              {"state", Arr(Enum({"MASTER", "BACKUP"}), 1)},
              {"nopreempt", Arr(Ref("bool"), 1)},
              {"preempt_delay", Arr(Ref("duration"), 1)},
              {"advert_int", Arr(Ref("duration"), 1)}}},
            {"patternProperties", {{"^weight\\..+$", Arr(Int(-253, 253), 1)}}},
            {"additionalProperties", false}};
  d["matrix"] = Obj({{"node", Ref("name")},
                     {"nodes", Arr(Ref("name"), 1)},
                     {"instance", Ref("name")},
                     {"vary", std::move(vary)},
                     {"variants", Arr(Obj({{"name", Ref("name")},
                                           {"set",
                                            {{"type", "object"},
                                             {"propertyNames", Ref("name")},
                                             {"additionalProperties", Ref("override")}}},
                                           {"expect", Arr(Ref("expectation"))}},
                                          {"name"}),
                                      1, 1000)}});

  J weights = {{"type", "object"},
               {"propertyNames", Ref("faultKind")},
               {"additionalProperties", Int(0, 1000)}};
  d["explore"] = {
      {"anyOf",
       {{{"type", "null"}},
        Obj({{"duration", Ref("duration")},
             {"window", Obj({{"from", Ref("duration")}, {"to", Ref("duration")}})},
             {"quiet", Ref("duration")},
             {"max_faults", Int(1, 64)},
             {"min_faults", Int(0, 64)},
             {"min_gap", Ref("duration")},
             {"length", Obj({{"min", Ref("duration")}, {"max", Ref("duration")}})},
             {"open", Ref("probability")},
             {"weights", std::move(weights)},
             {"only", Arr(Ref("faultKind"), 1)},
             {"prefix", Ref("bool")},
             {"properties",
              {{"anyOf",
                {{{"type", "null"}},
                 Obj({{"no_split_brain", Property(Obj({{"tolerance", Ref("duration")},
                                                       {"while", Enum({"connected", "always"})},
                                                       {"masters_only", Ref("bool")}}))},
                      {"vip_available", Property(Obj({{"within", Ref("duration")}}))},
                      {"converges", Property(Obj({{"within", Ref("duration")}}))},
                      {"no_flapping",
                       Property(Obj({{"max", Int(0, 1000000)}, {"window", Ref("duration")}}))},
                      {"expect", Property(nullptr)}})}}}}})}}};
  return d;
}

}  // namespace

std::string ScenarioJsonSchema() {
  J s = J::object();
  s["$schema"] = "http://json-schema.org/draft-07/schema#";
  s["$id"] = "https://vrrpsim.invalid/scenario-schema.json";
  s["title"] = "vrrpsim scenario";
  s["description"] =
      "A keepalived/VRRP cluster, a timeline of operations and faults, and expectations "
      "(docs/scenario-format.md). Generated by `vrrpsim schema`.";
  J root = Obj({{"name", Str()},
                {"description", Str()},
                {"seed", {{"type", "integer"}, {"minimum", 0}}},
                {"duration", Desc(Ref("duration"), "how long to simulate (at most 30d)")},
                {"network", Ref("network")},
                {"nodes", Arr(Ref("node"), 1, 1000)},
                {"timeline", Arr(Ref("operation"))},
                {"expect", Arr(Ref("expectation"))},
                {"matrix", Ref("matrix")},
                {"wakeup_jitter", Ref("duration")},
                {"timing", Ref("timing")},
                {"explore", Ref("explore")}},
               {"name", "duration", "nodes"});
  for (auto it = root.begin(); it != root.end(); ++it) s[it.key()] = it.value();
  s["definitions"] = Definitions();
  return s.dump(2) + "\n";
}

}  // namespace vsim
