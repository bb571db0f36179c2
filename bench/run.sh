#!/usr/bin/env bash
# The comparison harness: one command, one table. The same simulated provider is called
#   direct     straight at the simulator endpoint
#   meridian   through a standalone Meridian router (default router instances)
#   nginx      through Debian's nginx as a plain keep-alive reverse proxy (bench/.work/nginx)
#   haproxy    through Debian's haproxy as a plain keep-alive reverse proxy
#   portkey    through the open-source Portkey gateway (npm @portkey-ai/gateway 1.15.x)
#   netty-floor, vertx-floor  (opt-in) bench/floor: pass-through proxies on raw Netty and on plain
#              Vert.x with none of Meridian's work (FLOOR_JSON=1, the default: the request body is
#              parsed and re-encoded, the least a router that reads the model does), to split
#              Meridian's cost into the hop on its stack and what Meridian adds
# with the same generator, body and concurrency, in the same run, so ratios are comparable.
#
# Phase 1, non-streaming (simulator --latency-scale 0, answers at once): wrk closed loop at each of
# CONCURRENCY connections, and an h2load fixed-rate run at RATE req/s. Per target: throughput,
# latency p50/p90/p99/p99.9, added latency vs direct, proxy CPU seconds per 1,000 requests
# (utime+stime from /proc/PID/stat before/after), peak RSS (VmHWM).
# Phase 2, streaming (simulator --latency-scale STREAM_SCALE, a steady token cadence):
# bench/lib/sse-client.js at STREAM_CONC streams measures time to first byte and the gaps between
# SSE events; added TTFB and added gap vs direct.
#
#   bench/run.sh                              # ~8-10 minutes on 2 cores
#   TARGETS="direct meridian nginx" REPS=1 DURATION_S=5 bench/run.sh
#
# Environment: TARGETS ("direct meridian nginx haproxy portkey"; add netty-floor vertx-floor), CONCURRENCY ("1 16 64"),
# DURATION_S (10), WARMUP_S (75), RATE (1000; 0 = skip), RATE_CLIENTS (50), RATE_S (10),
# RATE_WARMUP_S (20: an unmeasured fixed-rate run per target before the first measured one), REPS (1),
# STREAM_CONC (16), STREAM_WARMUP_S (20), STREAM_S (15), STREAM_SCALE (0.1), STREAM_MAX_TOKENS (100), SKIP_STREAM (0),
# BENCH_PIN (none | split | proxy: the proxy alone on CPU 0, generator and simulator on the rest), BENCH_REF / BENCH_REBUILD (which commit's jar), QUIET_MAX_PCT,
# QUIET_WAIT_S (wait for foreign load to drop before each measurement).
# Writes bench/results/run-<time>.json and bench/results/run-latest.json.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
trap cleanup EXIT
trap 'exit 130' INT TERM

TARGETS="${TARGETS:-direct meridian nginx haproxy portkey}"
CONCURRENCY="${CONCURRENCY:-1 16 64}"
DURATION_S="${DURATION_S:-10}"
# See overhead.sh: the router needs about a minute of load before the JIT settles.
WARMUP_S="${WARMUP_S:-75}"
RATE="${RATE:-1000}"
RATE_CLIENTS="${RATE_CLIENTS:-50}"
RATE_S="${RATE_S:-10}"
RATE_WARMUP_S="${RATE_WARMUP_S:-20}"
REPS="${REPS:-1}"
STREAM_CONC="${STREAM_CONC:-16}"
STREAM_S="${STREAM_S:-15}"
STREAM_SCALE="${STREAM_SCALE:-0.1}"
STREAM_MAX_TOKENS="${STREAM_MAX_TOKENS:-100}"
SKIP_STREAM="${SKIP_STREAM:-0}"
QUIET_WAIT_S="${QUIET_WAIT_S:-15}"
PORTKEY_VERSION="${PORTKEY_VERSION:-1.15.2}"
FLOOR_JSON="${FLOOR_JSON:-1}"
# The model and the endpoint all targets use; the router picks the region (reported), the
# other proxies are configured for the very endpoint it picked.
MODEL="qwen3-8b"

want() { [[ " $TARGETS " == *" $1 "* ]]; }

