#!/usr/bin/env bash
# What OpenTelemetry tracing costs the router (issue 19 point 4), in one run: four routers at once
# against one simulator, closed-loop wrk runs interleaved between them (A B C D D C B A ...) so that
# whatever the machine does over time hits all four alike (as bench/ab.sh does for two):
#   BASE  the build of BASE_REF (default e900677, the last commit before tracing), no tracing at all
#   OFF   HEAD's build, --tracing off (the default): what tracing costs when it is not used
#   P1    HEAD's build, --tracing on, OTEL_TRACES_SAMPLER=parentbased_traceidratio, _ARG=0.01
#   P100  HEAD's build, --tracing on, OTEL_TRACES_SAMPLER=parentbased_always_on (every request)
# The traced routers export over OTLP http/protobuf to bench/lib/OtlpSink.java on loopback (one
# sink, told apart by endpoint path: .../P1/v1/traces, .../P100/v1/traces), which counts the export
# requests, bytes and spans it gets: the report shows that P1 and P100 really exported, and how
# many spans per request arrived (P100: a server span and a client span per request; fewer means
# the SDK's batch queue dropped some). The batch processor keeps the SDK's defaults (OTEL_BSP_*
# unset; an OTEL_BSP_* set in the environment is passed on, to try another value);
# OTEL_SERVICE_NAME=meridian-bench. Other OTEL_* and MERIDIAN_TRACING of the caller are ignored.
# Prints, per side, the median of its runs: req/s, router CPU µs per request, p50/p99, the sink's
# CPU µs per request during that side's runs (the sink shares the machine: read P100's throughput
# with it in mind), then OFF, P1 and P100 against BASE and P1, P100 against OFF. Writes
# bench/results/tracing-latest.json.
#
#   bench/tracing.sh                  # BASE = e900677, ~4 x WARMUP_S + 4 x ROUNDS x (DURATION_S + ~2 s)
#   bench/tracing.sh 03087ed~1        # another base
#   ROUNDS=5 DURATION_S=8 WARMUP_S=30 bench/tracing.sh   # ~7 minutes on the 2-core machine
#
# Environment: ROUNDS (6 runs per side), DURATION_S (10), CONNS (16), WARMUP_S (75, per side, all
# four warmed before any run is measured), JAVA_OPTS (routers and simulator), OTEL_BSP_* (traced
# routers), QUIET_MAX_PCT / QUIET_WAIT_S (wait for foreign load to drop). Both jars are rebuilt from
# the committed trees every run (ensure_jar, BENCH_REBUILD=1): HEAD is HEAD as of the build.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
trap cleanup EXIT
trap 'exit 130' INT TERM

