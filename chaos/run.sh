#!/usr/bin/env bash
# chaos/run.sh: Meridian's chaos run. Not part of bin/test; takes ~2 minutes on 2 cores.
#
# Starts, on loopback only, the simulator and three routers (us-east, eu-west, ap-southeast) joined as
# one Hazelcast cluster (a cluster name and ports of its own, so it never meets another cluster), waits
# for /readyz on all three, then drives a steady, fixed-rate, open-loop load at every router
# (chaos/LoadDriver.java: mixed models, half of the requests streamed) while it injects faults on a
# schedule, as fractions of the duration D:
#
#   0.00 D  baseline
#   0.15 D  provider down     deepseek-v4-flash refuses every connection (simulator "down") in the region
#                             serving the us-east router's deepseek-v4-flash traffic (us-east on paper)
#   0.35 D  recovery          faults cleared
#   0.42 D  region down       every model in ap-southeast down (the ap-southeast router's own region)
#   0.62 D  recovery          faults cleared
#   0.70 D  router killed     kill -9 of the eu-west router; restarted at 0.80 D on the same port
#   1.00 D  end
#
# and prints one table: per phase, requests sent, succeeded, failed, p50/p99 latency, requests that
# needed more than one attempt, and the failover time (from injection until the last response served
# by the faulted endpoint, region or node), plus how many live requests still reached the faulted
# endpoints (simulator counters, probes excluded). Clients call each router directly (no load
# balancer), so requests sent to the killed router fail until it is back: the node-kill phase is
# reported for the surviving routers and for the killed one separately.
#
# Usage:
#   chaos/run.sh                         # D = 90 s, 8 requests/s per router
#   chaos/run.sh --duration 60 --rate 5
#   CHAOS_OUT=/tmp/chaos chaos/run.sh
#
# Flags (environment in brackets): --duration S [CHAOS_DURATION, 90], --rate R requests/s per router
# [CHAOS_RATE, 8], --out DIR [CHAOS_OUT, chaos/results/run-<UTC time>]. Environment only:
# CHAOS_MODELS (deepseek-v4-flash,glm-5,qwen3-32b,auto), CHAOS_LATENCY_SCALE (0.05),
# CHAOS_PROBE_INTERVAL_MS (2000), CHAOS_WARMUP (10: seconds of the same load, unrecorded, before
# the baseline starts), CHAOS_CATALOG (the built-in catalog), CHAOS_JAVA_OPTS
# (-Xms64m -Xmx384m), CHAOS_REBUILD=1 (rebuild the jar even when it exists).
#
# Writes to the output directory: requests.csv (one line per request), events.csv (the schedule as
# it happened), upstream.csv (simulator counters per fault), summary.txt (the table), logs/*.log.
# Every process it starts is stopped on exit, including on Ctrl-C or a failure.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
JAR="$ROOT/launcher/target/meridian.jar"

DURATION="${CHAOS_DURATION:-90}"  # whole seconds
RATE="${CHAOS_RATE:-8}"
OUT="${CHAOS_OUT:-$ROOT/chaos/results/run-$(date -u +%Y%m%dT%H%M%SZ)}"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --duration) DURATION="$2"; shift 2 ;;
    --rate) RATE="$2"; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) echo "chaos: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
[[ "$DURATION" =~ ^[0-9]+$ && "$DURATION" -ge 20 ]] || { echo "chaos: --duration must be whole seconds >= 20" >&2; exit 2; }
MODELS="${CHAOS_MODELS:-deepseek-v4-flash,glm-5,qwen3-32b,auto}"
LATENCY_SCALE="${CHAOS_LATENCY_SCALE:-0.05}"
PROBE_MS="${CHAOS_PROBE_INTERVAL_MS:-2000}"
WARMUP="${CHAOS_WARMUP:-10}"
CATALOG="${CHAOS_CATALOG:-}"
read -r -a JAVA_OPTS <<<"${CHAOS_JAVA_OPTS:--Xms64m -Xmx384m}"
HZ_OPENS=(--add-modules java.se --add-exports java.base/jdk.internal.ref=ALL-UNNAMED
  --add-opens java.base/java.lang=ALL-UNNAMED --add-opens java.base/sun.nio.ch=ALL-UNNAMED
  --add-opens java.management/sun.management=ALL-UNNAMED
  --add-opens jdk.management/com.sun.management.internal=ALL-UNNAMED)

