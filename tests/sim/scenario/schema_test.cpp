// The scenario JSON Schema (sim/scenario/schema.h) against the loader, both
// ways: every mapping whose keys the loader checks is a closed object of the
// schema with exactly those keys, and every closed object of the schema is
// such a mapping (tests/data/scenarios/schema/every-key.yaml reaches each);
// the lists the loader checks without a key list (operations, expectation
// kinds, matrix vary keys, explore fault kinds) are the schema's; every
// shipped scenario validates; docs/scenario-schema.json is `vrrpsim schema`.
//
// Debian bookworm has no JSON Schema validator for C++, so this file has a
// small one for the subset the schema uses: $ref, type, properties,
// required, additionalProperties, patternProperties, propertyNames, items,
// minItems, maxItems, maxProperties, enum, const, anyOf, oneOf, minimum,
// maximum, pattern. YAML scalars are typed as YAML 1.2's core schema does
// (what yaml-language-server does): null, true/false, integers, floats,
// anything else (and anything quoted) a string.
#include "sim/scenario/schema.h"

#include <fstream>
#include <functional>
#include <gtest/gtest.h>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>
#include <yaml-cpp/yaml.h>

#include "sim/scenario/explore_spec.h"
#include "sim/scenario/scenario.h"
#include "tests/sim/scenario/shipped.h"

