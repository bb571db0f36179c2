#!/usr/bin/env bash
# Savings report: replays a realistic traffic mix through Meridian against the embedded simulator and
# prints what "model": "auto" cost against sending everything to one premium model, and the latency
# each class of request saw. Loopback only; about 70 s for the default 400 requests (~20 s of replay).
#
#   tools/savings/run.sh                                   # 400 requests, mix 85/10/5, baseline kimi-k2.5
#   tools/savings/run.sh --requests 1000 --mix 70,20,10 --baseline glm-5
#   tools/savings/run.sh --agent                           # 20 coding-agent sessions vs the premium tier
#   tools/savings/run.sh --agent --sessions 50 --baseline kimi-k2.5
#   tools/savings/run.sh --cache                           # prompt-cache affinity on vs off, ~2 min
#
# Options (defaults): --requests N (400), --mix SIMPLE,MODERATE,COMPLEX percentages (85,10,5),
# --baseline MODEL (kimi-k2.5, any catalog model), --seed S (42), --concurrency C (16),
# --latency-scale X (0.05, the simulator's delay multiplier).
# --agent replays coding-agent sessions instead (tools/savings/AgentSession.java: Claude Code's model
# names on /v1/messages through the catalog's aliases, against every call to --baseline, default the
# premium tier); --sessions N (20), --system-tokens T (4000, the agent's system prompt).
# --cache measures prompt-cache affinity (tools/savings/CacheSessions.java): --sessions N (300) of
# --apps A (6) applications, each with its own --system-tokens T (3000) system prompt, 3 turns each on
# the budget tier, through two routers with affinity on (one simulator) and two with it off (another),
# at latency scale 1 with the simulator's latency spread at +/-25 % (--jitter), probes every 2 s; twice:
# with the default catalog, and with the budget tier's three models at one price (alternatives of equal
# standing, so affinity has a choice).
#
# The mix (generated from small templates by one seeded java.util.Random, so a seed is one fixed
# traffic sample; class counts are exact, their order shuffled):
#   simple   85%  short questions (capitals, unit conversions, acronyms, synonyms, translations,
#                 "how can I improve my ..."), classification (review sentiment, spam, ticket label),
#                 formatting (dates to ISO 8601, sorted name lists, text to JSON), short summaries
#                 (a 3-7 sentence paragraph or email to one sentence); max_tokens 5-300 or unset
#                 (the simulator then answers 150 tokens); sometimes a system prompt or one prior exchange.
#   moderate 10%  code snippets in ``` fences (python, javascript, java, go, sql, bash: explain, fix,
#                 refactor, test; max_tokens 300-900), documents over 600 tokens (meeting notes, reports:
#                 650-2,500 tokens, summarize; max_tokens 200-500), tool definitions (1-3 functions,
#                 a question that needs one; max_tokens 100-300).
#   complex   5%  "step by step" explanations of algorithms and operations tasks (max_tokens 800-1,500),
#                 proofs and derivations (600-1,200), long multi-turn conversations of 16-18 messages
#                 (500-1,200).
# Each request is sent with "model": "auto", then the same body with "model": BASELINE. Costs are the
# x-meridian-cost-usd headers (simulator token counts x catalog prices), so both sides are measured,
# not assumed; the class in x-meridian-route-reason is compared with the intended one.
#
# Starts `meridian.jar embedded --standalone` on free loopback ports (building the jar first if
# launcher/target/meridian.jar is missing), waits for /readyz, runs tools/savings/SavingsReport.java
# (JDK only), prints its report and writes tools/savings/results/savings-<time>.json and
# savings-latest.json. Every process it starts is stopped on exit, however it exits.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
HERE="$ROOT/tools/savings"
JAR="$ROOT/launcher/target/meridian.jar"

REQUESTS=400
MIX="85,10,5"
BASELINE="kimi-k2.5"
SEED=42
CONCURRENCY=16
LATENCY_SCALE=0.05

AGENT=""
CACHE=""
JITTER=0.25
EXTRA_PIDS=()
SESSIONS=20
SYSTEM_TOKENS=4000
BASELINE_SET=""