[[ $# -le 1 ]] || die "usage: bench/tracing.sh [BASE_REF]"
BASE_REF="${1:-e900677}"
ROUNDS="${ROUNDS:-6}"
DURATION_S="${DURATION_S:-10}"
CONNS="${CONNS:-16}"
WARMUP_S="${WARMUP_S:-75}"

apt_install wrk wrk curl curl
command -v node >/dev/null || apt_install node nodejs

# The caller's tracing settings must not leak into any side; OTEL_BSP_* is kept on purpose (above).
unset MERIDIAN_TRACING
for v in $(compgen -e); do
  [[ "$v" == OTEL_* && "$v" != OTEL_BSP_* ]] && unset "$v"
done
BSP="$(compgen -e | { grep '^OTEL_BSP_' || true; } | while read -r v; do printf '%s=%s ' "$v" "${!v}"; done)"

SIDES=(BASE OFF P1 P100)
declare -A JARS COMMITS PORTS PIDS FLAGS DESC
JAR="$WORK/tracing-base.jar" BENCH_REF="$BASE_REF" BENCH_REBUILD=1 ensure_jar
JAR="$WORK/tracing-head.jar" BENCH_REF=HEAD BENCH_REBUILD=1 ensure_jar
for side in "${SIDES[@]}"; do
  if [[ "$side" == BASE ]]; then JARS[$side]="$WORK/tracing-base.jar"; else JARS[$side]="$WORK/tracing-head.jar"; fi
  COMMITS[$side]="$(sed -n 2p "${JARS[$side]}.info")"
done
grep -aq 'dev/meridian/launcher/Telemetry' "${JARS[OFF]}" || die "HEAD (${COMMITS[OFF]:0:12}) has no tracing (no launcher Telemetry)"
grep -aq 'dev/meridian/launcher/Telemetry' "${JARS[BASE]}" && log "note: the base ${COMMITS[BASE]:0:12} already has tracing (run with --tracing at its default)"
FLAGS=([BASE]="" [OFF]="--tracing off" [P1]="--tracing on" [P100]="--tracing on")
DESC=([BASE]="before tracing" [OFF]="--tracing off" [P1]="on, traceidratio 0.01" [P100]="on, always_on")

SINK_PORT="$(free_port)"
start_on "$UPSTREAM_CPU" otlp-sink "$WORK/otlp-sink.log" java -Xms32m -Xmx256m -XX:+UseSerialGC \
  -cp "${JARS[OFF]}" "$LIB/OtlpSink.java" "$SINK_PORT"
SINK_PID=$LAST_PID
wait_http "http://127.0.0.1:$SINK_PORT/stats" "$SINK_PID" 90
sink_stats() { curl -fsS --max-time 5 "http://127.0.0.1:$SINK_PORT/stats"; }

SIM_PORT="$(free_port)"
JAR="${JARS[BASE]}" start_simulator "$SIM_PORT" 0
wait_http "http://127.0.0.1:$SIM_PORT/us-east/qwen/v1/models" "$SIM_PID"

for side in "${SIDES[@]}"; do
  PORTS[$side]="$(free_port)"
  JAR="${JARS[$side]}"
  endpoint="http://127.0.0.1:$SINK_PORT/$side" # the sink counts per path: .../P1/v1/traces
  # Variables prefixing a function call are exported for the call: the router's java gets them.
  # shellcheck disable=SC2086
  case "$side" in
    BASE | OFF) ROUTER_LOG="$WORK/tracing-router-$side.log" start_router "${PORTS[$side]}" "$SIM_PORT" ${FLAGS[$side]} ;;
    P1) OTEL_SERVICE_NAME=meridian-bench OTEL_TRACES_EXPORTER=otlp OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf \
        OTEL_EXPORTER_OTLP_ENDPOINT="$endpoint" OTEL_TRACES_SAMPLER=parentbased_traceidratio OTEL_TRACES_SAMPLER_ARG=0.01 \
        ROUTER_LOG="$WORK/tracing-router-$side.log" start_router "${PORTS[$side]}" "$SIM_PORT" ${FLAGS[$side]} ;;
    P100) OTEL_SERVICE_NAME=meridian-bench OTEL_TRACES_EXPORTER=otlp OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf \
        OTEL_EXPORTER_OTLP_ENDPOINT="$endpoint" OTEL_TRACES_SAMPLER=parentbased_always_on \
        ROUTER_LOG="$WORK/tracing-router-$side.log" start_router "${PORTS[$side]}" "$SIM_PORT" ${FLAGS[$side]} ;;
  esac
  PIDS[$side]=$ROUTER_PID
  wait_http "http://127.0.0.1:${PORTS[$side]}/readyz" "$ROUTER_PID" 120
  # The variables reached the java process itself (its environment), and only the traced sides'.
  envs="$(tr '\0' '\n' <"/proc/$ROUTER_PID/environ" | grep '^OTEL_' | grep -v '^OTEL_BSP_' | sort | tr '\n' ' ' || true)"
  log "router $side (pid $ROUTER_PID, ${FLAGS[$side]:-no flags}): ${envs:-no OTEL_* variables}"
  if [[ "$side" == P* ]]; then
    [[ "$envs" == *"OTEL_EXPORTER_OTLP_ENDPOINT=$endpoint "* ]] || die "router $side did not get its OTEL_* variables"
  else
    [[ -z "$envs" ]] || die "router $side got OTEL_* variables"
  fi
done

RUN_DIR="$WORK/tracing-runs"
rm -rf "$RUN_DIR" && mkdir -p "$RUN_DIR"
BODY="$RUN_DIR/body.json"
write_chat_body "$BODY"
HEADERS="$RUN_DIR/headers"
echo "$MERIDIAN_AUTH_HEADER" >"$HEADERS"
url() { echo "http://127.0.0.1:${PORTS[$1]}/v1/chat/completions"; }
for side in "${SIDES[@]}"; do # one request each: a 200 from every side before any load
  code="$(curl -sS -o "$RUN_DIR/first-$side.json" -w '%{http_code}' -H 'content-type: application/json' \
    -H "$MERIDIAN_AUTH_HEADER" --data-binary @"$BODY" "$(url "$side")")"
  [[ "$code" == 200 ]] || { cat "$RUN_DIR/first-$side.json" >&2; die "router $side answered $code"; }
