#!/usr/bin/env bash
# Two builds of the router side by side in one run, for changes smaller than the drift of a noisy
# machine between two separate runs (on the 2-core benchmark machine a build's throughput moved by up
# to 30% between runs minutes apart). Both routers run at once against one simulator; closed-loop
# wrk runs alternate between them (A B B A A B ...), so whatever the machine does over time hits
# both alike. Prints, per build, the median of its runs: req/s and router CPU µs per request at
# CONNS connections.
#
#   bench/ab.sh BEFORE_REF AFTER_REF            # e.g. bench/ab.sh 10c779f HEAD
#   FLAGS_B="--router-instances 1" bench/ab.sh HEAD HEAD   # one build, two settings
#   RATE=5000 bench/ab.sh 10c779f HEAD          # fixed-rate runs (h2load) instead, with the simulator
#                                               # called direct as a third side, for added latency
#
# Environment: ROUNDS (6 runs per build), DURATION_S (10), CONNS (16), WARMUP_S (75, per build,
# both warmed before any run is measured), RATE (0 = closed loop; else req/s for h2load over
# RATE_CLIENTS (50) connections), FLAGS_A / FLAGS_B (extra router flags per side), JAVA_OPTS (both
# routers and the simulator).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
trap cleanup EXIT
trap 'exit 130' INT TERM