# --- tools ----------------------------------------------------------------------------------------
apt_install wrk wrk h2load nghttp2-client curl curl taskset util-linux
want nginx && apt_install nginx nginx
want haproxy && apt_install haproxy haproxy
command -v node >/dev/null || apt_install node nodejs
command -v java >/dev/null || die "java 17 is required"
ensure_jar

declare -A SKIPPED=()   # target -> why it could not run
PORTKEY_DIR="$WORK/portkey"
PORTKEY_JS="$PORTKEY_DIR/node_modules/@portkey-ai/gateway/build/start-server.js"
ensure_portkey() {
  [[ -f "$PORTKEY_JS" && -f "$PORTKEY_DIR/.version-$PORTKEY_VERSION" ]] && return 0
  command -v npm >/dev/null || apt_install npm npm
  mkdir -p "$PORTKEY_DIR"
  # @hono/node-server pinned: later 1.x releases changed its request handling under the gateway.
  cat >"$PORTKEY_DIR/package.json" <<EOF
{
  "name": "meridian-bench-portkey",
  "private": true,
  "dependencies": { "@portkey-ai/gateway": "$PORTKEY_VERSION" },
  "overrides": { "@hono/node-server": "1.13.5" }
}
EOF
  log "installing @portkey-ai/gateway@$PORTKEY_VERSION into $PORTKEY_DIR (npm)"
  (cd "$PORTKEY_DIR" && npm install --no-audit --no-fund --loglevel=error >"$PORTKEY_DIR/npm-install.log" 2>&1) || {
    SKIPPED[portkey]="npm install failed: $(tail -3 "$PORTKEY_DIR/npm-install.log" | tr '\n' ' ')"
    return 1
  }
  [[ -f "$PORTKEY_JS" ]] || { SKIPPED[portkey]="npm install produced no $PORTKEY_JS"; return 1; }
  touch "$PORTKEY_DIR/.version-$PORTKEY_VERSION"
}
if want portkey; then ensure_portkey || log "portkey: ${SKIPPED[portkey]}"; fi
if want netty-floor || want vertx-floor; then ensure_floor_jar; fi

RUN_DIR="$WORK/run-runs"
rm -rf "$RUN_DIR" && mkdir -p "$RUN_DIR"

# --- proxies ----------------------------------------------------------------------------------------
declare -A PORT=() PID=() URL=() LOGF=()

start_nginx() { # start_nginx SIM_PORT ENDPOINT_PATH
  local dir="$WORK/nginx" port
  port="$(free_port)"
  mkdir -p "$dir/tmp"
  # A plain reverse proxy, as one would put in front of a provider: keep-alive to the upstream,
  # HTTP/1.1, no buffering (so SSE passes through as it comes), no access log (Meridian keeps
  # none per request either).
  cat >"$dir/nginx.conf" <<EOF
worker_processes $PROXY_NCPU;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $dir/tmp/body;
  proxy_temp_path $dir/tmp/proxy;
  fastcgi_temp_path $dir/tmp/fastcgi;
  uwsgi_temp_path $dir/tmp/uwsgi;
  scgi_temp_path $dir/tmp/scgi;
  keepalive_requests 1000000;
  upstream simulator {
    server 127.0.0.1:$1;
    keepalive 128;
    keepalive_requests 1000000;
  }
  server {
    listen 127.0.0.1:$port;
    location = /v1/chat/completions {
      proxy_pass http://simulator$2;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_buffering off;
      proxy_request_buffering off;
      proxy_read_timeout 300s;
    }
  }
}
EOF
  start_bg nginx "$dir/stdout.log" nginx -p "$dir" -c "$dir/nginx.conf" -g 'daemon off;'
  LOGF[nginx]="$dir/error.log" PID[nginx]=$LAST_PID PORT[nginx]=$port URL[nginx]="http://127.0.0.1:$port/v1/chat/completions"
}