done

for side in "${SIDES[@]}"; do
  log "warm-up: $side (${COMMITS[$side]:0:12}, ${DESC[$side]}) for ${WARMUP_S}s at $CONNS connections"
  wrk_run "$(url "$side")" "$CONNS" "$WARMUP_S" "$BODY" "$RUN_DIR/warm-$side.json" "$HEADERS"
done
# Proof the traced sides export (the batch processor sends at the latest every OTEL_BSP_SCHEDULE_DELAY,
# 5 s by default), and that nothing else does.
for _ in $(seq 30); do
  s="$(sink_stats)"
  [[ "$s" == *'"P1":{"requests":'[1-9]* && "$s" == *'"P100":{"requests":'[1-9]* ]] && break
  sleep 1
done
log "OTLP sink after the warm-up: $s"
[[ "$s" == *'"P1":{"requests":'[1-9]* ]] || die "router P1 exported nothing to the sink"
[[ "$s" == *'"P100":{"requests":'[1-9]* ]] || die "router P100 exported nothing to the sink"
node -e 'const s = JSON.parse(process.argv[1]); const o = Object.keys(s).filter(k => k !== "P1" && k !== "P100");
  if (o.length) { console.error("unexpected exporters: " + o); process.exit(1); }' "$s" || die "the sink got exports from elsewhere"

