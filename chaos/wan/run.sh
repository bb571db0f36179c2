#!/usr/bin/env bash
# chaos/wan/run.sh: Meridian across an emulated WAN, three regions on one machine, with faults.
# Not part of bin/test: about 11 minutes on 2 cores. Needs root (ip netns), /dev/net/tun, python3,
# Java 17, jq, curl and a built jar (launcher/target/meridian.jar).
#
# Three routers (us-east, eu-west, ap-southeast: processes from the same jar), each in its own network
# namespace with its own address, form one Hazelcast cluster over links with the simulator's round
# trips: 75 ms us-east<->eu-west, 160 ms eu-west<->ap-southeast, 210 ms us-east<->ap-southeast, half
# of it each way, jitter with a standard deviation of 2.5 % of the round trip. The simulated providers
# of each region sit at that region's address block, so a router reaches its own region's providers
# at once and the others' at the inter-region distance. This kernel has no tc netem
# (CONFIG_NET_SCH_NETEM is not set and it loads no modules), so the links are shaped by
# chaos/wan/wanem.py, a user-space emulator on a TUN device that every inter-namespace packet crosses
# (chaos/wan/net.sh draws the network). All traffic stays inside the namespaces the script creates;
# they are deleted on exit, as every process it started is stopped.
#
# Load: chaos/LoadDriver.java at --rate requests/s per router (mixed models, half streamed, key
# sk-wan-load-client, no limits) from the measurement namespace, whose path to each router the emulator
# never delays or cuts (a client next to its router). chaos/wan/WanProbe.java samples every router
# and its member's view of the cluster each second and sends 1 request/s per region with a key
# limited to 60 requests/minute, and during each fault 1 request/s per region with a key whose daily
# budget is 60 of those requests' cost.
#
# Schedule (seconds after the load starts):
#   0    baseline
#   30   fault a: ap-southeast partitioned from us-east and eu-west       90  healed
#   210  fault b: 5 % packet loss on us-east<->eu-west, both directions   270 cleared
#   300  fault c: ap-southeast partitioned; at 320 its router restarted   360 healed (SIGTERM, then a new process)
#   480  end
# Then chaos/wan/WanReport.java prints one table per fault (client errors, p50/p99, local health
# freshness, remote records' staleness, limit overshoot, convergence after the heal).
#
#   sudo chaos/wan/run.sh [--rate 4] [--out DIR]        (WAN_OUT, WAN_RATE in the environment too)
set -euo pipefail

WAN_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$WAN_DIR/../.." && pwd)"
JAR="$ROOT/launcher/target/meridian.jar"
RATE="${WAN_RATE:-4}"
OUT="${WAN_OUT:-$WAN_DIR/results/run-$(date -u +%Y%m%dT%H%M%SZ)}"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --rate) RATE="$2"; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) echo "wan: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
DURATION=480
PROBE_MS=5000
RPM_LIMIT=60
LATENCY_SCALE=0.05
CLUSTER="meridian-wan-$$"
TAG="mw$$"
TAG="${TAG:0:7}"

