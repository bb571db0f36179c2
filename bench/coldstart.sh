#!/usr/bin/env bash
# What a freshly started router serves in its first seconds of traffic, with and without the JIT
# warm-up (--warmup-requests). For each mode, REPS times (modes alternated): start a standalone router
# against the simulator (latency scale 0, as in overhead.sh), wait for /readyz, then drive it with wrk
# at 16 connections in WINDOWS back-to-back windows of WINDOW_S seconds and record each window's
# throughput and p50. Prints time to ready and the per-window medians; writes
# bench/results/coldstart-<time>.json.
#
#   bench/coldstart.sh                          # off vs 20,000 warm-up requests, 2 repetitions, ~5 min
#   WARMUP_REQUESTS=50000 REPS=3 bench/coldstart.sh
#
# Environment: WARMUP_REQUESTS (20000), REPS (2), WINDOWS (6), WINDOW_S (5), BENCH_REBUILD / BENCH_REF.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
trap cleanup EXIT
trap 'exit 130' INT TERM

WARMUP_REQUESTS="${WARMUP_REQUESTS:-20000}"
REPS="${REPS:-2}"
WINDOWS="${WINDOWS:-6}"
WINDOW_S="${WINDOW_S:-5}"

apt_install wrk wrk curl curl
command -v node >/dev/null || apt_install node nodejs
command -v java >/dev/null || die "java 17 is required"
ensure_jar

SIM_PORT="$(free_port)"
start_simulator "$SIM_PORT" 0
wait_http "http://127.0.0.1:$SIM_PORT/us-east/qwen/v1/models" "$SIM_PID"
SIM_PIDS=("${STARTED_PIDS[@]}")

RUN_DIR="$WORK/coldstart-runs"
rm -rf "$RUN_DIR" && mkdir -p "$RUN_DIR"
BODY="$RUN_DIR/body.json"
echo '{"model":"qwen3-8b","messages":[{"role":"user","content":"Explain in two sentences what a parcel locker is."}],"max_tokens":64}' >"$BODY"
HEADERS="$RUN_DIR/headers"
echo "$MERIDIAN_AUTH_HEADER" >"$HEADERS"

stop_router() {
  kill "$ROUTER_PID" 2>/dev/null || true
  for _ in $(seq 100); do kill -0 "$ROUTER_PID" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$ROUTER_PID" 2>/dev/null || true
  STARTED_PIDS=("${SIM_PIDS[@]}")
}

for rep in $(seq "$REPS"); do
  modes=(off on)
  (( rep % 2 == 0 )) && modes=(on off)
  for mode in "${modes[@]}"; do
    port="$(free_port)"
    flags=()
    [[ "$mode" == on ]] && flags=(--warmup-requests "$WARMUP_REQUESTS")
    t0=$(date +%s%N)
    start_router "$port" "$SIM_PORT" "${flags[@]}"
    wait_http "http://127.0.0.1:$port/readyz" "$ROUTER_PID" 180
    ready_ms=$(( ($(date +%s%N) - t0) / 1000000 ))
    log "$mode rep $rep: ready after ${ready_ms} ms"
    for w in $(seq "$WINDOWS"); do
      wrk_run "http://127.0.0.1:$port/v1/chat/completions" 16 "$WINDOW_S" "$BODY" "$RUN_DIR/$mode-$rep-$w.json" "$HEADERS"
    done
    echo "$ready_ms" >"$RUN_DIR/$mode-$rep.ready"
    stop_router
  done
done

STAMP="$(date -u +%Y%m%dT%H%M%SZ)"
OUT="$RESULTS/coldstart-$STAMP.json"
node - "$RUN_DIR" "$REPS" "$WINDOWS" "$WINDOW_S" "$WARMUP_REQUESTS" "$(jar_commit)" "$OUT" <<'EOF'
const fs = require("fs");
const [dir, reps, windows, windowS, warmup, commit, out] = process.argv.slice(2);
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const result = { commit, warmupRequests: +warmup, reps: +reps, windowS: +windowS, modes: {} };
for (const mode of ["off", "on"]) {
  const ready = [], rows = [];
  for (let r = 1; r <= +reps; r++) ready.push(+fs.readFileSync(`${dir}/${mode}-${r}.ready`, "utf8"));
  for (let w = 1; w <= +windows; w++) {
    const runs = [];
    for (let r = 1; r <= +reps; r++) runs.push(JSON.parse(fs.readFileSync(`${dir}/${mode}-${r}-${w}.json`, "utf8")));
    rows.push({ window: w, rps: median(runs.map((x) => x.rps)), p50us: median(runs.map((x) => x.latency_us.p50)),
      p99us: median(runs.map((x) => x.latency_us.p99)), errors: runs.reduce((n, x) => n + Object.values(x.errors).reduce((a, b) => a + b, 0), 0) });
  }
  result.modes[mode] = { readyMs: median(ready), windows: rows };
}
fs.writeFileSync(out, JSON.stringify(result, null, 2) + "\n");
console.log(`Cold start: a fresh standalone router, wrk at 16 connections from the moment /readyz is 200 (jar ${commit.slice(0, 12)})`);
console.log(`medians over ${reps} repetitions; warm-up = --warmup-requests ${warmup}\n`);
const head = ["window", "off: req/s", "off: p50", "off: p99", "warm-up: req/s", "warm-up: p50", "warm-up: p99"];
const lines = [head];
for (let w = 0; w < +windows; w++) {
  const a = result.modes.off.windows[w], b = result.modes.on.windows[w];
  lines.push([`${w * windowS}-${(w + 1) * windowS} s`, a.rps.toFixed(0), `${a.p50us} µs`, `${a.p99us} µs`, b.rps.toFixed(0), `${b.p50us} µs`, `${b.p99us} µs`]);
}
const width = head.map((_, i) => Math.max(...lines.map((l) => l[i].length)));
lines.forEach((l, i) => { console.log(l.map((c, j) => (j ? c.padStart(width[j]) : c.padEnd(width[j]))).join("  ")); if (!i) console.log(width.map((n) => "-".repeat(n)).join("  ")); });
console.log(`\ntime to ready (process start to /readyz 200): off ${result.modes.off.readyMs} ms, warm-up ${result.modes.on.readyMs} ms`);
const errs = ["off", "on"].map((m) => result.modes[m].windows.reduce((n, x) => n + x.errors, 0));
console.log(`wrk errors: off ${errs[0]}, warm-up ${errs[1]}`);
console.log(`results: ${out}`);
EOF
