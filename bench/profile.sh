#!/usr/bin/env bash
# Where a proxy's CPU goes under load: async-profiler (Maven Central's tools.profiler:async-profiler)
# attached to the router, or to a bench/floor proxy, while wrk or h2load drives it; prints the share of
# CPU by layer (kernel, Netty, Vert.x, JDK, Jackson, Micrometer, Meridian, ...) and the hottest frames
# by self time, and keeps the collapsed stacks (bench/results/profile-<target>-<time>.collapsed).
#
#   bench/profile.sh                         # the router at 16 connections, closed loop
#   PROFILE_TARGET=vertx-floor bench/profile.sh
#   PROFILE_LOAD=rate RATE=5000 bench/profile.sh   # at a fixed rate instead (h2load)
#
# Environment: PROFILE_TARGET (meridian | vertx-floor | netty-floor), PROFILE_LOAD (closed | rate),
# CONNS (16), RATE (5000), RATE_CLIENTS (50), WARMUP_S (75), PROFILE_S (15), INTERVAL (200us),
# EVENT (cpu; or alloc, wall), AP_OPTS (more async-profiler options, e.g. ",threads"), BENCH_REF / BENCH_REBUILD (which commit's jar).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
trap cleanup EXIT
trap 'exit 130' INT TERM

TARGET="${PROFILE_TARGET:-meridian}"
LOAD="${PROFILE_LOAD:-closed}"
CONNS="${CONNS:-16}"
RATE="${RATE:-5000}"
RATE_CLIENTS="${RATE_CLIENTS:-50}"
WARMUP_S="${WARMUP_S:-75}"
PROFILE_S="${PROFILE_S:-15}"
INTERVAL="${INTERVAL:-200us}"
EVENT="${EVENT:-cpu}"
AP_VERSION="${AP_VERSION:-4.2}"

apt_install wrk wrk h2load nghttp2-client curl curl
command -v java >/dev/null || die "java 17 is required"
command -v jcmd >/dev/null || die "jcmd (the JDK's) is required"
ensure_jar
[[ "$TARGET" == *-floor ]] && ensure_floor_jar

# async-profiler's library, from its jar on Maven Central (no download from anywhere else).
AP_DIR="$WORK/async-profiler-$AP_VERSION"
AP_LIB="$AP_DIR/linux-x64/libasyncProfiler.so"
if [[ ! -f "$AP_LIB" ]]; then
  log "fetching tools.profiler:async-profiler:$AP_VERSION (Maven Central)"
  mvn -q -B dependency:get -Dartifact="tools.profiler:async-profiler:$AP_VERSION" >&2
  mkdir -p "$AP_DIR"
  (cd "$AP_DIR" && jar xf "$HOME/.m2/repository/tools/profiler/async-profiler/$AP_VERSION/async-profiler-$AP_VERSION.jar")
fi
# Kernel frames need perf events; without them async-profiler still samples Java (and says so).
[[ "$(cat /proc/sys/kernel/perf_event_paranoid 2>/dev/null || echo 2)" -le 1 ]] || \
  { sysctl -qw kernel.perf_event_paranoid=1 2>/dev/null || log "perf_event_paranoid > 1: kernel frames may be missing"; }

SIM_PORT="$(free_port)"
PORT_="$(free_port)"
start_simulator "$SIM_PORT" 0
wait_http "http://127.0.0.1:$SIM_PORT/us-east/qwen/v1/models" "$SIM_PID"
BODY="$WORK/profile-body.json"
write_chat_body "$BODY"
HDRS="$WORK/profile-headers"
case "$TARGET" in
  meridian)
    start_router "$PORT_" "$SIM_PORT"
    wait_http "http://127.0.0.1:$PORT_/readyz" "$ROUTER_PID" 120
    PID_=$ROUTER_PID
    echo "$MERIDIAN_AUTH_HEADER" >"$HDRS" ;;
  netty-floor | vertx-floor)
    # shellcheck disable=SC2086
    start_bg "$TARGET" "$WORK/$TARGET.log" java ${JAVA_OPTS:--Xms256m} -jar "$FLOOR_JAR" "${TARGET%-floor}" --port "$PORT_" \
      --upstream "http://127.0.0.1:$SIM_PORT/us-east/qwen/v1/chat/completions" --json
    PID_=$LAST_PID
    echo "x-meridian-router-region: us-east" >"$HDRS" ;;
  *) die "PROFILE_TARGET must be meridian, vertx-floor or netty-floor" ;;