log() { printf '[wan %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
now_ms() { date +%s%3N; }

[[ "$(id -u)" -eq 0 ]] || die "needs root: ip netns and a TUN device"
[[ -c /dev/net/tun ]] || die "no /dev/net/tun"
for tool in ip python3 java jq curl sha256sum; do command -v "$tool" >/dev/null || die "needs $tool"; done
[[ -f "$JAR" ]] || die "build the jar first: mvn -B -q -o -DskipTests package -pl launcher -am"
# shellcheck source=chaos/wan/net.sh
source "$WAN_DIR/net.sh"
mkdir -p "$OUT/logs"
if ! err="$(ip netns add "$TAG-probe" 2>&1)"; then
  die "ip netns add fails here, so the regions cannot have namespaces of their own: $err"
fi
ip netns del "$TAG-probe"
if ip netns add "$TAG-q" && ip -n "$TAG-q" link set lo up && ip netns exec "$TAG-q" tc qdisc add dev lo root netem delay 1ms 2>/dev/null; then
  log "note: this kernel has tc netem; the run still uses wanem.py, so results compare across machines"
fi
ip netns del "$TAG-q" 2>/dev/null || true

: >"$OUT/events.csv"
: >"$OUT/budget-key"

declare -A PIDS=()
cleanup() {
  local status=$?
  trap - EXIT INT TERM
  for name in "${!PIDS[@]}"; do kill -TERM "${PIDS[$name]}" 2>/dev/null || true; done
  for name in "${!PIDS[@]}"; do
    for _ in $(seq 100); do kill -0 "${PIDS[$name]}" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "${PIDS[$name]}" 2>/dev/null || true
    wait "${PIDS[$name]}" 2>/dev/null || true
  done
  net_down "$TAG"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

event() { echo "$(now_ms),$1,$2" >>"$OUT/events.csv"; log "event: $1 ${2:+($2)}"; }

# ---- network -------------------------------------------------------------------------------------
net_up "$TAG" "$OUT"
links_json >"$OUT/links.json"
ip netns exec "$TAG-w" python3 "$WAN_DIR/wanem.py" --tun "${TAG}t" --links "$OUT/links.json" \
  --stats "$OUT/wan-stats.json" >"$OUT/logs/wanem.log" 2>&1 &
PIDS[wanem]=$!
sleep 1
declare -A IDX=([us-east]=1 [eu-west]=2 [ap-southeast]=3)
in_ctl() { ip netns exec "$TAG-c" "$@"; }
rtt_check() { # the emulator's round trip from one region to another region's address, by TCP connect
  ip netns exec "$TAG-r${IDX[$1]}" curl -s -o /dev/null -m 3 -w '%{time_connect}' "http://$2:8090/" 2>/dev/null || echo "-"
}

# ---- catalog, keys -------------------------------------------------------------------------------
# Every provider of region R at the simulator's address for R (10.78.<R>.1).
unzip -p "$JAR" catalog/default-catalog.json | jq '
  .providers |= map(.id as $p | .baseUrls |= with_entries(.key as $r | .value =
    "http://10.78.\({"us-east": 1, "eu-west": 2, "ap-southeast": 3}[$r]).1:8090/\($r)/\($p)/v1"))' \
  >"$OUT/catalog.json"
hash() { printf '%s' "$1" | sha256sum | cut -d' ' -f1; }
write_keys() { # write_keys BUDGET_DOLLARS
  jq -n --arg load "$(hash sk-wan-load-client)" --arg rpm "$(hash sk-wan-rpm-limited)" --argjson limit "$RPM_LIMIT" \
    --arg a "$(hash sk-wan-budget-a-key)" --arg b "$(hash sk-wan-budget-b-key)" --arg c "$(hash sk-wan-budget-c-key)" \
    --argjson budget "$1" '{keys: [
      {name: "wan-load", sha256: $load},
      {name: "wan-rpm", sha256: $rpm, requestsPerMinute: $limit},
      {name: "wan-budget-a", sha256: $a, budget: {dollars: $budget, per: "day"}},
      {name: "wan-budget-b", sha256: $b, budget: {dollars: $budget, per: "day"}},
      {name: "wan-budget-c", sha256: $c, budget: {dollars: $budget, per: "day"}}]}' >"$OUT/keys.json.tmp"
  mv "$OUT/keys.json.tmp" "$OUT/keys.json"
}
write_keys 1000

# ---- processes -----------------------------------------------------------------------------------
HZ_OPENS=(--add-modules java.se --add-exports java.base/jdk.internal.ref=ALL-UNNAMED
  --add-opens java.base/java.lang=ALL-UNNAMED --add-opens java.base/sun.nio.ch=ALL-UNNAMED
  --add-opens java.management/sun.management=ALL-UNNAMED
  --add-opens jdk.management/com.sun.management.internal=ALL-UNNAMED)
# The merge check of the Kubernetes cluster.xml (first after 60 s, then every 30 s); the repository's
# cluster.xml leaves Hazelcast's 300/120 s. Hazelcast reads properties the XML does not set from the
# system properties.
MERGE=(-Dhazelcast.merge.first.run.delay.seconds=60 -Dhazelcast.merge.next.run.delay.seconds=30)
MEMBERS="10.77.1.2:5701,10.77.2.2:5701,10.77.3.2:5701"

ip netns exec "$TAG-p" java "${HZ_OPENS[@]}" -Xms64m -Xmx256m -jar "$JAR" simulator --host 0.0.0.0 \
  --port 8090 --latency-scale "$LATENCY_SCALE" >"$OUT/logs/simulator.log" 2>&1 &
PIDS[simulator]=$!