start_haproxy() { # start_haproxy SIM_PORT ENDPOINT_PATH
  local dir="$WORK/haproxy" port
  port="$(free_port)"
  mkdir -p "$dir"
  cat >"$dir/haproxy.cfg" <<EOF
global
  nbthread $PROXY_NCPU
  maxconn 4000
defaults
  mode http
  timeout connect 5s
  timeout client 300s
  timeout server 300s
  option http-keep-alive
  # Forward each piece of a response as it comes (SSE): without it haproxy merges small writes and
  # streamed events arrive in bursts (measured: ~25 ms added TTFB, events paired up).
  option http-no-delay
  http-reuse always
frontend bench
  bind 127.0.0.1:$port
  default_backend simulator
backend simulator
  http-request set-path $2
  server sim 127.0.0.1:$1
EOF
  start_bg haproxy "$dir/stdout.log" haproxy -db -f "$dir/haproxy.cfg"
  LOGF[haproxy]="$dir/stdout.log" PID[haproxy]=$LAST_PID PORT[haproxy]=$port URL[haproxy]="http://127.0.0.1:$port/v1/chat/completions"
}

start_portkey() {
  local port
  port="$(free_port)"
  # --headless: no UI and log stream page; NODE_ENV=production: no dev extras.
  NODE_ENV=production start_bg portkey "$WORK/portkey.log" node "$PORTKEY_JS" "--port=$port" --headless
  LOGF[portkey]="$WORK/portkey.log" PID[portkey]=$LAST_PID PORT[portkey]=$port URL[portkey]="http://127.0.0.1:$port/v1/chat/completions"
}

start_floor() { # start_floor netty|vertx SIM_PORT ENDPOINT_PATH: bench/floor's proxy of that kind
  local kind="$1" port json=()
  port="$(free_port)"
  [[ "$FLOOR_JSON" == 1 ]] && json=(--json)
  # shellcheck disable=SC2086
  start_bg "$kind-floor" "$WORK/$kind-floor.log" java ${JAVA_OPTS:--Xms256m} -jar "$FLOOR_JAR" "$kind" --port "$port" \
    --upstream "http://127.0.0.1:$2$3" "${json[@]}"
  LOGF[$kind-floor]="$WORK/$kind-floor.log" PID[$kind-floor]=$LAST_PID PORT[$kind-floor]=$port
  URL[$kind-floor]="http://127.0.0.1:$port/v1/chat/completions"
}

# Extra headers per target (Portkey needs its provider and the upstream base URL).
headers_file() { # headers_file TARGET SIM_PORT ENDPOINT_BASE -> path of a "name: value" file
  local f="$RUN_DIR/headers-$1"
  : >"$f"
  # The simulator charges the simulated round trip between the caller's region (this header, which
  # Meridian sends for itself) and the endpoint's region: every target pays the same one.
  [[ "$1" != meridian ]] && echo "x-meridian-router-region: us-east" >>"$f"
  [[ "$1" == meridian ]] && echo "$MERIDIAN_AUTH_HEADER" >>"$f"
  if [[ "$1" == portkey ]]; then
    printf 'x-portkey-provider: openai\nx-portkey-custom-host: http://127.0.0.1:%s%s\nauthorization: Bearer sk-bench-not-a-key\nx-portkey-forward-headers: x-meridian-router-region\n' "$2" "$3" >>"$f"
  fi
  echo "$f"
}
header_args() { # h2load/sse-client style args from a headers file
  local line
  while IFS= read -r line; do [[ -n "$line" ]] && printf '%s\n' "$line"; done <"$1"
}