order=()
for ((i = 0; i < ROUNDS; i++)); do
  if ((i % 2 == 0)); then order+=("${SIDES[@]}"); else for ((j = ${#SIDES[@]} - 1; j >= 0; j--)); do order+=("${SIDES[$j]}"); done; fi
done
n=0
for side in "${order[@]}"; do
  n=$((n + 1))
  wait_quiet "${PIDS[BASE]}" "${PIDS[OFF]}" "${PIDS[P1]}" "${PIDS[P100]}" "$SIM_PID" "$SINK_PID"
  c0=$(cpu_ticks "${PIDS[$side]}"); k0=$(cpu_ticks "$SINK_PID")
  wrk_run "$(url "$side")" "$CONNS" "$DURATION_S" "$BODY" "$RUN_DIR/run-$n-$side.json" "$HEADERS"
  c1=$(cpu_ticks "${PIDS[$side]}"); k1=$(cpu_ticks "$SINK_PID")
  node -e '
    const fs = require("fs");
    const [file, side, ticks, sinkTicks, tck] = process.argv.slice(1);
    const r = JSON.parse(fs.readFileSync(file, "utf8"));
    r.side = side;
    r.router_cpu_us_per_request = (+ticks / +tck) * 1e6 / r.requests;
    r.sink_cpu_us_per_request = (+sinkTicks / +tck) * 1e6 / r.requests;
    const errs = Object.values(r.errors).reduce((a, b) => a + b, 0);
    fs.writeFileSync(file, JSON.stringify(r));
    console.error(`[tracing] run ${file.match(/run-(\d+)/)[1]} ${side}: ${r.rps.toFixed(0)} req/s, ${r.router_cpu_us_per_request.toFixed(1)} µs CPU/request (sink ${r.sink_cpu_us_per_request.toFixed(1)}), p50 ${r.latency_us.p50}µs p99 ${r.latency_us.p99}µs` + (errs ? `, ${errs} errors ${JSON.stringify(r.errors)}` : ""));
  ' "$RUN_DIR/run-$n-$side.json" "$side" $((c1 - c0)) $((k1 - k0)) "$CLK_TCK"
done

# What the sink got over the whole run (warm-up included): wait out the batch processor's delay.
prev=""
for _ in $(seq 20); do
  s="$(sink_stats)"; [[ "$s" == "$prev" ]] && break; prev="$s"; sleep 3
done
echo "$s" >"$RUN_DIR/sink-stats.json"

node -e '
  const fs = require("fs");
  const [dir, conns, base, head, bsp, results] = process.argv.slice(1);
  const sides = ["BASE", "OFF", "P1", "P100"];
  const desc = { BASE: "before tracing", OFF: "--tracing off", P1: "on, traceidratio 0.01", P100: "on, always_on" };
  const commit = { BASE: base, OFF: head, P1: head, P100: head };
  const files = fs.readdirSync(dir);
  const runs = files.filter(f => /^run-\d+-\w+\.json$/.test(f)).map(f => JSON.parse(fs.readFileSync(dir + "/" + f, "utf8")));
  const sent = side => files.filter(f => new RegExp(`^(run-\\d+|warm)-${side}\\.json$`).test(f))
    .map(f => JSON.parse(fs.readFileSync(dir + "/" + f, "utf8")).requests).reduce((a, b) => a + b, 0) + 1;
  const sink = JSON.parse(fs.readFileSync(dir + "/sink-stats.json", "utf8"));
  const med = xs => { const s = [...xs].sort((x, y) => x - y); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
  const stat = side => { const rs = runs.filter(r => r.side === side);
    return { runs: rs.length, rps: med(rs.map(r => r.rps)), cpu: med(rs.map(r => r.router_cpu_us_per_request)),
             sinkCpu: med(rs.map(r => r.sink_cpu_us_per_request)),
             p50: med(rs.map(r => r.latency_us.p50)), p99: med(rs.map(r => r.latency_us.p99)),
             errors: rs.reduce((a, r) => a + Object.values(r.errors).reduce((x, y) => x + y, 0), 0),
             rpsAll: rs.map(r => Math.round(r.rps)), cpuAll: rs.map(r => +r.router_cpu_us_per_request.toFixed(1)),
             sent: sent(side), sink: sink[side] || null }; };
  const S = Object.fromEntries(sides.map(s => [s, stat(s)]));
  console.log(`Tracing overhead, interleaved, ${conns} connections, closed loop (medians of ${S.BASE.runs} runs each)`);
  console.log(`side  commit        tracing                  req/s   CPU µs/request   p50 µs   p99 µs   sink CPU µs/req   errors   req/s per run`);
  for (const side of sides) { const s = S[side];
    console.log(`${side.padEnd(4)}  ${commit[side].slice(0, 12)}  ${desc[side].padEnd(22)}  ${s.rps.toFixed(0).padStart(6)}   ${s.cpu.toFixed(1).padStart(14)}   ${String(s.p50).padStart(6)}   ${String(s.p99).padStart(6)}   ${s.sinkCpu.toFixed(1).padStart(15)}   ${String(s.errors).padStart(6)}   ${s.rpsAll.join(" ")}`); }
  console.log(`ratio       throughput   CPU per request   p50`);
  const ratio = (x, y) => console.log(`${(x + "/" + y).padEnd(10)}  ${("x" + (S[x].rps / S[y].rps).toFixed(3)).padStart(10)}   ${("x" + (S[x].cpu / S[y].cpu).toFixed(3)).padStart(15)}   ${("x" + (S[x].p50 / S[y].p50).toFixed(3)).padStart(6)}`);
  ratio("OFF", "BASE"); ratio("P1", "BASE"); ratio("P100", "BASE"); ratio("P1", "OFF"); ratio("P100", "OFF");
  console.log(`OTLP sink, whole run incl. warm-up (batch processor: ${bsp || "SDK defaults"}):`);
  for (const side of ["P1", "P100"]) { const s = S[side], k = s.sink || { requests: 0, bytes: 0, spans: 0, malformed: 0 };
    console.log(`  ${side.padEnd(4)}  ${k.requests} export requests, ${k.bytes} bytes, ${k.spans} spans` + (k.malformed ? ` (${k.malformed} unreadable)` : "") +
      ` for ${s.sent} requests sent: ${(k.spans / s.sent).toFixed(4)} spans per request, ${(k.bytes / Math.max(k.spans, 1)).toFixed(0)} bytes per span`); }
  const others = Object.keys(sink).filter(k => k !== "P1" && k !== "P100");
  if (others.length) console.log(`  unexpected exporters: ${others.join(", ")}`);
  fs.writeFileSync(results + "/tracing-latest.json", JSON.stringify({ base, head, conns: +conns, bsp, sides: S, sink }, null, 2) + "\n");
' "$RUN_DIR" "$CONNS" "${COMMITS[BASE]}" "${COMMITS[OFF]}" "$BSP" "$RESULTS"
