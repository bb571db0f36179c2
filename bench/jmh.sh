#!/usr/bin/env bash
# JMH micro-benchmarks of the request path's pure code: route selection (default catalog and 100 to
# 10,000 synthetic endpoints), ChatRequestParser.parse, health-snapshot updates, client-key checks and
# SSE chunk forwarding (SseUsageFilter) and response header encoding (String against ASCII names), in
# ns/op with bytes allocated per op (-prof gc).
#
#   bench/jmh.sh                       # short run: -wi 2 -i 3 -f 1, 1 s iterations (~3 minutes)
#   bench/jmh.sh RouteSelection        # only benchmarks matching a regex; extra JMH flags pass through
#   JMH_FLAGS="-wi 5 -i 10 -f 2" bench/jmh.sh
#
# bench/jmh is a standalone Maven project (not in the root reactor). It depends on dev.meridian's
# meridian-core and router-verticle 0.1.0-SNAPSHOT, which this script first installs into ~/.m2 from the
# committed tree at BENCH_REF (default HEAD; `git archive`, so working-tree edits are not measured).
# Writes bench/results/jmh-<time>.json (JMH's JSON) and prints a summary table.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
trap cleanup EXIT

command -v mvn >/dev/null || apt_install mvn maven
command -v java >/dev/null || die "java 17 is required"
command -v node >/dev/null || apt_install node nodejs

mvn_build() { # offline first (fast when ~/.m2 has everything), then online
  mvn -q -B -o "$@" >/dev/null 2>&1 || mvn -q -B "$@" >&2
}

SRC="$WORK/jmh-core-src"
if commit="$(git -C "$ROOT" rev-parse --verify "${BENCH_REF:-HEAD}^{commit}" 2>/dev/null)"; then
  log "installing meridian-core and router-verticle from commit ${commit:0:12} into ~/.m2"
  rm -rf "$SRC" && mkdir -p "$SRC"
  git -C "$ROOT" archive "$commit" | tar -x -C "$SRC"
  (cd "$SRC" && mvn_build -DskipTests -pl meridian-core,router-verticle -am install)
  rm -rf "$SRC"
else
  commit=working-tree
  log "installing meridian-core and router-verticle from the working tree into ~/.m2"
  (cd "$ROOT" && mvn_build -DskipTests -pl meridian-core,router-verticle -am install)
fi

log "building bench/jmh/target/benchmarks.jar"
(cd "$BENCH_DIR/jmh" && mvn_build -DskipTests package)

STAMP="$(date -u +%Y%m%dT%H%M%SZ)"
OUT="$RESULTS/jmh-$STAMP.json"
# shellcheck disable=SC2086
java -jar "$BENCH_DIR/jmh/target/benchmarks.jar" ${JMH_FLAGS:--wi 2 -i 3 -f 1 -w 1s -r 1s} -prof gc \
  -rf json -rff "$OUT" "$@" | tee "$WORK/jmh-$STAMP.log" | grep -E '^(# Run progress|Benchmark|[A-Z][A-Za-z]+Benchmark\.)' >&2 || true
[[ -s "$OUT" ]] || die "JMH wrote no results (see $WORK/jmh-$STAMP.log)"
cp "$OUT" "$RESULTS/jmh-latest.json"

echo
echo "JMH, meridian-core ${commit:0:12}, $(java -version 2>&1 | head -1), $NCPU CPUs (shared with anything else running)"
node -e '
  const rs = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  const rows = [["benchmark", "params", "ns/op", "±", "B/op"]];
  for (const r of rs) {
    const name = r.benchmark.replace(/^.*\.([A-Za-z]+Benchmark\.[A-Za-z]+)$/, "$1");
    const params = Object.entries(r.params || {}).map(([k, v]) => `${k}=${v}`).join(",");
    const alloc = r.secondaryMetrics && r.secondaryMetrics["gc.alloc.rate.norm"];
    rows.push([name, params, r.primaryMetric.score.toFixed(1), (r.primaryMetric.scoreError || 0).toFixed(1),
      alloc ? alloc.score.toFixed(0) : "-"]);
  }
  const w = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  for (const [i, r] of rows.entries()) {
    console.log(r.map((c, j) => (j < 2 ? c.padEnd(w[j]) : c.padStart(w[j]))).join("  "));
    if (i === 0) console.log(w.map((n) => "-".repeat(n)).join("  "));
  }
' "$OUT"
echo "results: $OUT"
