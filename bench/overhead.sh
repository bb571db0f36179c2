#!/usr/bin/env bash
# Router overhead vs direct, in one run: the same load generator, concurrency and request body sent
# (a) straight to the simulator's endpoint and (b) through a standalone Meridian router whose catalog
# points at that simulator. Non-streaming chat completions; the simulator answers at once
# (--latency-scale 0), so what is left is the cost of the hop.
#
#   bench/overhead.sh                      # 3 repetitions, ~5 minutes
#   REPS=1 DURATION_S=5 bench/overhead.sh  # quick look
#
# Loads: closed loop (wrk) with 1 connection (pure added latency) and 16 connections; open-ish
# fixed rates (h2load --rps, each of RATES req/s spread over RATE_CLIENTS connections: 2,000/s and
# the 5,000/s of the latency objective by default). Medians over REPS
# repetitions; direct and router runs are interleaved. Prints a table, writes
# bench/results/overhead-<time>.json and bench/results/overhead-latest.json.
#
# Environment: REPS (3), DURATION_S (10), WARMUP_S (75), RATES ("2000 5000"; RATE=R alone gives
# "R 5000"), RATE_CLIENTS (50),
# RATE_S (15), RATE_WARMUP_S (20, at 5,000/s, after the closed-loop warm-up), BENCH_PIN (none | split), BENCH_REBUILD (1 = rebuild the jar copy in bench/.work),
# BENCH_REF (commit to build, default HEAD), ROUTER_FLAGS (extra router flags, e.g.
# "--router-instances 2"), BENCH_AUTH (keys: the router checks the demo client key, as in production;
# open: --auth open), QUIET_MAX_PCT / QUIET_WAIT_S (wait for foreign load to drop).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
trap cleanup EXIT
trap 'exit 130' INT TERM

REPS="${REPS:-3}"
DURATION_S="${DURATION_S:-10}"
# C2 kept compiling the router for about a minute under load on a 2 GHz 2-core machine (async-profiler:
# 30% of its CPU 30 s in); a shorter warm-up measures the JIT, not the router.
WARMUP_S="${WARMUP_S:-75}"
RATE="${RATE:-2000}"
RATES="${RATES:-$RATE 5000}"
RATE_MODES=()
for r in $RATES; do RATE_MODES+=("rate$r"); done
RATE_CLIENTS="${RATE_CLIENTS:-50}"
RATE_S="${RATE_S:-15}"
ROUTER_FLAGS="${ROUTER_FLAGS:-}"

apt_install wrk wrk h2load nghttp2-client curl curl taskset util-linux
command -v node >/dev/null || apt_install node nodejs
command -v java >/dev/null || die "java 17 is required"
ensure_jar

SIM_PORT="$(free_port)"
ROUTER_PORT="$(free_port)"
start_simulator "$SIM_PORT" 0
# shellcheck disable=SC2086
start_router "$ROUTER_PORT" "$SIM_PORT" $ROUTER_FLAGS
wait_http "http://127.0.0.1:$SIM_PORT/us-east/qwen/v1/models" "$SIM_PID"
wait_http "http://127.0.0.1:$ROUTER_PORT/readyz" "$ROUTER_PID" 90

RUN_DIR="$WORK/overhead-runs"
rm -rf "$RUN_DIR" && mkdir -p "$RUN_DIR"
BODY="$RUN_DIR/body.json"
write_chat_body "$BODY"

ROUTER_URL="http://127.0.0.1:$ROUTER_PORT/v1/chat/completions"
# Send the direct requests to the very endpoint the router picked, so both paths do the same work.
route_headers="$(curl -fsS -D - -o "$RUN_DIR/router-reply.json" -H 'content-type: application/json' -H "$MERIDIAN_AUTH_HEADER" --data-binary @"$BODY" "$ROUTER_URL")"
ROUTE_REGION="$(printf '%s' "$route_headers" | tr -d '\r' | awk -F': ' 'tolower($1)=="x-meridian-region" { print $2 }')"
ROUTE_PROVIDER="$(printf '%s' "$route_headers" | tr -d '\r' | awk -F': ' 'tolower($1)=="x-meridian-provider" { print $2 }')"
[[ -n "$ROUTE_REGION" && -n "$ROUTE_PROVIDER" ]] || die "router reply carries no x-meridian-region/provider"
DIRECT_URL="http://127.0.0.1:$SIM_PORT/$ROUTE_REGION/$ROUTE_PROVIDER/v1/chat/completions"
curl -fsS -o "$RUN_DIR/direct-reply.json" -H 'content-type: application/json' --data-binary @"$BODY" "$DIRECT_URL"
log "direct:   $DIRECT_URL ($(wc -c <"$RUN_DIR/direct-reply.json") bytes reply)"
log "meridian: $ROUTER_URL -> $ROUTE_REGION/$ROUTE_PROVIDER ($(wc -c <"$RUN_DIR/router-reply.json") bytes reply)"