# start_all SCALE BODY: simulator, router, the proxies; fills URL[], PID[], SIM_PORT, ENDPOINT_PATH.
start_all() {
  local scale="$1" body="$2"
  SIM_PORT="$(free_port)"
  start_simulator "$SIM_PORT" "$scale"
  wait_http "http://127.0.0.1:$SIM_PORT/us-east/qwen/v1/models" "$SIM_PID"
  if want meridian; then
    PORT[meridian]="$(free_port)"
    start_router "${PORT[meridian]}" "$SIM_PORT"
    PID[meridian]=$ROUTER_PID URL[meridian]="http://127.0.0.1:${PORT[meridian]}/v1/chat/completions"
    wait_http "http://127.0.0.1:${PORT[meridian]}/readyz" "$ROUTER_PID" 120
    local h
    h="$(curl -fsS -D - -o /dev/null -H 'content-type: application/json' -H "$MERIDIAN_AUTH_HEADER" --data-binary @"$body" "${URL[meridian]}" | tr -d '\r')"
    ROUTE_REGION="$(awk -F': ' 'tolower($1)=="x-meridian-region" { print $2 }' <<<"$h")"
    ROUTE_PROVIDER="$(awk -F': ' 'tolower($1)=="x-meridian-provider" { print $2 }' <<<"$h")"
  else
    ROUTE_REGION=us-east ROUTE_PROVIDER=qwen
  fi
  ENDPOINT_BASE="/$ROUTE_REGION/$ROUTE_PROVIDER/v1"
  ENDPOINT_PATH="$ENDPOINT_BASE/chat/completions"
  URL[direct]="http://127.0.0.1:$SIM_PORT$ENDPOINT_PATH"
  PID[direct]=""
  want nginx && start_nginx "$SIM_PORT" "$ENDPOINT_PATH"
  want haproxy && start_haproxy "$SIM_PORT" "$ENDPOINT_PATH"
  want portkey && [[ -z "${SKIPPED[portkey]:-}" ]] && start_portkey
  want netty-floor && start_floor netty "$SIM_PORT" "$ENDPOINT_PATH"
  want vertx-floor && start_floor vertx "$SIM_PORT" "$ENDPOINT_PATH"
  local t hf code
  for t in $TARGETS; do
    [[ -n "${SKIPPED[$t]:-}" ]] && continue
    hf="$(headers_file "$t" "$SIM_PORT" "$ENDPOINT_BASE")"
    local hargs=()
    while IFS= read -r line; do hargs+=(-H "$line"); done < <(header_args "$hf")
    code=000
    for _ in $(seq 150); do
      if [[ -n "${PID[$t]:-}" ]] && ! kill -0 "${PID[$t]}" 2>/dev/null; then break; fi
      code="$(curl -s -o "$RUN_DIR/check-$t.out" -w '%{http_code}' --max-time 5 -H 'content-type: application/json' \
        "${hargs[@]}" --data-binary @"$body" "${URL[$t]}" || true)"
      [[ "$code" == 200 ]] && break
      sleep 0.2
    done
    if [[ "$code" != 200 ]]; then
      local said=""
      [[ -f "$RUN_DIR/check-$t.out" ]] && said="$(head -c 300 "$RUN_DIR/check-$t.out" | tr '\n' ' ')"
      [[ -n "${PID[$t]:-}" ]] && ! kill -0 "${PID[$t]}" 2>/dev/null && said+=" process exited; its log: $(tail -2 "${LOGF[$t]}" 2>/dev/null | tr '\n' ' ')"
      SKIPPED[$t]="did not answer 200 (last status $code) $said"
      log "$t: ${SKIPPED[$t]}; skipping it"
      [[ -n "${PID[$t]:-}" ]] && kill "${PID[$t]}" 2>/dev/null || true
    fi
  done
  log "endpoint $ENDPOINT_PATH (the router's pick: $ROUTE_REGION/$ROUTE_PROVIDER)"
}

# All pids of a target's process tree (nginx: master and workers).
tree_pids() {
  local p="$1" c
  [[ -z "$p" ]] && return 0
  echo "$p"
  for c in $(cat "/proc/$p/task/"*/children 2>/dev/null); do tree_pids "$c"; done
}
tree_ticks() { local s=0 p; for p in $(tree_pids "$1"); do s=$((s + $(cpu_ticks "$p"))); done; echo "$s"; }
tree_hwm_kb() { local s=0 p; for p in $(tree_pids "$1"); do s=$((s + $(vm_hwm_kb "$p"))); done; echo "$s"; }
all_server_pids() { local t; echo "$SIM_PID"; for t in $TARGETS; do [[ -n "${PID[$t]:-}" ]] && tree_pids "${PID[$t]}"; done; }