start_router() { # start_router REGION
  local region="$1" i="${IDX[$1]}"
  echo "----- started $(date -u +%H:%M:%S) -----" >>"$OUT/logs/router-$region.log"
  ip netns exec "$TAG-r$i" env MERIDIAN_REGION="$region" MERIDIAN_HOST=0.0.0.0 MERIDIAN_PORT=8080 \
    MERIDIAN_CLUSTER_NAME="$CLUSTER" MERIDIAN_CLUSTER_JOIN=tcp MERIDIAN_CLUSTER_MEMBERS="$MEMBERS" \
    MERIDIAN_CLUSTER_HOST="10.77.$i.2" MERIDIAN_CLUSTER_PORT=5701 MERIDIAN_EVENTBUS_PORT=5801 \
    MERIDIAN_CLUSTER_CONFIG="$ROOT/cluster.xml" MERIDIAN_CATALOG="$OUT/catalog.json" \
    MERIDIAN_KEYS_FILE="$OUT/keys.json" MERIDIAN_PROBE_INTERVAL_MS="$PROBE_MS" \
    MERIDIAN_ALLOW_CLEARTEXT_UPSTREAMS=true MERIDIAN_DRAIN_TIMEOUT_MS=5000 \
    java "${HZ_OPENS[@]}" "${MERGE[@]}" -Xms64m -Xmx384m -jar "$JAR" router \
    >>"$OUT/logs/router-$region.log" 2>&1 &
  PIDS[$region]=$!
}