[[ $# -eq 2 ]] || die "usage: bench/ab.sh BEFORE_REF AFTER_REF"
ROUNDS="${ROUNDS:-6}"
DURATION_S="${DURATION_S:-10}"
CONNS="${CONNS:-16}"
WARMUP_S="${WARMUP_S:-75}"
RATE="${RATE:-0}"
RATE_CLIENTS="${RATE_CLIENTS:-50}"
declare -A FLAGS=([A]="${FLAGS_A:-}" [B]="${FLAGS_B:-}")

apt_install wrk wrk curl curl h2load nghttp2-client
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
  # shellcheck disable=SC2086
  start_router "${PORTS[$side]}" "$SIM_PORT" ${FLAGS[$side]}
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

# The simulator's endpoint the routers pick, called direct (side D) in fixed-rate mode.
route_region="$(curl -fsS -D - -o /dev/null -H 'content-type: application/json' -H "$MERIDIAN_AUTH_HEADER" \
  --data-binary @"$BODY" "$(url A)" | tr -d '\r' | awk -F': ' 'tolower($1)=="x-meridian-region" { print $2 }')"
DIRECT_URL="http://127.0.0.1:$SIM_PORT/${route_region:-us-east}/qwen/v1/chat/completions"
sides=(A B)
((RATE > 0)) && sides=(A B D)
side_url() { [[ "$1" == D ]] && echo "$DIRECT_URL" || url "$1"; }
side_header() { [[ "$1" == D ]] && echo "x-meridian-router-region: us-east" || echo "$MERIDIAN_AUTH_HEADER"; }

for side in A B; do
  log "warm-up: build $side (${COMMITS[$side]:0:12}${FLAGS[$side]:+ with ${FLAGS[$side]}}) for ${WARMUP_S}s at $CONNS connections"
  wrk_run "$(url "$side")" "$CONNS" "$WARMUP_S" "$BODY" "$RUN_DIR/warm-$side.json" "$HEADERS"
done
if ((RATE > 0)); then
  for side in "${sides[@]}"; do # h2load's requests take other branches than wrk's: compile those too
    h2load_rate "$(side_url "$side")" "$RATE" "$RATE_CLIENTS" 20 "$BODY" "$RUN_DIR/warm-rate-$side.log" -H "$(side_header "$side")"
  done
fi

order=()
for ((i = 0; i < ROUNDS; i++)); do
  if ((i % 2 == 0)); then order+=("${sides[@]}"); else for ((j = ${#sides[@]} - 1; j >= 0; j--)); do order+=("${sides[$j]}"); done; fi
done
n=0
for side in "${order[@]}"; do
  n=$((n + 1))
  wait_quiet "${PIDS[A]}" "${PIDS[B]}" "$SIM_PID"
  c0=0; [[ "$side" != D ]] && c0=$(cpu_ticks "${PIDS[$side]}")
  if ((RATE > 0)); then
    h2load_rate "$(side_url "$side")" "$RATE" "$RATE_CLIENTS" "$DURATION_S" "$BODY" "$RUN_DIR/run-$n-$side.log" -H "$(side_header "$side")"
    node "$LIB/h2log.js" "$RUN_DIR/run-$n-$side.log" "$RATE_CLIENTS" $((RATE / RATE_CLIENTS)) >"$RUN_DIR/run-$n-$side.json"
  else
    wrk_run "$(url "$side")" "$CONNS" "$DURATION_S" "$BODY" "$RUN_DIR/run-$n-$side.json" "$HEADERS"
  fi
  c1=0; [[ "$side" != D ]] && c1=$(cpu_ticks "${PIDS[$side]}")
  node -e '
    const fs = require("fs");
    const [file, side, ticks, tck] = process.argv.slice(1);
    const r = JSON.parse(fs.readFileSync(file, "utf8"));
    const requests = r.requests || Math.round(r.rps * r.duration_s);
    r.side = side; r.router_cpu_us_per_request = side === "D" ? null : (+ticks / +tck) * 1e6 / requests;
    fs.writeFileSync(file, JSON.stringify(r));
    console.error(`[ab] run ${file.match(/run-(\d+)/)[1]} ${side}: ${r.rps.toFixed(0)} req/s, ${side === "D" ? "direct" : r.router_cpu_us_per_request.toFixed(1) + " µs CPU/request"}, p50 ${r.latency_us.p50}µs p99 ${r.latency_us.p99}µs`);
  ' "$RUN_DIR/run-$n-$side.json" "$side" $((c1 - c0)) "$CLK_TCK"
done

node -e '
  const fs = require("fs");
  const [dir, a, b, conns, rate, flagsA, flagsB, results] = process.argv.slice(1);
  const runs = fs.readdirSync(dir).filter(f => /^run-\d+-[ABD]\.json$/.test(f)).map(f => JSON.parse(fs.readFileSync(dir + "/" + f, "utf8")));
  const med = xs => { const s = [...xs].sort((x, y) => x - y); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
  const stat = side => { const rs = runs.filter(r => r.side === side);
    if (!rs.length) return null;
    return { runs: rs.length, rps: med(rs.map(r => r.rps)), cpu: side === "D" ? null : med(rs.map(r => r.router_cpu_us_per_request)),
             p50: med(rs.map(r => r.latency_us.p50)), p99: med(rs.map(r => r.latency_us.p99)),
             rpsAll: rs.map(r => Math.round(r.rps)), p50All: rs.map(r => r.latency_us.p50) }; };
  const A = stat("A"), B = stat("B"), D = stat("D");
  const label = (c, f) => c.slice(0, 12) + (f ? " " + f : "");
  const load = +rate > 0 ? `a fixed ${rate} req/s over 50 connections` : `${conns} connections, closed loop`;
  console.log(`Interleaved A/B at ${load} (medians of ${A.runs} runs each)`);
  console.log(`side  build                                     req/s   CPU µs/request   p50 µs   p99 µs` + (D ? "   added p50   added p99" : "") + "   p50 per run");
  const row = (name, s, build) => console.log(`${name.padEnd(4)}  ${build.padEnd(40)}  ${s.rps.toFixed(0).padStart(6)}   ${(s.cpu == null ? "-" : s.cpu.toFixed(1)).padStart(14)}   ${String(s.p50).padStart(6)}   ${String(s.p99).padStart(6)}` +
    (D ? `   ${(s === D ? "-" : "+" + (s.p50 - D.p50)).padStart(9)}   ${(s === D ? "-" : "+" + (s.p99 - D.p99)).padStart(9)}` : "") + `   ${s.p50All.join(" ")}`);
  row("A", A, label(a, flagsA));
  row("B", B, label(b, flagsB));
  if (D) row("D", D, "direct to the simulator");
  console.log(`B/A: throughput x${(B.rps / A.rps).toFixed(3)}, CPU per request x${(B.cpu / A.cpu).toFixed(3)}, p50 x${(B.p50 / A.p50).toFixed(3)}`);
  fs.writeFileSync(results + "/ab-latest.json", JSON.stringify({ a, b, flagsA, flagsB, conns: +conns, rate: +rate, A, B, D }, null, 2) + "\n");
' "$RUN_DIR" "${COMMITS[A]}" "${COMMITS[B]}" "$CONNS" "$RATE" "${FLAGS[A]}" "${FLAGS[B]}" "$RESULTS"