log() { printf '[chaos %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
now_ms() { date +%s%3N; }

# ---- processes: every PID this script starts, stopped on exit ---------------------------------------
declare -A PIDS=()
cleanup() {
  local status=$?
  trap - EXIT INT TERM
  for name in "${!PIDS[@]}"; do
    local pid="${PIDS[$name]}"
    kill -0 "$pid" 2>/dev/null && kill -TERM "$pid" 2>/dev/null || true
  done
  for name in "${!PIDS[@]}"; do
    local pid="${PIDS[$name]}"
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then
      log "$name ($pid) ignored SIGTERM for 10 s; killing it"
      kill -KILL "$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || true
  done
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

USED_PORTS=" "
free_port() { # a TCP port on 127.0.0.1 that nobody listens on, handed out once per run
  local p
  for _ in $(seq 200); do
    p=$((20000 + RANDOM % 30000))
    [[ "$USED_PORTS" == *" $p "* ]] && continue
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
      USED_PORTS+="$p "
      echo "$p"
      return 0
    fi
  done
  die "no free port found"
}
free_port_range() { # free_port_range N: the first of N consecutive free ports
  local base ok
  for _ in $(seq 200); do
    base=$((20000 + (RANDOM % 3000) * 10))
    ok=1
    for i in $(seq 0 $(($1 - 1))); do
      if [[ "$USED_PORTS" == *" $((base + i)) "* ]] || (exec 3<>"/dev/tcp/127.0.0.1/$((base + i))") 2>/dev/null; then
        ok=0; break
      fi
    done
    if [[ $ok == 1 ]]; then
      for i in $(seq 0 $(($1 - 1))); do USED_PORTS+="$((base + i)) "; done
      echo "$base"
      return 0
    fi
  done
  die "no free port range found"
}

wait_ready() { # wait_ready URL PID SECONDS: until URL answers 200, or the process dies
  local url="$1" pid="$2" deadline=$((SECONDS + $3))
  while (( SECONDS < deadline )); do
    kill -0 "$pid" 2>/dev/null || return 1
    [[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$url" || true)" == 200 ]] && return 0
    sleep 0.2
  done
  return 1
}

# ---- build, ports, cluster -----------------------------------------------------------------------
command -v java >/dev/null || die "java 17 is required"
command -v curl >/dev/null || die "curl is required"
command -v jq >/dev/null || die "jq is required"
if [[ ! -f "$JAR" || "${CHAOS_REBUILD:-0}" == 1 ]]; then
  log "building $JAR (mvn -q -B -DskipTests package)"
  (cd "$ROOT" && mvn -q -B -DskipTests package) >&2
fi
mkdir -p "$OUT/logs"
: >"$OUT/events.csv"
: >"$OUT/upstream.csv"

SIM_PORT=$(free_port)
declare -A ROUTER_PORT=([us-east]=$(free_port) [eu-west]=$(free_port) [ap-southeast]=$(free_port))
HZ_BASE=$(free_port_range 6)
export MERIDIAN_CLUSTER_NAME="meridian-chaos-$$-$RANDOM"
export MERIDIAN_CLUSTER_PORT="$HZ_BASE"
export MERIDIAN_CLUSTER_MEMBERS="127.0.0.1:$HZ_BASE,127.0.0.1:$((HZ_BASE + 1)),127.0.0.1:$((HZ_BASE + 2)),127.0.0.1:$((HZ_BASE + 3))"
export MERIDIAN_CLUSTER_CONFIG="${MERIDIAN_CLUSTER_CONFIG:-$ROOT/cluster.xml}"
SIM="http://127.0.0.1:$SIM_PORT"
CATALOG_ARGS=()
[[ -n "$CATALOG" ]] && CATALOG_ARGS=(--catalog "$CATALOG")

start_simulator() {
  java "${HZ_OPENS[@]}" "${JAVA_OPTS[@]}" -jar "$JAR" simulator --port "$SIM_PORT" --latency-scale "$LATENCY_SCALE" \
    "${CATALOG_ARGS[@]}" >"$OUT/logs/simulator.log" 2>&1 &
  PIDS[simulator]=$!
}

start_router() { # start_router REGION
  local region="$1"
  java "${HZ_OPENS[@]}" "${JAVA_OPTS[@]}" -jar "$JAR" router --region "$region" --port "${ROUTER_PORT[$region]}" \
    --simulator-url "$SIM" --probe-interval-ms "$PROBE_MS" "${CATALOG_ARGS[@]}" --keys-file demo \
    >>"$OUT/logs/router-$region.log" 2>&1 &
  PIDS[$region]=$!
}

event() { echo "$(now_ms),$1,$2" >>"$OUT/events.csv"; log "event: $1 ${2:+($2)}"; }

# Live (non-probe) requests and probes the simulator has seen on the endpoints whose id matches a jq
# regex, e.g. '^deepseek-v4-flash@us-east$' or '@ap-southeast$'.
upstream_counts() {
  curl -sf --max-time 5 "$SIM/admin/stats" | jq -r --arg re "$1" \
    '[to_entries[] | select(.key | test($re)) | .value] | "\(map(.requests - .probes) | add // 0) \(map(.probes) | add // 0)"'
}

log "simulator :$SIM_PORT, routers us-east :${ROUTER_PORT[us-east]} eu-west :${ROUTER_PORT[eu-west]} ap-southeast :${ROUTER_PORT[ap-southeast]}, Hazelcast from :$HZ_BASE, cluster $MERIDIAN_CLUSTER_NAME"
log "output: $OUT"
start_simulator
wait_ready "$SIM/admin/stats" "${PIDS[simulator]}" 60 || die "the simulator did not start (see $OUT/logs/simulator.log)"
for region in us-east eu-west ap-southeast; do
  start_router "$region"
done
for region in us-east eu-west ap-southeast; do
  wait_ready "http://127.0.0.1:${ROUTER_PORT[$region]}/readyz" "${PIDS[$region]}" 120 \
    || die "router $region not ready within 120 s (see $OUT/logs/router-$region.log)"
  log "router $region ready"
done

if [[ -n "$CATALOG" ]]; then
  mapfile -t ALL_MODELS < <(jq -r '.models[] | select((.kind // "chat") == "chat") | .id' "$CATALOG")
else
  mapfile -t ALL_MODELS < <(unzip -p "$JAR" catalog/default-catalog.json 2>/dev/null | jq -r '.models[] | select((.kind // "chat") == "chat") | .id' \
    || jq -r '.models[] | select((.kind // "chat") == "chat") | .id' "$ROOT/meridian-core/src/main/resources/catalog/default-catalog.json")
fi
(( ${#ALL_MODELS[@]} > 0 )) || die "could not list the catalog's models"

# ---- load and schedule ---------------------------------------------------------------------------
java "$ROOT/chaos/LoadDriver.java" run \
  --target "us-east=http://127.0.0.1:${ROUTER_PORT[us-east]}" \
  --target "eu-west=http://127.0.0.1:${ROUTER_PORT[eu-west]}" \
  --target "ap-southeast=http://127.0.0.1:${ROUTER_PORT[ap-southeast]}" \
  --rate "$RATE" --duration "$DURATION" --warmup "$WARMUP" --models "$MODELS" --out "$OUT" \
  > >(tee "$OUT/logs/driver.log" >&2) 2>&1 &
PIDS[driver]=$!
for _ in $(seq $(( (60 + WARMUP) * 10 ))); do
  [[ -s "$OUT/driver.started" ]] && break
  kill -0 "${PIDS[driver]}" 2>/dev/null || die "the load driver did not start (see $OUT/logs/driver.log)"
  sleep 0.1
done
[[ -s "$OUT/driver.started" ]] || die "the load driver did not start within $((60 + WARMUP)) s"
T0_MS=$(cat "$OUT/driver.started")
echo "$T0_MS,baseline,-" >>"$OUT/events.csv"
log "event: baseline (load started)"

at() { # at PERMILLE: sleep until PERMILLE/1000 x DURATION seconds after the load started
  local wait_ms=$((T0_MS + DURATION * $1 - $(now_ms)))
  (( wait_ms > 0 )) && sleep "$((wait_ms / 1000)).$(printf '%03d' $((wait_ms % 1000)))"
  return 0
}

# Provider down: deepseek-v4-flash in the region that serves the us-east router's deepseek-v4-flash
# traffic right now (us-east on paper; at small latency scales the probes' few milliseconds of noise
# can put eu-west or ap-southeast first, and a fault nobody routes to would prove nothing).
at 150
PRIMARY=$(for _ in 1 2 3; do
  curl -s -o /dev/null -D - --max-time 10 "http://127.0.0.1:${ROUTER_PORT[us-east]}/v1/chat/completions" \
    -H 'content-type: application/json' -H 'authorization: Bearer sk-meridian-demo-key' \
    -d '{"model":"deepseek-v4-flash","max_tokens":8,"messages":[{"role":"user","content":"which region?"}]}' \
    | tr -d '\r' | awk -F': ' 'tolower($1) == "x-meridian-region" { print $2 }' || true
done | sort | uniq -c | sort -rn | awk 'NR == 1 { print $2 }' || true)
PRIMARY="${PRIMARY:-us-east}"
read -r live0 probes0 < <(upstream_counts "^deepseek-v4-flash@$PRIMARY\$")
curl -sf -X PUT "$SIM/admin/faults/deepseek-v4-flash/$PRIMARY" -d '{"down":true}' >/dev/null
event "provider down" "endpoint:deepseek-v4-flash@$PRIMARY"
at 350
read -r live1 probes1 < <(upstream_counts "^deepseek-v4-flash@$PRIMARY\$")
curl -sf -X DELETE "$SIM/admin/faults" >/dev/null
echo "provider down,live requests that still reached deepseek-v4-flash@$PRIMARY: $((live1 - live0)) (+$((probes1 - probes0)) probes)" >>"$OUT/upstream.csv"
event "recovery 1" "-"

# Region down: every model in ap-southeast.
at 420
read -r live0 probes0 < <(upstream_counts '@ap-southeast$')
for model in "${ALL_MODELS[@]}"; do
  curl -sf -X PUT "$SIM/admin/faults/$model/ap-southeast" -d '{"down":true}' >/dev/null
done
event "region down ap-southeast" "region:ap-southeast"
at 620
read -r live1 probes1 < <(upstream_counts '@ap-southeast$')
curl -sf -X DELETE "$SIM/admin/faults" >/dev/null
echo "region down ap-southeast,live requests that still reached ap-southeast endpoints: $((live1 - live0)) (+$((probes1 - probes0)) probes)" >>"$OUT/upstream.csv"
event "recovery 2" "-"

# A router node dies (kill -9: no drain, no Hazelcast leave) and comes back on the same port.
at 700
kill -KILL "${PIDS[eu-west]}"
wait "${PIDS[eu-west]}" 2>/dev/null || true
unset 'PIDS[eu-west]'
event "router eu-west killed" "router:eu-west"
at 800
echo "----- restarted at $(date -u +%H:%M:%S) -----" >>"$OUT/logs/router-eu-west.log"
start_router eu-west
event "@restart" "router:eu-west"
if wait_ready "http://127.0.0.1:${ROUTER_PORT[eu-west]}/readyz" "${PIDS[eu-west]}" 60; then
  event "@ready" "router:eu-west"
else
  log "WARNING: the restarted eu-west router was not ready within 60 s"
fi

# ---- end and report ------------------------------------------------------------------------------
wait "${PIDS[driver]}" || die "the load driver failed (see $OUT/logs/driver.log)"
unset 'PIDS[driver]'
event "end" "-"
java "$ROOT/chaos/LoadDriver.java" report --out "$OUT" | tee "$OUT/summary.txt"
log "results in $OUT (summary.txt, requests.csv, events.csv, logs/)"