# Same simulated caller region as the router's requests carry (a no-op at latency scale 0).
DIRECT_HEADERS="$RUN_DIR/direct-headers"
echo "x-meridian-router-region: us-east" >"$DIRECT_HEADERS"
ROUTER_HEADERS="$RUN_DIR/router-headers"
echo "$MERIDIAN_AUTH_HEADER" >"$ROUTER_HEADERS"
target_headers() { [[ "$1" == direct ]] && echo "$DIRECT_HEADERS" || echo "$ROUTER_HEADERS"; }

target_url() { [[ "$1" == direct ]] && echo "$DIRECT_URL" || echo "$ROUTER_URL"; }

log "warm-up: ${WARMUP_S}s per target at 16 connections (JIT)"
for t in direct meridian; do
  wrk_run "$(target_url $t)" 16 "$WARMUP_S" "$BODY" "$RUN_DIR/warmup-$t.json" "$(target_headers $t)"
done

# measure MODE TARGET REP: one run with process accounting around it.
measure() {
  local mode="$1" target="$2" rep="$3" url gen out="$RUN_DIR/$1-$2-r$3"
  url="$(target_url "$target")"
  local r0 s0 m0 t0 g0 r1 s1 m1 t1 g1 desc
  wait_quiet "$ROUTER_PID" "$SIM_PID"
  r0=$(cpu_ticks "$ROUTER_PID"); s0=$(cpu_ticks "$SIM_PID"); m0=$(machine_busy_ticks); g0=$(children_ticks); t0=$(date +%s.%N)
  case "$mode" in
    c1) desc="closed, 1 conn"; wrk_run "$url" 1 "$DURATION_S" "$BODY" "$out.gen.json" "$(target_headers "$target")"; gen="$out.gen.json" ;;
    c16) desc="closed, 16 conn"; wrk_run "$url" 16 "$DURATION_S" "$BODY" "$out.gen.json" "$(target_headers "$target")"; gen="$out.gen.json" ;;
    rate*) local rate="${mode#rate}"
      desc="fixed ${rate}/s, ${RATE_CLIENTS} conn"
      if [[ "$target" == direct ]]; then
        h2load_rate "$url" "$rate" "$RATE_CLIENTS" "$RATE_S" "$BODY" "$out.h2.log" -H "x-meridian-router-region: us-east"
      else
        h2load_rate "$url" "$rate" "$RATE_CLIENTS" "$RATE_S" "$BODY" "$out.h2.log" -H "$MERIDIAN_AUTH_HEADER"
      fi
      node "$LIB/h2log.js" "$out.h2.log" "$RATE_CLIENTS" $((rate / RATE_CLIENTS)) >"$out.gen.json"
      gen="$out.gen.json" ;;
  esac
  g1=$(children_ticks); r1=$(cpu_ticks "$ROUTER_PID"); s1=$(cpu_ticks "$SIM_PID"); m1=$(machine_busy_ticks); t1=$(date +%s.%N)
  local proxy_ticks=null
  [[ "$target" == meridian ]] && proxy_ticks=$((r1 - r0))
  node -e '
    const fs = require("fs");
    const [gen, out, mode, target, rep, desc, proxy, up, busy, wall, tck, ncpu, rss, idle, genTicks, routerTicks] = process.argv.slice(1);
    const r = JSON.parse(fs.readFileSync(gen, "utf8"));
    Object.assign(r, { mode, target, rep: +rep, desc, proxy_cpu_ticks: proxy === "null" ? null : +proxy,
      upstream_cpu_ticks: +up, machine_busy_ticks: +busy, wall_s: +wall, clk_tck: +tck, ncpu: +ncpu,
      proxy_rss_peak_kb: target === "meridian" ? +rss : null, router_idle_cpu_ticks: target === "direct" ? +idle : null, generator_cpu_ticks: +genTicks,
      foreign_cpu_ticks: Math.max(0, +busy - +up - +routerTicks - +genTicks) });
    fs.writeFileSync(out, JSON.stringify(r) + "\n");
  ' "$gen" "$out.run.json" "$mode" "$target" "$rep" "$desc" "$proxy_ticks" $((s1 - s0)) $((m1 - m0)) \
    "$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')" "$CLK_TCK" "$NCPU" \
    "$(vm_hwm_kb "$ROUTER_PID")" $((r1 - r0)) $((g1 - g0)) $((r1 - r0))
  log "  $mode $target rep $rep: $(node -e 'const r=require(process.argv[1]);console.log(`${r.rps.toFixed(0)} req/s p50 ${r.latency_us.p50}µs p99 ${r.latency_us.p99}µs p99.9 ${r.latency_us.p999}µs errors ${JSON.stringify(r.errors)}`)' "$out.run.json")"
}

