# Shared helpers for the bench/*.sh scripts. Sourced, not run. Requires bash, set -euo pipefail.
# Everything here talks to 127.0.0.1 only.

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ROOT="$(cd "$BENCH_DIR/.." && pwd)"
WORK="$BENCH_DIR/.work"
RESULTS="$BENCH_DIR/results"
LIB="$BENCH_DIR/lib"
JAR="$WORK/meridian.jar"
mkdir -p "$WORK" "$RESULTS"

# CPU placement. none (default): nobody is pinned, generator and servers share the machine's cores
# (the JVMs see every core, so the router runs its default one instance per core). split: load
# generator on CPU $GEN_CPU, every server on CPU $SRV_CPU (the JVMs then see one CPU; with router and
# simulator on one core their ping-pong serialises and throughput collapses: see docs/performance.md).
# proxy: the proxy under test alone on CPU $SRV_CPU (0), the generator and the simulator on the
# other core(s) (UPSTREAM_CPU moves the simulator), so a proxy's latency is not its wait behind the
# generator or the upstream for a core: a router pod has cores of its own in production.
BENCH_PIN="${BENCH_PIN:-none}"
NCPU="$(nproc)"
if [[ "$BENCH_PIN" == split && "$NCPU" -ge 2 ]]; then
  GEN_CPU="${GEN_CPU:-$((NCPU - 1))}"
  SRV_CPU="${SRV_CPU:-0-$((NCPU - 2))}"
  UPSTREAM_CPU="$SRV_CPU"
elif [[ "$BENCH_PIN" == proxy && "$NCPU" -ge 2 ]]; then
  SRV_CPU="${SRV_CPU:-0}"
  if [[ "$NCPU" -eq 2 ]]; then GEN_CPU="${GEN_CPU:-1}"; else GEN_CPU="${GEN_CPU:-1-$((NCPU - 1))}"; fi
  # On a larger host give the simulator cores of its own too, e.g. SRV_CPU=0-1 UPSTREAM_CPU=2 GEN_CPU=3.
  UPSTREAM_CPU="${UPSTREAM_CPU:-$GEN_CPU}"
else
  BENCH_PIN=none
  GEN_CPU="any"; SRV_CPU="any"; UPSTREAM_CPU="any"
fi
if [[ "$BENCH_PIN" == none ]]; then
  GEN_PIN=()
  PROXY_NCPU="$NCPU"
else
  GEN_PIN=(taskset -c "$GEN_CPU")
  # How many CPUs the proxies get: nginx's and haproxy's worker counts follow it.
  PROXY_NCPU="$(taskset -c "$SRV_CPU" nproc)"