esac
URL_="http://127.0.0.1:$PORT_/v1/chat/completions"
for _ in $(seq 100); do
  curl -fsS -o /dev/null -H 'content-type: application/json' -H "$(cat "$HDRS")" --data-binary @"$BODY" "$URL_" 2>/dev/null && break
  sleep 0.2
done

# Warm up under the load that is then profiled: h2load's requests take other branches than wrk's
# (headers, connection pattern), and a JIT still compiling them would be profiled as well.
if [[ "$LOAD" == rate ]]; then
  log "warm-up: ${WARMUP_S}s at $RATE req/s"
  h2load_rate "$URL_" "$RATE" "$RATE_CLIENTS" "$WARMUP_S" "$BODY" "$WORK/profile-warmup-h2.log" -H "$(cat "$HDRS")"
else
  log "warm-up: ${WARMUP_S}s at $CONNS connections"
  wrk_run "$URL_" "$CONNS" "$WARMUP_S" "$BODY" "$WORK/profile-warmup.json" "$HDRS"
fi

STAMP="$(date -u +%Y%m%dT%H%M%SZ)"
OUT="$RESULTS/profile-$TARGET-$LOAD-$STAMP.collapsed"
log "profiling $TARGET (pid $PID_): $EVENT every $INTERVAL for ${PROFILE_S}s under $LOAD load"
# The options are quoted once more: jcmd would otherwise read "start,event=..." as a name=value pair.
jcmd "$PID_" JVMTI.agent_load "$AP_LIB" "\"start,event=$EVENT,interval=$INTERVAL,cstack=vm${AP_OPTS:-}\"" >/dev/null
t0=$(cpu_ticks "$PID_")
if [[ "$LOAD" == rate ]]; then
  h2load_rate "$URL_" "$RATE" "$RATE_CLIENTS" "$PROFILE_S" "$BODY" "$WORK/profile-h2.log" -H "$(cat "$HDRS")"
  node "$LIB/h2log.js" "$WORK/profile-h2.log" "$RATE_CLIENTS" $((RATE / RATE_CLIENTS)) >"$WORK/profile-gen.json"
else
  wrk_run "$URL_" "$CONNS" "$PROFILE_S" "$BODY" "$WORK/profile-gen.json" "$HDRS"
fi
t1=$(cpu_ticks "$PID_")
jcmd "$PID_" JVMTI.agent_load "$AP_LIB" "\"stop,file=$OUT,collapsed\"" >/dev/null
REQS="$(node -e 'console.log(require(process.argv[1]).requests)' "$WORK/profile-gen.json")"
echo
echo "$TARGET under $LOAD load ($(node -e 'const r=require(process.argv[1]);console.log(`${r.rps.toFixed(0)} req/s, p50 ${r.latency_us.p50} µs, p99 ${r.latency_us.p99} µs`)' "$WORK/profile-gen.json")),"
echo "CPU $(awk -v t=$((t1 - t0)) -v hz="$CLK_TCK" -v n="$REQS" 'BEGIN { printf "%.1f µs per request", t / hz / n * 1e6 }'), $EVENT samples every $INTERVAL, jar $(jar_commit | cut -c1-12)"
echo
node "$LIB/profile-summary.js" "$OUT"
echo "stacks: $OUT"
