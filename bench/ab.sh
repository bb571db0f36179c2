#!/usr/bin/env bash
# Two builds of the router side by side in one run, for changes smaller than the drift of a noisy
# machine between two separate runs (on the 2-core benchmark machine a build's throughput moved by up
# to 30% between runs minutes apart). Both routers run at once against one simulator; closed-loop
# wrk runs alternate between them (A B B A A B ...), so whatever the machine does over time hits
# both alike. Prints, per build, the median of its runs: req/s and router CPU µs per request at
# CONNS connections.
#
#   bench/ab.sh BEFORE_REF AFTER_REF            # e.g. bench/ab.sh 10c779f HEAD
#
# Environment: ROUNDS (6 runs per build), DURATION_S (10), CONNS (16), WARMUP_S (75, per build,
# both warmed before any run is measured), JAVA_OPTS (both routers and the simulator).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
trap cleanup EXIT
trap 'exit 130' INT TERM

[[ $# -eq 2 ]] || die "usage: bench/ab.sh BEFORE_REF AFTER_REF"
ROUNDS="${ROUNDS:-6}"
DURATION_S="${DURATION_S:-10}"
CONNS="${CONNS:-16}"
WARMUP_S="${WARMUP_S:-75}"

apt_install wrk wrk curl curl
command -v node >/dev/null || apt_install node nodejs

declare -A JARS COMMITS PORTS PIDS
for side in A B; do
  ref="$1"; shift
  JAR="$WORK/ab-$side.jar" BENCH_REF="$ref" BENCH_REBUILD=1 ensure_jar
  JARS[$side]="$WORK/ab-$side.jar"
  COMMITS[$side]="$(sed -n 2p "$WORK/ab-$side.jar.info")"
done

SIM_PORT="$(free_port)"
JAR="${JARS[A]}" start_simulator "$SIM_PORT" 0
wait_http "http://127.0.0.1:$SIM_PORT/us-east/qwen/v1/models" "$SIM_PID"
for side in A B; do
  PORTS[$side]="$(free_port)"
  JAR="${JARS[$side]}"
  start_router "${PORTS[$side]}" "$SIM_PORT"
  PIDS[$side]=$ROUTER_PID
  wait_http "http://127.0.0.1:${PORTS[$side]}/readyz" "$ROUTER_PID" 90
done

RUN_DIR="$WORK/ab-runs"
rm -rf "$RUN_DIR" && mkdir -p "$RUN_DIR"
BODY="$RUN_DIR/body.json"
write_chat_body "$BODY"
HEADERS="$RUN_DIR/headers"
echo "$MERIDIAN_AUTH_HEADER" >"$HEADERS"
url() { echo "http://127.0.0.1:${PORTS[$1]}/v1/chat/completions"; }

for side in A B; do
  log "warm-up: build $side (${COMMITS[$side]:0:12}) for ${WARMUP_S}s at $CONNS connections"
  wrk_run "$(url "$side")" "$CONNS" "$WARMUP_S" "$BODY" "$RUN_DIR/warm-$side.json" "$HEADERS"
done

order=()
for ((i = 0; i < ROUNDS; i++)); do
  if ((i % 2 == 0)); then order+=(A B); else order+=(B A); fi
done
n=0
for side in "${order[@]}"; do
  n=$((n + 1))
  wait_quiet "${PIDS[A]}" "${PIDS[B]}" "$SIM_PID"
  c0=$(cpu_ticks "${PIDS[$side]}")
  wrk_run "$(url "$side")" "$CONNS" "$DURATION_S" "$BODY" "$RUN_DIR/run-$n-$side.json" "$HEADERS"
  c1=$(cpu_ticks "${PIDS[$side]}")
  node -e '
    const fs = require("fs");
    const [file, side, ticks, tck] = process.argv.slice(1);
    const r = JSON.parse(fs.readFileSync(file, "utf8"));
    const requests = r.requests || Math.round(r.rps * r.duration_s);
    r.side = side; r.router_cpu_us_per_request = (+ticks / +tck) * 1e6 / requests;
    fs.writeFileSync(file, JSON.stringify(r));
    console.error(`[ab] run ${file.match(/run-(\d+)/)[1]} ${side}: ${r.rps.toFixed(0)} req/s, ${r.router_cpu_us_per_request.toFixed(1)} µs CPU/request, p50 ${r.latency_us.p50}µs`);
  ' "$RUN_DIR/run-$n-$side.json" "$side" $((c1 - c0)) "$CLK_TCK"
done

node -e '
  const fs = require("fs");
  const [dir, a, b, conns, results] = process.argv.slice(1);
  const runs = fs.readdirSync(dir).filter(f => /^run-\d+-[AB]\.json$/.test(f)).map(f => JSON.parse(fs.readFileSync(dir + "/" + f, "utf8")));
  const med = xs => { const s = [...xs].sort((x, y) => x - y); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
  const stat = side => { const rs = runs.filter(r => r.side === side);
    return { runs: rs.length, rps: med(rs.map(r => r.rps)), cpu: med(rs.map(r => r.router_cpu_us_per_request)), p50: med(rs.map(r => r.latency_us.p50)),
             rpsAll: rs.map(r => Math.round(r.rps)) }; };
  const A = stat("A"), B = stat("B");
  console.log(`Interleaved A/B at ${conns} connections (medians of ${A.runs} runs each)`);
  console.log(`build     commit        req/s   router CPU µs/request   p50 µs   runs (req/s)`);
  console.log(`A before  ${a.slice(0, 12)}  ${A.rps.toFixed(0).padStart(6)}   ${A.cpu.toFixed(1).padStart(21)}   ${String(A.p50).padStart(6)}   ${A.rpsAll.join(" ")}`);
  console.log(`B after   ${b.slice(0, 12)}  ${B.rps.toFixed(0).padStart(6)}   ${B.cpu.toFixed(1).padStart(21)}   ${String(B.p50).padStart(6)}   ${B.rpsAll.join(" ")}`);
  console.log(`B/A: throughput x${(B.rps / A.rps).toFixed(3)}, CPU per request x${(B.cpu / A.cpu).toFixed(3)}`);
  fs.writeFileSync(results + "/ab-latest.json", JSON.stringify({ a, b, conns: +conns, A, B }, null, 2) + "\n");
' "$RUN_DIR" "${COMMITS[A]}" "${COMMITS[B]}" "$CONNS" "$RESULTS"