fi

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# --- tools ---------------------------------------------------------------------------------------
APT_UPDATED=0
apt_install() { # apt_install CMD PACKAGE [CMD PACKAGE ...]: installs the packages whose command is missing
  local missing=()
  while (($#)); do
    command -v "$1" >/dev/null 2>&1 || missing+=("$2")
    shift 2
  done
  ((${#missing[@]})) || return 0
  local sudo=()
  [[ "$(id -u)" == 0 ]] || sudo=(sudo)
  log "installing ${missing[*]} (apt-get)"
  if ((APT_UPDATED == 0)); then "${sudo[@]}" apt-get update -qq >&2; APT_UPDATED=1; fi
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
}

# --- the jar -------------------------------------------------------------------------------------
# A private, stable build: the committed tree at BENCH_REF (default HEAD) is exported with
# `git archive` into bench/.work/src and built there, so edits in the working tree and concurrent
# rebuilds of launcher/target never change the binary under test. Built when missing, or when
# BENCH_REBUILD=1. Outside a git checkout the working tree is built instead.
# bench/.work/meridian.jar.info records what was built (line 2: the commit).
ensure_jar() {
  if [[ -f "$JAR" && -f "$JAR.info" && "${BENCH_REBUILD:-0}" != 1 ]]; then return 0; fi
  command -v mvn >/dev/null || apt_install mvn maven
  local src="$WORK/src" commit
  if commit="$(git -C "$ROOT" rev-parse --verify "${BENCH_REF:-HEAD}^{commit}" 2>/dev/null)"; then
    log "building meridian.jar from commit ${commit:0:12} (git archive into $src; tests skipped)"
    rm -rf "$src" && mkdir -p "$src"
    git -C "$ROOT" archive "$commit" | tar -x -C "$src"
  else
    commit="working-tree"
    src="$ROOT"
    log "building meridian.jar from the working tree (not a git checkout)"
  fi
  (cd "$src" && { mvn -q -B -o -DskipTests package >/dev/null 2>&1 || mvn -q -B -DskipTests package >&2; })
  cp "$src/launcher/target/meridian.jar" "$JAR.tmp" && mv "$JAR.tmp" "$JAR"
  # Leave no fresh sources or build output behind: bin/meridian rebuilds when it finds newer files.
  [[ "$src" == "$WORK/src" ]] && rm -rf "$src"
  { echo "built $(date -u +%FT%TZ) from $src"
    echo "$commit"
  } > "$JAR.info"
}

# bench/floor/target/floor.jar: the pass-through proxies run.sh measures as netty-floor and vertx-floor.
# Built from the working tree's bench/floor (bench code, not the product), when missing or with BENCH_REBUILD=1.
FLOOR_JAR="$BENCH_DIR/floor/target/floor.jar"
ensure_floor_jar() {
  if [[ -f "$FLOOR_JAR" && "${BENCH_REBUILD:-0}" != 1 ]]; then return 0; fi
  command -v mvn >/dev/null || apt_install mvn maven
  log "building $FLOOR_JAR"
  (cd "$BENCH_DIR/floor" && { mvn -q -B -o -DskipTests package >/dev/null 2>&1 || mvn -q -B -DskipTests package >&2; })
}

jar_commit() { sed -n 2p "$JAR.info" 2>/dev/null || echo unknown; }

# --- processes -----------------------------------------------------------------------------------
STARTED_PIDS=()
cleanup() {
  local pid
  for pid in "${STARTED_PIDS[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${STARTED_PIDS[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  done
  STARTED_PIDS=()
}

# free_port: a TCP port on 127.0.0.1 nobody listens on (checked, then handed out once per run).
USED_PORTS=" "
free_port() {
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

HZ_OPENS=(--add-modules java.se --add-exports java.base/jdk.internal.ref=ALL-UNNAMED
  --add-opens java.base/java.lang=ALL-UNNAMED --add-opens java.base/sun.nio.ch=ALL-UNNAMED
  --add-opens java.management/sun.management=ALL-UNNAMED
  --add-opens jdk.management/com.sun.management.internal=ALL-UNNAMED)

# start_bg NAME LOGFILE CMD...: starts CMD on the proxies' CPUs ($SRV_CPU); sets LAST_PID.
start_bg() { start_on "$SRV_CPU" "$@"; }

# start_on CPUS NAME LOGFILE CMD...: starts CMD pinned to CPUS (a taskset list; "any": not pinned).
start_on() {
  local cpus="$1" name="$2" logf="$3" pin=(); shift 3
  [[ "$cpus" != any ]] && pin=(taskset -c "$cpus")
  "${pin[@]}" "$@" >"$logf" 2>&1 &
  LAST_PID=$!
  STARTED_PIDS+=("$LAST_PID")
  log "started $name (pid $LAST_PID, cpu $cpus)"
}

start_simulator() { # start_simulator PORT LATENCY_SCALE: on the upstream's CPUs (BENCH_PIN)
  # shellcheck disable=SC2086
  start_on "$UPSTREAM_CPU" simulator "$WORK/simulator.log" java "${HZ_OPENS[@]}" ${JAVA_OPTS:--Xms256m} -jar "$JAR" \
    simulator --port "$1" --latency-scale "$2"
  SIM_PID=$LAST_PID
}

# Benchmarks authenticate like clients do (the public demo key), so the key check counts in the overhead.
MERIDIAN_AUTH_HEADER="authorization: Bearer sk-meridian-demo-key"

start_router() { # start_router PORT SIMULATOR_PORT [extra flags]; ROUTER_LOG: its log ($WORK/router.log)
  local port="$1" sim="$2"; shift 2
  # A jar built from before client keys (BENCH_REF=<older commit>) knows no --keys-file and needs none.
  # BENCH_AUTH=open runs without client authentication, to see what the key check itself costs.
  local auth=(--keys-file demo)
  [[ "${BENCH_AUTH:-keys}" == open ]] && auth=(--auth open)
  grep -aq 'auth/demo-keys.json' "$JAR" 2>/dev/null || auth=()
  # shellcheck disable=SC2086
  start_bg router "${ROUTER_LOG:-$WORK/router.log}" java "${HZ_OPENS[@]}" ${JAVA_OPTS:--Xms256m} -jar "$JAR" \
    router --standalone --port "$port" --simulator-url "http://127.0.0.1:$sim" --region us-east \
    "${auth[@]}" "$@"
  ROUTER_PID=$LAST_PID
}

wait_http() { # wait_http URL PID [SECONDS]: until URL answers 2xx
  local url="$1" pid="$2" secs="${3:-60}"
  for _ in $(seq $((secs * 10))); do
    kill -0 "$pid" 2>/dev/null || die "process $pid exited while waiting for $url"
    if curl -fsS -o /dev/null --max-time 1 "$url" 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  die "timed out waiting for $url"
}

# --- process accounting ----------------------------------------------------------------------------
CLK_TCK="$(getconf CLK_TCK)"
cpu_ticks() { # utime+stime of PID and its reaped children are not included: our servers do not fork
  awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0
}
vm_hwm_kb() { awk '/^VmHWM:/ { print $2 }' "/proc/$1/status" 2>/dev/null || echo 0; }
# Total CPU ticks used by everything on the machine (all CPUs, non-idle), to spot foreign load.
machine_busy_ticks() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 }' /proc/stat; }
# CPU ticks of this shell's reaped children (the load generator runs as one).
children_ticks() { awk '{ print $16 + $17 }' "/proc/$$/stat"; }

# wait_quiet PIDS...: waits (up to QUIET_WAIT_S, default 30) until processes other than PIDS and
# this script use under QUIET_MAX_PCT (default 10) percent of the machine over a 1 s sample. The
# machine may be shared with other work; measuring while it is busy would measure that work.
# Sets LAST_FOREIGN_PCT to the last sample.
wait_quiet() {
  local max="${QUIET_MAX_PCT:-10}" deadline=$((SECONDS + ${QUIET_WAIT_S:-30})) b0 b1 o0 o1 pid pct
  while :; do
    b0=$(machine_busy_ticks); o0=0; for pid in "$@"; do o0=$((o0 + $(cpu_ticks "$pid"))); done
    sleep 1
    b1=$(machine_busy_ticks); o1=0; for pid in "$@"; do o1=$((o1 + $(cpu_ticks "$pid"))); done
    pct=$(( ( (b1 - b0) - (o1 - o0) ) * 100 / (CLK_TCK * NCPU) ))
    ((pct < 0)) && pct=0
    LAST_FOREIGN_PCT=$pct
    ((pct <= max)) && return 0
    if ((SECONDS >= deadline)); then
      log "machine still busy with other work (${pct}% of $NCPU CPUs): measuring anyway"
      return 0
    fi
    log "other processes use ${pct}% of the machine; waiting for it to quieten"
    sleep 4
  done
}

# write_chat_body FILE [MODEL]: the non-streaming chat request every benchmark sends (~1 KB: a system
# prompt, a user turn, max_tokens), so "the same request" means the same bytes in every script.
write_chat_body() {
  local model="${2:-qwen3-8b}"
  printf '%s\n' "$(cat <<'JSON'
{"model":"@MODEL@","messages":[{"role":"system","content":"You are a concise assistant for a logistics company. Answer in plain English, at most three sentences, and never invent tracking numbers, prices or delivery dates that are not in the conversation. If you do not know, say so and suggest contacting support."},{"role":"user","content":"My parcel was marked as delivered yesterday at 14:05 but it is not at my door, not with the neighbours and not in the parcel locker downstairs. The tracking page shows a photo of a blue door, and my door is white. What should I do next, and how long does an investigation usually take?"}],"max_tokens":64,"temperature":0.2}
JSON
)" | sed "s/@MODEL@/$model/" >"$1"
}

# --- load generators -------------------------------------------------------------------------------
# wrk_run URL CONNS SECONDS BODYFILE OUTJSON [extra headers file]: closed-loop run, writes JSON.
wrk_run() {
  local url="$1" conns="$2" secs="$3" body="$4" out="$5" hdrs="${6:-}"
  BODY_FILE="$body" WRK_JSON="$out" EXTRA_HEADERS_FILE="$hdrs" \
    "${GEN_PIN[@]}" wrk -t1 -c"$conns" -d"${secs}s" --timeout 10s -s "$LIB/wrk-post.lua" "$url" >"$out.txt" 2>&1 \
    || { cat "$out.txt" >&2; die "wrk failed"; }
  [[ -s "$out" ]] || { cat "$out.txt" >&2; die "wrk wrote no result"; }
}

# h2load_rate URL TOTAL_RPS CLIENTS SECONDS BODYFILE OUTLOG [extra header args...]: open-ish
# fixed-rate run; each of CLIENTS connections sends TOTAL_RPS/CLIENTS requests per second on its own
# timer. The connections are opened ceil(TOTAL_RPS/1000) per millisecond (-r, --rate-period=1ms), so
# their timers are spread evenly over one send interval: opened all at once, the timers tick
# together and every tick is a burst of CLIENTS requests, which measures queueing in the burst
# (p50 ~2 ms instead of ~0.3 ms against the simulator at 2,000/s).
h2load_rate() {
  local url="$1" rps="$2" clients="$3" secs="$4" body="$5" outlog="$6"; shift 6
  local per=$((rps / clients)) n=$((rps * secs)) stagger=$(((rps + 999) / 1000))
  # h2load appends to an existing log file: a second run into the same file would be summarised
  # together with the first.
  rm -f "$outlog"
  "${GEN_PIN[@]}" h2load --h1 -t 1 -c "$clients" --rps "$per" -r "$stagger" --rate-period=1ms -n "$n" -d "$body" \
    -H 'content-type: application/json' "$@" --log-file "$outlog" "$url" >"$outlog.txt" 2>&1 \
    || { cat "$outlog.txt" >&2; die "h2load failed"; }
}