wait_ready() { # wait_ready REGION SECONDS
  local deadline=$((SECONDS + $2)) ip="10.77.${IDX[$1]}.2"
  while (( SECONDS < deadline )); do
    kill -0 "${PIDS[$1]}" 2>/dev/null || return 1
    [[ "$(in_ctl curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://$ip:8080/readyz" || true)" == 200 ]] && return 0
    sleep 0.5
  done
  return 1
}
# Health records a converged cluster holds: 3 observer regions x one per (model, endpoint region).
PAIRS="$(jq '[.models[].regions | length] | add' "$OUT/catalog.json")"
EXPECTED_RECORDS=$(( 3 * PAIRS ))
records() { in_ctl curl -s --max-time 2 "http://10.77.${IDX[$1]}.2:8080/readyz" | jq -r '.healthRecords // 0' 2>/dev/null || echo 0; }

for region in "${WAN_REGIONS[@]}"; do
  start_router "$region"
  sleep 5   # one after the other, as regions come up in a deployment
done
for region in "${WAN_REGIONS[@]}"; do
  wait_ready "$region" 180 || die "router $region not ready within 180 s (see $OUT/logs/router-$region.log)"
  log "router $region ready"
done
for _ in $(seq 60); do
  ok=1
  for region in "${WAN_REGIONS[@]}"; do (( $(records "$region") >= EXPECTED_RECORDS )) || ok=0; done
  [[ $ok == 1 ]] && break
  sleep 1
done
log "health records per router: us-east $(records us-east), eu-west $(records eu-west), ap-southeast $(records ap-southeast) ($EXPECTED_RECORDS = 3 observers x $PAIRS)"
log "emulated round trips from us-east: to eu-west's providers $(rtt_check us-east 10.78.2.1) s, to ap-southeast's $(rtt_check us-east 10.78.3.1) s; eu-west to ap-southeast's $(rtt_check eu-west 10.78.3.1) s"

# One request's cost for the budget keys: the limit driver's model and max_tokens, key sk-wan-load-client.
COST=""
for _ in 1 2 3; do
  in_ctl curl -s -D "$OUT/calibration.headers" -o "$OUT/calibration.body" --max-time 20 \
    http://10.77.1.2:8080/v1/chat/completions -H 'authorization: Bearer sk-wan-load-client' \
    -H 'content-type: application/json' \
    -d '{"model":"deepseek-v4-flash","max_tokens":40,"messages":[{"role":"user","content":"count to ten"}]}' || true
  COST="$(tr -d '\r' <"$OUT/calibration.headers" | awk -F': ' 'tolower($1) == "x-meridian-cost-usd" { print $2 }')"
  [[ -n "$COST" ]] && break
  sleep 2
done
[[ -n "$COST" ]] || die "no x-meridian-cost-usd on the calibration request: $(head -1 "$OUT/calibration.headers") $(cat "$OUT/calibration.body")"
BUDGET="$(jq -n --argjson c "$COST" '$c * 60')"
write_keys "$BUDGET"
echo "{\"rpm_limit\": $RPM_LIMIT, \"budget_dollars\": $BUDGET, \"request_cost\": $COST, \"probe_interval_ms\": $PROBE_MS}" >"$OUT/limits.json"
log "budget keys: \$$BUDGET a day each (60 requests of \$$COST); request key: $RPM_LIMIT requests/minute"
sleep 3   # the routers reload the keys file within 2 s

# ---- load, sampling, schedule --------------------------------------------------------------------
in_ctl env MERIDIAN_API_KEY=sk-wan-load-client java "$ROOT/chaos/LoadDriver.java" run \
  --target us-east=http://10.77.1.2:8080 --target eu-west=http://10.77.2.2:8080 \
  --target ap-southeast=http://10.77.3.2:8080 --rate "$RATE" --duration "$DURATION" --warmup 5 \
  --out "$OUT" >"$OUT/logs/driver.log" 2>&1 &
PIDS[driver]=$!
in_ctl java -cp "$JAR" "$WAN_DIR/WanProbe.java" --out "$OUT" --duration $((DURATION + 15)) --cluster "$CLUSTER" \
  --region us-east=10.77.1.2 --region eu-west=10.77.2.2 --region ap-southeast=10.77.3.2 \
  >"$OUT/logs/probe.log" 2>&1 &
PIDS[probe]=$!
for _ in $(seq 600); do
  [[ -s "$OUT/driver.started" ]] && break
  kill -0 "${PIDS[driver]}" 2>/dev/null || die "the load driver did not start (see $OUT/logs/driver.log)"
  sleep 0.1
done
[[ -s "$OUT/driver.started" ]] || die "the load driver did not start"
T0_MS=$(cat "$OUT/driver.started")
echo "$T0_MS,baseline,-" >>"$OUT/events.csv"
at() { # at SECONDS: sleep until SECONDS after the load started
  local wait_ms=$((T0_MS + $1 * 1000 - $(now_ms)))
  (( wait_ms > 0 )) && sleep "$((wait_ms / 1000)).$(printf '%03d' $((wait_ms % 1000)))"
  return 0
}
links() { links_json "$@" >"$OUT/links.json.tmp" && mv "$OUT/links.json.tmp" "$OUT/links.json"; }

at 30
echo sk-wan-budget-a-key >"$OUT/budget-key"
links ap-southeast
event "a: partition" "ap-southeast"
at 90
links
: >"$OUT/budget-key"
event "a: heal" "ap-southeast"

at 210
echo sk-wan-budget-b-key >"$OUT/budget-key"
links "" "us-east|eu-west" 0.05
event "b: loss" "us-east|eu-west 5%"
at 270
links
: >"$OUT/budget-key"
event "b: clear" "us-east|eu-west"

at 300
echo sk-wan-budget-c-key >"$OUT/budget-key"
links ap-southeast
event "c: partition" "ap-southeast"
at 320
kill -TERM "${PIDS[ap-southeast]}"
event "@router stop" "ap-southeast"
for _ in $(seq 150); do kill -0 "${PIDS[ap-southeast]}" 2>/dev/null || break; sleep 0.1; done
kill -KILL "${PIDS[ap-southeast]}" 2>/dev/null || true
wait "${PIDS[ap-southeast]}" 2>/dev/null || true
start_router ap-southeast
event "@router start" "ap-southeast"
if wait_ready ap-southeast 35; then event "@router ready" "ap-southeast"; else log "WARNING: the restarted ap-southeast router was not ready within 35 s"; fi
at 360
links
: >"$OUT/budget-key"
event "c: heal" "ap-southeast"

wait "${PIDS[driver]}" || die "the load driver failed (see $OUT/logs/driver.log)"
unset 'PIDS[driver]'
event "end" "-"
wait "${PIDS[probe]}" || log "WARNING: the sampler exited with an error (see $OUT/logs/probe.log)"
unset 'PIDS[probe]'
cp "$OUT/wan-stats.json" "$OUT/wan-stats-final.json" 2>/dev/null || true
java -cp "$JAR" "$WAN_DIR/WanReport.java" --out "$OUT" | tee "$OUT/summary.txt"
log "results in $OUT (summary.txt, requests.csv, samples.csv, limits.csv, events.csv, logs/)"