namespace vsim {
namespace {

using nlohmann::json;

const json& Schema() {
  static const json s = json::parse(ScenarioJsonSchema());
  return s;
}

// A YAML scalar as the JSON value an editor sees.
json ScalarValue(const YAML::Node& n) {
  const std::string& s = n.Scalar();
  if (n.Tag() == "!") return s;  // quoted
  if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") return nullptr;
  if (s == "true" || s == "True" || s == "TRUE") return true;
  if (s == "false" || s == "False" || s == "FALSE") return false;
  static const std::regex kInt("^[-+]?[0-9]+$");
  static const std::regex kFloat("^[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?$");
  if (std::regex_match(s, kInt)) {
    try {
      return std::stoll(s);
    } catch (...) {
      return s;
    }
  }
  if (std::regex_match(s, kFloat)) return std::stod(s);
  return s;
}

std::string Where(const YAML::Node& n) {
  return std::to_string(n.Mark().line + 1) + ":" + std::to_string(n.Mark().column + 1);
}

// A mapping checked against a closed object: where, which keys, which object.
struct Visit {
  int line = 0, column = 0;
  std::set<std::string> keys;
  std::string object;  // the schema path of the closed object
};

bool IsClosed(const json& s) {
  return s.contains("properties") && s.value("additionalProperties", json(true)) == json(false) &&
         !s.contains("patternProperties") && !s.contains("maxProperties");
}

class Validator {
 public:
  // Empty string: valid. Otherwise the first problem, with its line:column.
  std::string Validate(const YAML::Node& n, const json& s, const std::string& path,
                       std::vector<Visit>* visits) {
    if (s.contains("$ref")) {
      const std::string ref = s["$ref"];
      const std::string prefix = "#/definitions/";
      if (ref.rfind(prefix, 0) != 0) return "unsupported $ref " + ref;
      const std::string name = ref.substr(prefix.size());
      return Validate(n, Schema()["definitions"][name], name, visits);
    }
    const bool scalar = n.IsScalar();
    const bool null = n.IsNull() || (scalar && ScalarValue(n).is_null());
    const json value = null ? json(nullptr) : scalar ? ScalarValue(n) : json();
    if (s.contains("anyOf") || s.contains("oneOf")) {
      const bool one = s.contains("oneOf");
      const json& branches = one ? s["oneOf"] : s["anyOf"];
      int matched = 0;
      std::vector<Visit> chosen;
      std::string first_error;
      for (std::size_t i = 0; i < branches.size(); ++i) {
        std::vector<Visit> v;
        const std::string e =
            Validate(n, branches[i], path + (one ? "/oneOf/" : "/anyOf/") + std::to_string(i), &v);
        if (e.empty()) {
          if (matched++ == 0) chosen = std::move(v);
          if (!one) break;
        } else if (e.size() > first_error.size()) {
          first_error = e;  // the most specific (longest) explanation
        }
      }
      if (matched == 0)
        return Where(n) + ": matches none of " + path + " (closest: " + first_error + ")";
      if (one && matched > 1) return Where(n) + ": matches several branches of " + path;
      visits->insert(visits->end(), chosen.begin(), chosen.end());
    }
    if (s.contains("type")) {
      const std::string t = s["type"];
      bool ok = false;
      if (t == "object")
        ok = n.IsMap();
      else if (t == "array")
        ok = n.IsSequence();
      else if (t == "null")
        ok = null;
      else if (t == "string")
        ok = !null && value.is_string();
      else if (t == "boolean")
        ok = !null && value.is_boolean();
      else if (t == "integer")
        ok = !null && value.is_number_integer();
      else if (t == "number")
        ok = !null && value.is_number();
      if (!ok) return Where(n) + ": not of type " + t + " (" + path + ")";
    }
    if (s.contains("const") && !(scalar || null ? value == s["const"] : false))
      return Where(n) + ": not " + s["const"].dump() + " (" + path + ")";
    if (s.contains("enum")) {
      bool found = false;
      if (scalar || null)
        for (const auto& e : s["enum"]) found = found || e == value;
      if (!found) return Where(n) + ": not one of " + s["enum"].dump() + " (" + path + ")";
    }
    if (s.contains("pattern") && value.is_string() &&
        !std::regex_search(value.get<std::string>(), std::regex(s["pattern"].get<std::string>())))
      return Where(n) + ": '" + value.get<std::string>() + "' does not match " +
             s["pattern"].get<std::string>() + " (" + path + ")";
    if (s.contains("minimum") && value.is_number() && value < s["minimum"])
      return Where(n) + ": below " + s["minimum"].dump();
    if (s.contains("maximum") && value.is_number() && value > s["maximum"])
      return Where(n) + ": above " + s["maximum"].dump();
    if (n.IsSequence()) {
      if (s.contains("minItems") && n.size() < s["minItems"].get<std::size_t>())
        return Where(n) + ": fewer than " + s["minItems"].dump() + " items (" + path + ")";
      if (s.contains("maxItems") && n.size() > s["maxItems"].get<std::size_t>())
        return Where(n) + ": more than " + s["maxItems"].dump() + " items (" + path + ")";
      if (s.contains("items"))
        for (const auto& item : n)
          if (auto e = Validate(item, s["items"], path + "/items", visits); !e.empty()) return e;
    }
    if (n.IsMap()) {
      if (s.contains("maxProperties") && n.size() > s["maxProperties"].get<std::size_t>())
        return Where(n) + ": more than " + s["maxProperties"].dump() + " keys (" + path + ")";
      std::set<std::string> keys;
      for (const auto& kv : n) {
        const std::string k = kv.first.Scalar();
        keys.insert(k);
        if (s.contains("propertyNames"))
          if (auto e = Validate(kv.first, s["propertyNames"], path + "/propertyNames", visits);
              !e.empty())
            return e;
        const json* sub = nullptr;
        std::string sub_path;
        if (s.contains("properties") && s["properties"].contains(k)) {
          sub = &s["properties"][k];
          sub_path = path + "/properties/" + k;
        } else if (s.contains("patternProperties")) {
          for (auto it = s["patternProperties"].begin(); it != s["patternProperties"].end(); ++it)
            if (std::regex_search(k, std::regex(it.key()))) {
              sub = &it.value();
              sub_path = path + "/patternProperties/" + it.key();
            }
        }
        if (!sub && s.contains("additionalProperties")) {
          if (s["additionalProperties"] == json(false))
            return Where(kv.first) + ": key '" + k + "' not allowed (" + path + ")";
          if (s["additionalProperties"].is_object()) {
            sub = &s["additionalProperties"];
            sub_path = path + "/additionalProperties";
          }
        }
        if (sub)
          if (auto e = Validate(kv.second, *sub, sub_path, visits); !e.empty()) return e;
      }
      if (s.contains("required"))
        for (const auto& r : s["required"])
          if (!keys.count(r.get<std::string>()))
            return Where(n) + ": missing '" + r.get<std::string>() + "' (" + path + ")";
      if (IsClosed(s)) {
        Visit v{n.Mark().line + 1, n.Mark().column + 1, {}, path};
        for (auto it = s["properties"].begin(); it != s["properties"].end(); ++it)
          v.keys.insert(it.key());
        visits->push_back(std::move(v));
      }
    }
    return "";
  }
};

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<std::string> Corpus() {
  auto files = vsim::testing::ShippedScenarios();
  files.push_back(std::string(VRRPSIM_TEST_DATA_DIR) + "/scenarios/schema/every-key.yaml");
  return files;
}

TEST(ScenarioSchema, IsCheckedInAsDocsScenarioSchemaJson) {
  const std::string checked_in =
      ReadAll(std::string(VRRPSIM_SOURCE_DIR) + "/docs/scenario-schema.json");
  EXPECT_EQ(checked_in, ScenarioJsonSchema())
      << "docs/scenario-schema.json is stale: vrrpsim schema > docs/scenario-schema.json";
  EXPECT_EQ(ScenarioJsonSchema(), ScenarioJsonSchema());
}

TEST(ScenarioSchema, EveryShippedScenarioValidates) {
  const auto files = Corpus();
  ASSERT_GT(files.size(), 20u);
  for (const auto& f : files) {
    SCOPED_TRACE(f);
    const YAML::Node doc = YAML::LoadFile(f);
    std::vector<Visit> visits;
    EXPECT_EQ(Validator().Validate(doc, Schema(), "", &visits), "");
  }
}

// Mapping by mapping: the loader's key list and the schema's closed object at
// the same line:column are the same set; and every closed object of the
// schema is reached by some file (so none is left untested).
TEST(ScenarioSchema, LoaderKeysAndSchemaKeysAreTheSame) {
  std::set<std::string> closed_reached;
  for (const auto& f : Corpus()) {
    SCOPED_TRACE(f);
    std::map<std::pair<int, int>, std::set<std::string>> loader;
    SetKeysCheckedHook([&](const vrrp::Location& where, const std::vector<std::string_view>& keys) {
      auto& k = loader[{where.line, where.column}];
      k.insert(keys.begin(), keys.end());
    });
    const ScenarioLoad load = LoadScenarioFile(f);
    SetKeysCheckedHook({});
    std::string why;
    for (const auto& d : load.diagnostics) why += d.message + "\n";
    ASSERT_TRUE(load.ok()) << f << ": " << why;
    for (const auto& d : load.diagnostics)
      EXPECT_NE(d.severity, vrrp::Severity::kFatal) << d.message;
    const YAML::Node doc = YAML::LoadFile(f);
    std::vector<Visit> visits;
    ASSERT_EQ(Validator().Validate(doc, Schema(), "", &visits), "");
    std::map<std::pair<int, int>, const Visit*> schema;
    for (const auto& v : visits) {
      schema[{v.line, v.column}] = &v;
      closed_reached.insert(v.object);
    }
    for (const auto& [at, keys] : loader) {
      const std::string where = std::to_string(at.first) + ":" + std::to_string(at.second);
      auto it = schema.find(at);
      if (it == schema.end()) {
        ADD_FAILURE() << where << ": the loader checks keys here, the schema has no closed object";
        continue;
      }
      std::set<std::string> only_loader, only_schema;
      for (const auto& k : keys)
        if (!it->second->keys.count(k)) only_loader.insert(k);
      for (const auto& k : it->second->keys)
        if (!keys.count(k)) only_schema.insert(k);
      for (const auto& k : only_loader)
        ADD_FAILURE() << where << " (" << it->second->object << "): the loader accepts '" << k
                      << "', the schema does not";
      for (const auto& k : only_schema)
        ADD_FAILURE() << where << " (" << it->second->object << "): the schema has '" << k
                      << "', the loader does not accept it";
    }
    for (const auto& [at, v] : schema)
      if (!loader.count(at))
        ADD_FAILURE() << at.first << ":" << at.second << ": the schema's closed object "
                      << v->object << " is not a mapping the loader checks";
  }
  // Every closed object in the schema, wherever it is nested.
  std::function<void(const json&, const std::string&)> walk = [&](const json& s,
                                                                  const std::string& path) {
    if (!s.is_object()) return;
    if (IsClosed(s)) {
      EXPECT_TRUE(closed_reached.count(path))
          << path << ": no test file reaches this object (add it to every-key.yaml)";
    }
    for (const char* k : {"anyOf", "oneOf"})
      if (s.contains(k))
        for (std::size_t i = 0; i < s[k].size(); ++i)
          walk(s[k][i], path + "/" + k + "/" + std::to_string(i));
    if (s.contains("items")) walk(s["items"], path + "/items");
    if (s.contains("properties"))
      for (auto it = s["properties"].begin(); it != s["properties"].end(); ++it)
        walk(it.value(), path + "/properties/" + it.key());
    if (s.contains("additionalProperties") && s["additionalProperties"].is_object())
      walk(s["additionalProperties"], path + "/additionalProperties");
  };
  walk(Schema(), "");
  for (auto it = Schema()["definitions"].begin(); it != Schema()["definitions"].end(); ++it)
    walk(it.value(), it.key());
}

// The list in the loader's message for an unknown word, e.g. "(expected one
// of: start stop ...)".
std::set<std::string> ExpectedList(const std::string& yaml, const std::string& after) {
  const ScenarioLoad load = LoadScenarioText(yaml, "t.yaml", ".");
  for (const auto& d : load.diagnostics) {
    const auto p = d.message.find(after);
    if (p == std::string::npos) continue;
    std::string rest = d.message.substr(p + after.size());
    rest = rest.substr(0, rest.find(')'));
    std::set<std::string> out;
    std::string word;
    for (char c : rest + " ") {
      if (c == ' ' || c == ',' || c == ':') {
        if (!word.empty() && word != "or") out.insert(word);
        word.clear();
      } else {
        word += c;
      }
    }
    return out;
  }
  ADD_FAILURE() << "no message with '" << after << "'";
  return {};
}

constexpr const char* kBase = R"(name: t
duration: 5min
nodes:
  - name: n1
    config: |
      vrrp_instance VI_1 {
          interface eth0
          virtual_router_id 1
          priority 100
          virtual_ipaddress {
              10.0.0.100/24
          }
      }
)";

TEST(ScenarioSchema, OperationsExpectationsVaryKeysAndFaultKindsAreTheLoaders) {
  const json& d = Schema()["definitions"];
  std::set<std::string> ops;
  for (const auto& branch : d["operation"]["oneOf"])
    for (const auto& o : branch["properties"]["op"]["enum"]) ops.insert(o);
  auto loader_ops =
      ExpectedList(std::string(kBase) + "timeline:\n  - {at: 1s, op: zzz}\n", "expected one of");
  loader_ops.insert("link");  // the alias of link-params, not in the message
  EXPECT_EQ(ops, loader_ops);

  std::set<std::string> kinds;
  for (const auto& branch : d["expectation"]["oneOf"]) {
    if (branch.contains("const")) continue;
    for (auto it = branch["properties"].begin(); it != branch["properties"].end(); ++it)
      kinds.insert(it.key());
  }
  EXPECT_EQ(kinds,
            ExpectedList(std::string(kBase) + "expect:\n  - zzzzzzzz: {}\n", "expected one of"));

  std::set<std::string> vary;
  const json& v = d["matrix"]["properties"]["vary"];
  for (auto it = v["properties"].begin(); it != v["properties"].end(); ++it) vary.insert(it.key());
  vary.insert("weight.<vrrp_script>");
  EXPECT_TRUE(v["patternProperties"].contains("^weight\\..+$"));
  EXPECT_EQ(vary, ExpectedList(std::string(kBase) + "matrix:\n  vary:\n    zzzzzzzz: [1]\n",
                               "(expected"));

  std::set<std::string> faults;
  for (const auto& k : d["faultKind"]["enum"]) faults.insert(k);
  std::set<std::string> loader_faults;
  for (auto k : kFaultKindNames) loader_faults.insert(std::string(k));
  EXPECT_EQ(faults, loader_faults);
  for (const auto& k : faults) {  // and the loader takes each as a weight
    const ScenarioLoad load = LoadScenarioText(
        std::string(kBase) + "explore:\n  weights: {" + k + ": 1}\n", "t.yaml", ".");
    std::string why;
    for (const auto& d : load.diagnostics) why += d.message + "\n";
    EXPECT_TRUE(load.ok()) << k << ": " << why;
  }
}

// The validator itself: wrong things are caught.
TEST(ScenarioSchema, ValidatorRejectsWhatTheLoaderRejects) {
  for (const char* bad : {"nodes: []\n", "duration: 10s\nnodes:\n  - {name: n1, colour: red}\n",
                          "name: t\nduration: 10\nnodes:\n  - {name: n1}\n",
                          "name: t\nduration: 10s\nnodes:\n  - {name: n1}\ntimeline:\n"
                          "  - {at: 1s, op: heal, node: n1}\n",
                          "name: t\nduration: 10s\nnodes:\n  - {name: n1}\nexpect:\n"
                          "  - master: {node: n1, at: 1s}\n    vip: {node: n1, at: 1s}\n"}) {
    std::vector<Visit> visits;
    EXPECT_NE(Validator().Validate(YAML::Load(bad), Schema(), "", &visits), "") << bad;
  }
}

}  // namespace
}  // namespace vsim