# measure MODE DESC TARGET REP BODY
measure() {
  local mode="$1" desc="$2" t="$3" rep="$4" body="$5" out="$RUN_DIR/$1-$3-r$4"
  local hf pid="${PID[$t]:-}"
  hf="$(headers_file "$t" "$SIM_PORT" "$ENDPOINT_BASE")"
  # shellcheck disable=SC2046
  wait_quiet $(all_server_pids)
  local p0 s0 m0 g0 t0 p1 s1 m1 g1 t1 others0 others1
  others0=0; others1=0
  p0=$( [[ -n "$pid" ]] && tree_ticks "$pid" || echo 0 ); s0=$(cpu_ticks "$SIM_PID")
  for o in $TARGETS; do [[ "$o" != "$t" && -n "${PID[$o]:-}" ]] && others0=$((others0 + $(tree_ticks "${PID[$o]}"))); done
  m0=$(machine_busy_ticks); g0=$(children_ticks); t0=$(date +%s.%N)
  case "$mode" in
    c*) wrk_run "${URL[$t]}" "${mode#c}" "$DURATION_S" "$body" "$out.gen.json" "$hf" ;;
    rate)
      local hargs=()
      while IFS= read -r line; do hargs+=(-H "$line"); done < <(header_args "$hf")
      h2load_rate "${URL[$t]}" "$RATE" "$RATE_CLIENTS" "$RATE_S" "$body" "$out.h2.log" "${hargs[@]}"
      node "$LIB/h2log.js" "$out.h2.log" "$RATE_CLIENTS" $((RATE / RATE_CLIENTS)) >"$out.gen.json" ;;
    stream)
      local sargs=()
      while IFS= read -r line; do sargs+=("$line"); done < <(header_args "$hf")
      "${GEN_PIN[@]}" node "$LIB/sse-client.js" "${URL[$t]}" "$STREAM_CONC" "$STREAM_S" "$body" "${sargs[@]}" >"$out.gen.json" ;;
  esac
  g1=$(children_ticks); t1=$(date +%s.%N); m1=$(machine_busy_ticks)
  p1=$( [[ -n "$pid" ]] && tree_ticks "$pid" || echo 0 ); s1=$(cpu_ticks "$SIM_PID")
  for o in $TARGETS; do [[ "$o" != "$t" && -n "${PID[$o]:-}" ]] && others1=$((others1 + $(tree_ticks "${PID[$o]}"))); done
  node -e '
    const fs = require("fs");
    const [gen, out, mode, t, rep, desc, hasPid, proxy, up, idleOthers, busy, gent, wall, tck, ncpu, rss] = process.argv.slice(1);
    const r = JSON.parse(fs.readFileSync(gen, "utf8"));
    if (r.streams_per_s !== undefined) r.rps = r.streams_per_s;
    Object.assign(r, { mode, target: t, rep: +rep, desc,
      proxy_cpu_ticks: hasPid === "1" ? +proxy : null, upstream_cpu_ticks: +up,
      machine_busy_ticks: +busy, generator_cpu_ticks: +gent, wall_s: +wall, clk_tck: +tck, ncpu: +ncpu,
      proxy_rss_peak_kb: hasPid === "1" ? +rss : null,
      foreign_cpu_ticks: Math.max(0, +busy - +up - (hasPid === "1" ? +proxy : 0) - +idleOthers - +gent) });
    fs.writeFileSync(out, JSON.stringify(r) + "\n");
  ' "$out.gen.json" "$out.run.json" "$mode" "$t" "$rep" "$desc" "$([[ -n "$pid" ]] && echo 1 || echo 0)" \
    $((p1 - p0)) $((s1 - s0)) $((others1 - others0)) $((m1 - m0)) $((g1 - g0)) \
    "$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')" "$CLK_TCK" "$NCPU" \
    "$( [[ -n "$pid" ]] && tree_hwm_kb "$pid" || echo 0 )"
  log "  $desc $t rep $rep: $(node -e '
    const r = require(process.argv[1]); const l = r.latency_us || r.ttfb_us || {};
    console.log(`${r.rps.toFixed(0)}/s ${r.ttfb_us ? "TTFB " : ""}p50 ${l.p50}µs p99 ${l.p99}µs${r.gap_us ? ` gap p50 ${r.gap_us.p50}µs p99 ${r.gap_us.p99}µs` : ""} errors ${JSON.stringify(r.errors)}`)' "$out.run.json")"
}

