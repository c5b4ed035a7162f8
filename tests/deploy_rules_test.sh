#!/usr/bin/env bash
# Checks the operator artefacts of deploy/ (see deploy/README.md):
#   - deploy/prometheus/alerts.yml       promtool check rules
#   - deploy/prometheus/alerts_test.yml  promtool test rules (and that every
#                                        alert of alerts.yml is tested)
#   - deploy/prometheus/prometheus.yml   promtool check config
#   - deploy/grafana/troupe-dashboard.json
#       valid JSON; every panel (rows aside) has a datasource and a target
#       with a non-empty expr; the `node` variable is there; every expr
#       parses as PromQL (promtool check rules on a scratch rule file, with
#       the Grafana variables replaced)
#   - every troupe_* / process_* metric named in alerts.yml or in an expr of
#     the dashboard is registered in the C++ sources: it appears there as a
#     string literal ("name", histogram suffixes _bucket/_count/_sum
#     stripped), in a *.cpp/*.hpp outside build*/ and tests/. Renaming a
#     metric in the code without updating deploy/ fails here.
#
# Usage: tests/deploy_rules_test.sh REPO_ROOT   (ctest: deploy_rules_test)
# Exits non-zero, naming what failed, on any failure.
set -euo pipefail

root="${1:?usage: $0 REPO_ROOT}"
root="$(cd "$root" && pwd)"
prom="$root/deploy/prometheus"
dashboard="$root/deploy/grafana/troupe-dashboard.json"

if ! command -v promtool > /dev/null; then
  echo "promtool not installed (Debian package 'prometheus', see scripts/setup)" >&2
  exit 1
fi
if ! command -v python3 > /dev/null; then
  echo "python3 not installed" >&2
  exit 1
fi

scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT

failures=()

# Runs "$@" in the current directory, prints its output; records a failure.
check() {
  local what="$1"
  shift
  echo "== $what"
  if ! "$@" 2>&1; then
    failures+=("$what")
  fi
}

# --- Prometheus rules and config -------------------------------------------
# From deploy/prometheus, where rule_files (alerts.yml) resolve.
in_prom() { (cd "$prom" && "$@"); }
check "promtool check rules alerts.yml" in_prom promtool check rules alerts.yml
check "promtool test rules alerts_test.yml" in_prom promtool test rules alerts_test.yml
check "promtool check config prometheus.yml" in_prom promtool check config prometheus.yml

# --- Dashboard, tests of every alert, metric names ----------------------------
echo "== dashboard JSON, alert coverage, metric names"
if ! python3 - "$root" "$scratch" << 'PY'
import json
import os
import re
import sys

root, scratch = sys.argv[1], sys.argv[2]
prom = os.path.join(root, "deploy", "prometheus")
dashboard_path = os.path.join(root, "deploy", "grafana", "troupe-dashboard.json")
errors = []

# The dashboard parses, and its panels query something.
try:
    with open(dashboard_path) as f:
        dashboard = json.load(f)
except (OSError, ValueError) as e:
    print(f"FAIL: {dashboard_path}: not valid JSON: {e}")
    sys.exit(1)


def all_panels(panels):
    for p in panels:
        yield p
        yield from all_panels(p.get("panels", []))  # a collapsed row's


exprs = []
panel_count = 0
ids = set()
for p in all_panels(dashboard.get("panels", [])):
    title = p.get("title", "?")
    if p.get("id") in ids:
        errors.append(f"dashboard: panel id {p.get('id')} used twice ({title})")
    ids.add(p.get("id"))
    if p.get("type") == "row":
        continue
    panel_count += 1
    if not p.get("datasource"):
        errors.append(f"dashboard: panel '{title}' has no datasource")
    targets = [t for t in p.get("targets", []) if str(t.get("expr", "")).strip()]
    if not targets:
        errors.append(f"dashboard: panel '{title}' has no target with a non-empty expr")
    exprs += [(title, t["expr"]) for t in targets]
if panel_count == 0:
    errors.append("dashboard: no panels")
if not isinstance(dashboard.get("schemaVersion"), int):
    errors.append("dashboard: no schemaVersion")
variables = {v.get("name"): v for v in dashboard.get("templating", {}).get("list", [])}
node = variables.get("node") or {}
node_query = node.get("query")
if isinstance(node_query, dict):
    node_query = node_query.get("query")
if node_query != 'label_values(up{job="troupe"}, instance)':
    errors.append('dashboard: no `node` variable over label_values(up{job="troupe"}, instance)')
