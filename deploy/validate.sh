#!/usr/bin/env bash
# Validates Meridian's deployment artefacts with real tools:
#   yamllint (Debian yamllint), promtool check/test rules (Debian prometheus), kubectl kustomize,
#   and the Kubernetes and prometheus-operator schemas of the npm packages kubernetes-models and
#   @kubernetes-models/prometheus-operator (their validate(); deploy/.tools/validate-manifests.mjs).
# Installs what is missing (idempotent): apt packages prometheus and yamllint, and the npm packages
# of deploy/.tools/package-lock.json into deploy/.tools/node_modules. Needs kubectl with kustomize
# v4 or later (docs/kubernetes.md, "Validating the manifests"), Node.js 18+ and npm.
# Runs every check, prints a summary line, and exits non-zero if any check failed.
#   deploy/validate.sh
set -euo pipefail

DEPLOY="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(dirname "$DEPLOY")"
TOOLS="$DEPLOY/.tools"
OVERLAYS=(us-east eu-west ap-southeast)
START=$SECONDS

log() { printf '\n== %s\n' "$*"; }
die() { printf 'validate.sh: %s\n' "$*" >&2; exit 1; }

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 && SUDO="sudo"
fi

# ---------------------------------------------------------------- tools
install_tools() {
  local missing=()
  command -v promtool >/dev/null 2>&1 || missing+=(prometheus)
  command -v yamllint >/dev/null 2>&1 || missing+=(yamllint)
  if [ ${#missing[@]} -gt 0 ]; then
    log "installing Debian packages: ${missing[*]}"
    command -v apt-get >/dev/null 2>&1 || die "apt-get not found; install ${missing[*]} by hand"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
  command -v promtool >/dev/null 2>&1 || die "promtool still missing after installing prometheus"
  command -v yamllint >/dev/null 2>&1 || die "yamllint still missing"

  # kubectl: preinstalled on this project's machines. Debian's only package of it
  # (kubernetes-client, 1.20) embeds kustomize v2.0.3, which cannot read these kustomizations,
  # so it is not a fallback: ask for a current kubectl instead.
  command -v kubectl >/dev/null 2>&1 ||
    die "kubectl not found: install kubectl 1.27+ (kustomize v5 inside); see docs/kubernetes.md"
  local kv
  kv="$(kubectl version --client 2>/dev/null | sed -n 's/^Kustomize Version: v\([0-9]*\).*/\1/p')"
  if [ -z "$kv" ] || [ "$kv" -lt 4 ]; then
    die "kubectl's kustomize is older than v4 ($(kubectl version --client 2>&1 | head -1)); need kubectl 1.21+"
  fi

  command -v node >/dev/null 2>&1 || die "node not found"
  command -v npm >/dev/null 2>&1 || die "npm not found"
  # npm ci only when node_modules does not match the committed lock file.
  if ! cmp -s "$TOOLS/package-lock.json" "$TOOLS/node_modules/.meridian-lock" 2>/dev/null; then
    log "installing npm packages into deploy/.tools (npm ci)"
    (cd "$TOOLS" && npm ci --no-audit --no-fund --loglevel=error)
    cp "$TOOLS/package-lock.json" "$TOOLS/node_modules/.meridian-lock"
  fi
}

# ---------------------------------------------------------------- checks
RENDERED="$(mktemp -d)"
trap 'rm -rf "$RENDERED"' EXIT

check_yamllint() {
  (cd "$DEPLOY" && yamllint -c .yamllint --strict .)
  echo "yamllint: no problems"
}

check_config_files() {
  # The Kubernetes cluster.xml differs from the repository's in <join> and a few properties only:
  # everything from </network> on (maps, backups, merge policy) must stay identical.
  diff -u <(sed -n '/^  <\/network>$/,$p' "$REPO/cluster.xml") \
          <(sed -n '/^  <\/network>$/,$p' "$DEPLOY/k8s/base/config/cluster.xml") ||
    { echo "deploy/k8s/base/config/cluster.xml drifted from cluster.xml after </network>"; return 1; }
  [ "$(sed -n '/^  <\/network>$/,$p' "$REPO/cluster.xml" | wc -l)" -gt 5 ] ||
    { echo "cluster.xml: no </network> section found"; return 1; }
  echo "cluster.xml: data-structure section identical to the repository's"
  node -e 'JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"))' \
    "$DEPLOY/k8s/base/config/catalog.json"
  local jar="$REPO/launcher/target/meridian.jar"
  if [ -f "$jar" ]; then
    java -cp "$jar" "$TOOLS/CheckCatalog.java" "$DEPLOY/k8s/base/config/catalog.json"
  else
    echo "catalog.json: valid JSON (launcher/target/meridian.jar not built: Meridian's own catalog check skipped)"
  fi
}

check_rules() {
  node "$TOOLS/prometheusrule.mjs" --check
  promtool check rules "$DEPLOY/k8s/base/prometheus/meridian-rules.yaml"
}

check_rule_tests() {
  (cd "$DEPLOY/k8s/tests" && promtool test rules ./*.yaml)
}

check_queries() {
  node "$TOOLS/check-queries.mjs" "$RENDERED/dashboard-queries.yaml"
  echo "promtool check of the dashboard's queries:"
  promtool check rules "$RENDERED/dashboard-queries.yaml"
}

check_exemplar_links() {
  # The latency panels ask for exemplars, and the data source links an exemplar's trace_id to a trace.
  node -e '
    const fs = require("fs");
    const [dashboardFile, datasourceFile] = process.argv.slice(1);
    const dashboard = JSON.parse(fs.readFileSync(dashboardFile, "utf8"));
    const wanted = ["meridian_request_duration_seconds", "meridian_ttft_seconds", "meridian_router_overhead_seconds"];
    for (const metric of wanted) {
      const targets = dashboard.panels.flatMap(p => p.targets || []).filter(t => (t.expr || "").includes(metric + "_bucket"));
      if (!targets.length || !targets.every(t => t.exemplar === true)) {
        console.error(`dashboard: the panels on ${metric} must set "exemplar": true`); process.exit(1);
      }
    }
    const datasource = fs.readFileSync(datasourceFile, "utf8");
    if (!/exemplarTraceIdDestinations:\s*\n\s*- name: trace_id\s*\n\s*datasourceUid: \S+/.test(datasource)) {
      console.error("datasource.yaml: no exemplarTraceIdDestinations entry for trace_id"); process.exit(1);
    }
    console.log(`dashboard: exemplars on ${wanted.length} histograms; datasource links trace_id to a trace`);
  ' "$DEPLOY/grafana/meridian-dashboard.json" "$DEPLOY/grafana/datasource.yaml"
}

check_manifests() {
  local args=() overlay
  for overlay in "${OVERLAYS[@]}"; do
    kubectl kustomize "$DEPLOY/k8s/overlays/$overlay" > "$RENDERED/$overlay.yaml"
    args+=("$overlay=$RENDERED/$overlay.yaml")
  done
  node "$TOOLS/validate-manifests.mjs" "${args[@]}"
}

# ---------------------------------------------------------------- main
install_tools

PASSED=0
FAILED=0
FAILURES=()
run() {
  local name="$1"
  log "$name"
  set +e
  (set -e; "$2")
  local rc=$?
  set -e
  if [ $rc -eq 0 ]; then
    PASSED=$((PASSED + 1))
  else
    FAILED=$((FAILED + 1))
    FAILURES+=("$name")
    echo "FAILED: $name"
  fi
}

run "yamllint" check_yamllint
run "config files (cluster.xml, catalog.json)" check_config_files
run "promtool check rules" check_rules
run "promtool test rules" check_rule_tests
run "metric names, runbook anchors, dashboard queries" check_queries
run "dashboard exemplar links" check_exemplar_links
run "kubectl kustomize + schema validation per overlay" check_manifests

echo
if [ $FAILED -gt 0 ]; then
  printf 'failed checks: %s\n' "${FAILURES[*]}"
fi
echo "deploy/validate.sh finished in $((SECONDS - START)) s"
echo "checks: $PASSED passed, $FAILED failed"
[ $FAILED -eq 0 ]