run_targets() { # the targets that are up, rotated by REP so no target always goes first
  local rep="$1" list=() t i n
  for t in $TARGETS; do [[ -z "${SKIPPED[$t]:-}" ]] && list+=("$t"); done
  n=${#list[@]}
  for ((i = 0; i < n; i++)); do echo "${list[$(((i + rep - 1) % n))]}"; done
}

STAMP="$(date -u +%Y%m%dT%H%M%SZ)"
START_UTC="$(date -u +%FT%TZ)"
ROUTES=()

# --- phase 1: non-streaming -------------------------------------------------------------------------
BODY="$RUN_DIR/body.json"
write_chat_body "$BODY" "$MODEL"
log "phase 1: non-streaming, simulator latency scale 0"
start_all 0 "$BODY"
ROUTES+=("non-streaming: $ROUTE_REGION/$ROUTE_PROVIDER")
log "warm-up: ${WARMUP_S}s per target at 16 connections"
for t in $(run_targets 1); do
  wrk_run "${URL[$t]}" 16 "$WARMUP_S" "$BODY" "$RUN_DIR/warmup-$t.json" "$(headers_file "$t" "$SIM_PORT" "$ENDPOINT_BASE")"
done
for rep in $(seq "$REPS"); do
  for c in $CONCURRENCY; do
    for t in $(run_targets "$rep"); do measure "c$c" "closed, $c conn" "$t" "$rep" "$BODY"; done
  done
  if ((RATE > 0)); then
    if ((rep == 1 && RATE_WARMUP_S > 0)); then
      # The closed-loop warm-up compiled wrk's requests; h2load's take other branches, and a JIT still
      # compiling them (measured: 7-10% of the router's CPU) would count as the router's latency.
      log "warm-up: ${RATE_WARMUP_S}s per target at ${RATE}/s"
      for t in $(run_targets 1); do
        hargs=()
        while IFS= read -r line; do hargs+=(-H "$line"); done < <(header_args "$(headers_file "$t" "$SIM_PORT" "$ENDPOINT_BASE")")
        h2load_rate "${URL[$t]}" "$RATE" "$RATE_CLIENTS" "$RATE_WARMUP_S" "$BODY" "$RUN_DIR/warmup-rate-$t.log" "${hargs[@]}"
      done
    fi
    for t in $(run_targets "$rep"); do measure rate "fixed ${RATE}/s, ${RATE_CLIENTS} conn" "$t" "$rep" "$BODY"; done
  fi
done
for t in $TARGETS; do
  if [[ -n "${LOGF[$t]:-}" && -f "${LOGF[$t]}" ]]; then cp "${LOGF[$t]}" "$RUN_DIR/phase1-$t.log"; fi
done
want meridian && cp "$WORK/router.log" "$RUN_DIR/phase1-router.log"
cp "$WORK/simulator.log" "$RUN_DIR/phase1-simulator.log"
cleanup
PID=()

# --- phase 2: streaming -------------------------------------------------------------------------------
if [[ "$SKIP_STREAM" != 1 ]]; then
  SBODY="$RUN_DIR/stream-body.json"
  cat >"$SBODY" <<EOF
{"model":"$MODEL","stream":true,"messages":[{"role":"user","content":"Write a short paragraph about keeping parcels safe when nobody is home."}],"max_tokens":$STREAM_MAX_TOKENS}
EOF
  log "phase 2: streaming, simulator latency scale $STREAM_SCALE"
  # The prober needs a round at this scale before the router ranks regions by measured TTFT.
  start_all "$STREAM_SCALE" "$SBODY"
  ROUTES+=("streaming: $ROUTE_REGION/$ROUTE_PROVIDER")
  [[ "$ROUTE_REGION" == us-east ]] || log "note: the router picked $ROUTE_REGION, not us-east (its first probe round ranked it first); every target is sent there with the same simulated round trip"
  for t in $(run_targets 1); do # a short warm-up per target
    sargs=()
    while IFS= read -r line; do sargs+=("$line"); done < <(header_args "$(headers_file "$t" "$SIM_PORT" "$ENDPOINT_BASE")")
    "${GEN_PIN[@]}" node "$LIB/sse-client.js" "${URL[$t]}" "$STREAM_CONC" "${STREAM_WARMUP_S:-20}" "$SBODY" "${sargs[@]}" >/dev/null || true
  done
  for rep in $(seq "$REPS"); do
    for t in $(run_targets "$rep"); do measure stream "SSE, $STREAM_CONC streams" "$t" "$rep" "$SBODY"; done
  done
  want meridian && cp "$WORK/router.log" "$RUN_DIR/phase2-router.log"
  cleanup
fi

ROUTER_WARN=$(cat "$RUN_DIR"/phase*-router.log 2>/dev/null | grep -cE ' (WARN|ERROR) ' || true)
SKIP_JSON="$(for t in "${!SKIPPED[@]}"; do printf '%s\t%s\n' "$t" "${SKIPPED[$t]}"; done)"
node -e '
  const fs = require("fs"); const a = process.argv.slice(1);
  const skipped = {}; for (const l of a[9].split("\n")) { if (l) { const i = l.indexOf("\t"); skipped[l.slice(0, i)] = l.slice(i + 1); } }
  fs.writeFileSync(a[0], JSON.stringify({
    benchmark: "run", started_utc: a[1], finished_utc: new Date().toISOString(), jar_commit: a[2],
    pin: a[3], generator_cpu: a[4], server_cpu: a[5], ncpu: +a[6], targets: a[7].split(" "),
    routes: a[8].split("|"), skipped, router_log_warn_error_lines: +a[10],
    settings: JSON.parse(a[11]), floor_json: a[17] === "1", java: a[12], nginx: a[13], haproxy: a[14], node: a[15],
    load_generators: { closed: "wrk -t1", rate: "h2load --h1 --rps", stream: "bench/lib/sse-client.js (node http, keep-alive)" },
    mode_order: [...a[16].split(" ").map((c) => "c" + c), "rate", "stream"], target_order: a[7].split(" ") }, null, 2));
' "$RUN_DIR/meta.json" "$START_UTC" "$(jar_commit)" "$BENCH_PIN" "$GEN_CPU" "$SRV_CPU" "$NCPU" "$TARGETS" \
  "$(IFS='|'; echo "${ROUTES[*]}")" "$SKIP_JSON" "$ROUTER_WARN" \
  "{\"concurrency\":\"$CONCURRENCY\",\"duration_s\":$DURATION_S,\"warmup_s\":$WARMUP_S,\"rate\":$RATE,\"rate_clients\":$RATE_CLIENTS,\"rate_s\":$RATE_S,\"reps\":$REPS,\"stream_conc\":$STREAM_CONC,\"stream_s\":$STREAM_S,\"stream_scale\":$STREAM_SCALE,\"stream_max_tokens\":$STREAM_MAX_TOKENS}" \
  "$(java -version 2>&1 | head -1)" "$(nginx -v 2>&1 | head -1 || true)" "$(haproxy -v 2>/dev/null | head -1 || true)" "$(node --version)" \
  "$CONCURRENCY" "$FLOOR_JSON"

echo
echo "Meridian vs direct vs other proxies  ($START_UTC, jar $(jar_commit | cut -c1-12), pin=$BENCH_PIN: generator cpu $GEN_CPU, proxies cpu $SRV_CPU, simulator cpu $UPSTREAM_CPU of $NCPU)"
echo "model $MODEL; routes: ${ROUTES[*]}; non-streaming body $(wc -c <"$BODY") bytes; streaming max_tokens $STREAM_MAX_TOKENS at latency scale $STREAM_SCALE"
if want netty-floor || want vertx-floor; then
  echo "floors: bench/floor pass-through proxies ($( [[ "$FLOOR_JSON" == 1 ]] && echo "request body parsed and re-encoded" || echo "bytes forwarded as received"))"
fi
for t in "${!SKIPPED[@]}"; do echo "NOT MEASURED: $t: ${SKIPPED[$t]}"; done
echo
node "$LIB/report.js" "$RUN_DIR" "$RESULTS/run-$STAMP.json" "$RUN_DIR/meta.json"
cp "$RESULTS/run-$STAMP.json" "$RESULTS/run-latest.json"
echo
echo "router log WARN/ERROR lines: $ROUTER_WARN"
echo "results: $RESULTS/run-$STAMP.json"