usage() { sed -n '2,17p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }
die() { echo "savings: $*" >&2; exit 2; }

while (($#)); do
  case "$1" in
    --requests) REQUESTS="${2:?--requests needs a value}"; shift 2 ;;
    --mix) MIX="${2:?--mix needs a value}"; shift 2 ;;
    --baseline) BASELINE="${2:?--baseline needs a value}"; BASELINE_SET=1; shift 2 ;;
    --agent) AGENT=1; shift ;;
    --cache) CACHE=1; shift ;;
    --apps) APPS="${2:?--apps needs a value}"; shift 2 ;;
    --jitter) JITTER="${2:?--jitter needs a value}"; shift 2 ;;
    --sessions) SESSIONS="${2:?--sessions needs a value}"; shift 2 ;;
    --system-tokens) SYSTEM_TOKENS="${2:?--system-tokens needs a value}"; shift 2 ;;
    --seed) SEED="${2:?--seed needs a value}"; shift 2 ;;
    --concurrency) CONCURRENCY="${2:?--concurrency needs a value}"; shift 2 ;;
    --latency-scale) LATENCY_SCALE="${2:?--latency-scale needs a value}"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown option: $1" ;;
  esac
done
[[ "$REQUESTS" =~ ^[1-9][0-9]*$ ]] || die "--requests must be a positive integer"
[[ "$MIX" =~ ^[0-9]+,[0-9]+,[0-9]+$ ]] || die "--mix must be three percentages, e.g. 85,10,5"
IFS=, read -r MIX_S MIX_M MIX_C <<<"$MIX"
((10#$MIX_S + 10#$MIX_M + 10#$MIX_C == 100)) || die "--mix must add up to 100, got $((10#$MIX_S + 10#$MIX_M + 10#$MIX_C))"

command -v java >/dev/null || die "java 17 is required"
command -v curl >/dev/null || die "curl is required"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/meridian-savings.XXXXXX")"
NODE_PID=""
DRIVER_PID=""

stop() { # stop PID, politely first
  local pid="$1"
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do
    kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  stop "$DRIVER_PID"
  stop "$NODE_PID"
  for pid in "${EXTRA_PIDS[@]}"; do stop "$pid"; done
  if ((rc != 0)) && [[ -s "$WORK/meridian.log" ]]; then
    echo "savings: last lines of the Meridian log:" >&2
    tail -n 20 "$WORK/meridian.log" >&2
  fi
  rm -rf "$WORK"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# A loopback port nobody listens on (checked by connecting; the node fails loudly if it raced).
free_port() {
  local port
  for _ in $(seq 1 200); do
    port=$((20000 + RANDOM % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return 0
    fi
  done
  die "no free loopback port found"
}

if [[ ! -f "$JAR" ]]; then
  echo "savings: building $JAR (mvn -q -B -DskipTests package; the first build takes a few minutes)" >&2
  (cd "$ROOT" && mvn -q -B -DskipTests package) >&2
fi

wait_ready() { # wait_ready PID PORT
  for _ in $(seq 1 240); do
    kill -0 "$1" 2>/dev/null || die "a Meridian process exited during start-up (see $WORK)"
    [[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$2/readyz" 2>/dev/null || true)" == 200 ]] && return 0
    sleep 0.25
  done
  die "Meridian on port $2 was not ready within 60 s"
}

if [[ -n "$CACHE" ]]; then
  [[ "$SESSIONS" != 20 ]] || SESSIONS=300
  [[ "$SYSTEM_TOKENS" != 4000 ]] || SYSTEM_TOKENS=3000
  # Scenario "equal": the budget tier's three models at one price, so that within the latency
  # tolerance they are alternatives of equal standing (in the default catalog deepseek-v4-flash is
  # both the fastest and the cheapest, so affinity has nothing to choose between).
  node -e '
    const fs = require("fs");
    const [src, dst] = process.argv.slice(1);
    const catalog = JSON.parse(fs.readFileSync(src, "utf8"));
    for (const model of catalog.models) {
      if (["deepseek-v4-flash", "qwen3-32b", "hunyuan-turbos"].includes(model.id)) {
        model.price = { inputPerMillion: 0.0625, cachedInputPerMillion: 0.00625, outputPerMillion: 0.25 };
      }
    }
    fs.writeFileSync(dst, JSON.stringify(catalog));
  ' "$ROOT/meridian-core/src/main/resources/catalog/default-catalog.json" "$WORK/equal-catalog.json"
  cd "$ROOT"
  rc=0
  for scenario in default equal; do
    catalog_args=()
    [[ $scenario == default ]] || catalog_args=(--catalog "$WORK/equal-catalog.json")
    urls=()
    for side in on off; do
      affinity=true; [[ $side == on ]] || affinity=false
      port="$(free_port)"; sim="$(free_port)"; port2="$(free_port)"
      # shellcheck disable=SC2086
      java ${JAVA_OPTS:-} -jar "$JAR" embedded --standalone --port "$port" --simulator-port "$sim" --latency-scale 1.0 \
        --simulator-jitter "$JITTER" --probe-interval-ms 2000 --affinity "$affinity" "${catalog_args[@]}" \
        >"$WORK/$scenario-$side-1.log" 2>&1 &
      EXTRA_PIDS+=($!); wait_ready "$!" "$port"
      # The second router of the region: its own probes, the same simulator (the same providers).
      # shellcheck disable=SC2086
      java ${JAVA_OPTS:-} -jar "$JAR" router --standalone --port "$port2" --simulator-url "http://127.0.0.1:$sim" \
        --keys-file demo --probe-interval-ms 2000 --affinity "$affinity" "${catalog_args[@]}" \
        >"$WORK/$scenario-$side-2.log" 2>&1 &
      EXTRA_PIDS+=($!); wait_ready "$!" "$port2"
      urls+=("http://127.0.0.1:$port,http://127.0.0.1:$port2")
    done
    echo "savings: scenario '$scenario' ready; $SESSIONS sessions, affinity on via ${urls[0]}, off via ${urls[1]}" >&2
    java -cp "$JAR" "$HERE/CacheSessions.java" --on "${urls[0]}" --off "${urls[1]}" --sessions "$SESSIONS" \
      --apps "${APPS:-6}" --system-tokens "$SYSTEM_TOKENS" --seed "$SEED" --scenario "$scenario" \
      --catalog-file "${catalog_args[1]:-}" --out "$HERE/results" &
    DRIVER_PID=$!
    wait "$DRIVER_PID" || rc=$?
    DRIVER_PID=""
    for pid in "${EXTRA_PIDS[@]}"; do stop "$pid"; done
    EXTRA_PIDS=()
    echo
  done
  exit "$rc"
fi

PORT="$(free_port)"
SIM_PORT="$(free_port)"
while [[ "$SIM_PORT" == "$PORT" ]]; do SIM_PORT="$(free_port)"; done

echo "savings: starting Meridian (router 127.0.0.1:$PORT, simulator 127.0.0.1:$SIM_PORT, latency scale $LATENCY_SCALE)" >&2
# shellcheck disable=SC2086
java ${JAVA_OPTS:-} -jar "$JAR" embedded --standalone --port "$PORT" --simulator-port "$SIM_PORT" \
  --latency-scale "$LATENCY_SCALE" --probe-interval-ms 5000 >"$WORK/meridian.log" 2>&1 &
NODE_PID=$!

ready=""
for _ in $(seq 1 240); do # up to 60 s
  kill -0 "$NODE_PID" 2>/dev/null || die "Meridian exited during start-up"
  if [[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/readyz" 2>/dev/null || true)" == 200 ]]; then
    ready=1
    break
  fi
  sleep 0.25
done
[[ -n "$ready" ]] || die "Meridian was not ready within 60 s"
cd "$ROOT"
if [[ -n "$AGENT" ]]; then
  [[ "$SESSIONS" =~ ^[1-9][0-9]*$ ]] || die "--sessions must be a positive integer"
  [[ -n "$BASELINE_SET" ]] || BASELINE=premium
  echo "savings: ready; replaying $SESSIONS coding-agent sessions against '$BASELINE'" >&2
  java -cp "$JAR" "$HERE/AgentSession.java" --router "http://127.0.0.1:$PORT" --sessions "$SESSIONS" \
    --baseline "$BASELINE" --seed "$SEED" --system-tokens "$SYSTEM_TOKENS" --out "$HERE/results" &
  DRIVER_PID=$!
  driver_rc=0
  wait "$DRIVER_PID" || driver_rc=$?
  DRIVER_PID=""
  exit "$driver_rc"
fi
echo "savings: ready; replaying $REQUESTS requests" >&2
java "$HERE/SavingsReport.java" --router "http://127.0.0.1:$PORT" --requests "$REQUESTS" --mix "$MIX" \
  --baseline "$BASELINE" --seed "$SEED" --concurrency "$CONCURRENCY" --latency-scale "$LATENCY_SCALE" \
  --out "$HERE/results" &
DRIVER_PID=$!
driver_rc=0
wait "$DRIVER_PID" || driver_rc=$?
DRIVER_PID=""
exit "$driver_rc"