# h2load's requests take other branches than wrk's; warm those up too before measuring fixed rates.
RATE_WARMUP_S="${RATE_WARMUP_S:-20}"
if ((RATE_WARMUP_S > 0)); then
  log "warm-up: ${RATE_WARMUP_S}s per target at 5000/s"
  h2load_rate "$DIRECT_URL" 5000 "$RATE_CLIENTS" "$RATE_WARMUP_S" "$BODY" "$RUN_DIR/warmup-rate-direct.log" -H "x-meridian-router-region: us-east"
  h2load_rate "$ROUTER_URL" 5000 "$RATE_CLIENTS" "$RATE_WARMUP_S" "$BODY" "$RUN_DIR/warmup-rate-meridian.log" -H "$MERIDIAN_AUTH_HEADER"
fi

START_UTC="$(date -u +%FT%TZ)"
for rep in $(seq "$REPS"); do
  log "repetition $rep/$REPS"
  # Alternate which target goes first, so neither always runs right after the other's load.
  if ((rep % 2)); then order=(direct meridian); else order=(meridian direct); fi
  for mode in c1 c16 "${RATE_MODES[@]}"; do
    for t in "${order[@]}"; do measure "$mode" "$t" "$rep"; done
  done
done

ROUTER_LOG_WARN=$(grep -cE ' (WARN|ERROR) ' "$WORK/router.log" || true)
SIM_LOG_WARN=$(grep -cE ' (WARN|ERROR) ' "$WORK/simulator.log" || true)
cp "$WORK/router.log" "$RUN_DIR/router.log"; cp "$WORK/simulator.log" "$RUN_DIR/simulator.log"
STAMP="$(date -u +%Y%m%dT%H%M%SZ)"
node -e '
  const fs = require("fs"); const a = process.argv.slice(1);
  fs.writeFileSync(a[0], JSON.stringify({
    benchmark: "overhead", started_utc: a[1], finished_utc: new Date().toISOString(),
    jar_commit: a[2], pin: a[4], generator_cpu: a[5], server_cpu: a[6], ncpu: +a[7],
    reps: +a[8], duration_s: +a[9], warmup_s: +a[10], rate: +a[11], rate_clients: +a[12], rate_s: +a[13],
    direct_url: a[14], router_url: a[15], route: a[16], router_flags: a[17],
    router_log_warn_error_lines: +a[18], simulator_log_warn_error_lines: +a[19],
    load_generators: { closed: "wrk -t1 (Lua script bench/lib/wrk-post.lua)", rate: "h2load --h1 --rps (per-request log)" },
    java: a[20], kernel: a[21],
    rates: a[22].split(" ").map(Number), mode_order: ["c1", "c16", ...a[22].split(" ").map((r) => "rate" + r)],
    target_order: ["direct", "meridian"] }, null, 2));
' "$RUN_DIR/meta.json" "$START_UTC" "$(jar_commit)" "false" "$BENCH_PIN" "$GEN_CPU" "$SRV_CPU" "$NCPU" \
  "$REPS" "$DURATION_S" "$WARMUP_S" "$RATE" "$RATE_CLIENTS" "$RATE_S" "$DIRECT_URL" "$ROUTER_URL" \
  "$ROUTE_REGION/$ROUTE_PROVIDER" "$ROUTER_FLAGS" "$ROUTER_LOG_WARN" "$SIM_LOG_WARN" \
  "$(java -version 2>&1 | head -1)" "$(uname -r)" "$(echo $RATES)"

echo
echo "Meridian router overhead vs direct  ($START_UTC, jar $(jar_commit | cut -c1-12), pin=$BENCH_PIN: generator cpu $GEN_CPU, servers cpu $SRV_CPU of $NCPU)"
echo "request: non-streaming qwen3-8b, $(wc -c <"$BODY") byte body; direct = $DIRECT_URL; simulator latency scale 0"
echo
node "$LIB/report.js" "$RUN_DIR" "$RESULTS/overhead-$STAMP.json" "$RUN_DIR/meta.json"
cp "$RESULTS/overhead-$STAMP.json" "$RESULTS/overhead-latest.json"
echo
echo "router log WARN/ERROR lines: $ROUTER_LOG_WARN; simulator: $SIM_LOG_WARN"
echo "results: $RESULTS/overhead-$STAMP.json"