for v in variables.values():
    if v.get("type") == "query":
        q = v.get("query")
        exprs_q = q.get("query") if isinstance(q, dict) else q
        m = re.match(r"\s*label_values\((.*),\s*\w+\)\s*$", exprs_q or "")
        if m:
            exprs.append((f"variable {v['name']}", m.group(1)))

# Every expr parses: promtool check rules on recording rules holding them,
# Grafana's variables replaced by values PromQL accepts.
def promql(expr):
    for var, value in (("$__rate_interval", "1m"), ("$__interval", "1m"),
                       ("$__range", "1h"), ("$node", ".*"), ("$campaign", ".*"),
                       ("${datasource}", "")):
        expr = expr.replace(var, value)
    return expr


with open(os.path.join(scratch, "dashboard_rules.yml"), "w") as f:
    f.write("groups:\n  - name: dashboard\n    rules:\n")
    for i, (title, expr) in enumerate(exprs):
        f.write(f"      - record: dashboard_expr_{i}\n")
        f.write(f"        expr: {json.dumps(promql(expr))}\n")
with open(os.path.join(scratch, "dashboard_exprs.txt"), "w") as f:
    for i, (title, expr) in enumerate(exprs):
        f.write(f"dashboard_expr_{i}: {title}: {expr}\n")

# Every alert of alerts.yml has a test in alerts_test.yml.
with open(os.path.join(prom, "alerts.yml")) as f:
    alerts_text = f.read()
with open(os.path.join(prom, "alerts_test.yml")) as f:
    tests_text = f.read()
alerts = re.findall(r"^\s*-\s*alert:\s*(\S+)", alerts_text, re.M)
if not alerts:
    errors.append("alerts.yml: no alerts found")
tested = set(re.findall(r"^\s*alertname:\s*(\S+)", tests_text, re.M))
for a in alerts:
    if a not in tested:
        errors.append(f"alerts_test.yml: alert {a} has no test")

# Every troupe_*/process_* metric used exists in the C++ sources, as a string
# literal (the name given to prometheus-cpp), outside build*/ and tests/.
literals = set()
for dirpath, dirnames, filenames in os.walk(root):
    rel = os.path.relpath(dirpath, root)
    if rel == ".":
        dirnames[:] = [d for d in dirnames
                       if not d.startswith("build") and d not in (".git", "tests", "var")]
    for name in filenames:
        if name.endswith((".cpp", ".hpp")):
            try:
                with open(os.path.join(dirpath, name), errors="replace") as f:
                    literals.update(re.findall(r'"((?:troupe|process)_[A-Za-z0-9_]+)"', f.read()))
            except OSError:
                pass

name_re = re.compile(r"\b((?:troupe|process)_[A-Za-z0-9_]+)")


def registered(metric):
    if metric in literals:
        return True
    base = re.sub(r"_(bucket|count|sum)$", "", metric)
    return base != metric and base in literals


used = {}
for title, expr in exprs:
    for m in name_re.findall(expr):
        used.setdefault(m, set()).add(f"dashboard panel '{title}'")
for lineno, line in enumerate(alerts_text.splitlines(), 1):
    for m in name_re.findall(line):
        used.setdefault(m, set()).add(f"alerts.yml:{lineno}")
for metric in sorted(used):
    if not registered(metric):
        errors.append(f"metric {metric} is not registered in the C++ sources "
                      f"(used in {', '.join(sorted(used[metric]))})")

print(f"dashboard: {panel_count} panels, {len(exprs)} queries; "
      f"alerts: {len(alerts)} ({', '.join(alerts)}), all tested; "
      f"metrics checked against the sources: {len(used)}")
print("  " + " ".join(sorted(used)))
for e in errors:
    print("FAIL: " + e)
sys.exit(1 if errors else 0)
PY
then
  failures+=("dashboard JSON, alert coverage, metric names")
fi

echo "== promtool check rules (the dashboard's queries as PromQL)"
if [ ! -f "$scratch/dashboard_rules.yml" ]; then
  failures+=("dashboard queries parse as PromQL (not reached)")
elif ! promtool check rules "$scratch/dashboard_rules.yml" 2>&1; then
  echo "the queries, by rule name:"
  cat "$scratch/dashboard_exprs.txt"
  failures+=("dashboard queries parse as PromQL")
fi

if [ ${#failures[@]} -gt 0 ]; then
  echo "deploy_rules_test: FAILED:"
  printf '  %s\n' "${failures[@]}"
  exit 1
fi
echo "deploy_rules_test: OK"
