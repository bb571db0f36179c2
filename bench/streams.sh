#!/usr/bin/env bash
# Heap under many concurrent streams: starts the simulator and a standalone router (the same way as
# bench/overhead.sh: the jar built from the committed tree, loopback only), opens STREAMS long SSE
# streams through the router at once (bench/lib/stream-hold.js: one connection each, opened over
# RAMP_S seconds), and while they run samples the router's heap after a full GC (jcmd GC.run, then
# GC.heap_info) every SAMPLE_S seconds. Prints a table of the samples and the slope of heap-used over
# the plateau (all streams open): a flat heap means per-stream state is bounded and nothing leaks per
# event. Writes bench/results/streams-<time>.json and streams-latest.json.
#
#   bench/streams.sh                          # 1,000 streams of ~65 s, ~2.5 minutes
#   STREAMS=200 MAX_TOKENS=200 bench/streams.sh   # quick look
#
# Environment: STREAMS (1000), MAX_TOKENS (650: tokens per stream; the model below streams 10 tokens/s
# at latency scale 1, so ~65 s), MODEL (qwen3.5-397b), RAMP_S (10), SAMPLE_S (5), LATENCY_SCALE (1),
# ROUTER_INSTANCES (0 = the router's default, one per core; every simulated endpoint is one upstream
# host, so all streams share one host's pool: --upstream-pool-size, 1,024 per instance by default),
# BENCH_REBUILD / BENCH_REF (as in overhead.sh).
#
# A forced full GC pauses the router (tens of ms with 1,000 streams): the streams see it as one late
# event per sample, which is why this script is separate from the latency benchmarks.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
trap cleanup EXIT
trap 'exit 130' INT TERM

STREAMS="${STREAMS:-1000}"
MAX_TOKENS="${MAX_TOKENS:-650}"
MODEL="${MODEL:-qwen3.5-397b}"
RAMP_S="${RAMP_S:-10}"
SAMPLE_S="${SAMPLE_S:-5}"
LATENCY_SCALE="${LATENCY_SCALE:-1}"
ROUTER_INSTANCES="${ROUTER_INSTANCES:-0}"

apt_install curl curl
command -v node >/dev/null || apt_install node nodejs
command -v java >/dev/null || die "java 17 is required"
command -v jcmd >/dev/null || apt_install jcmd openjdk-17-jdk-headless
ensure_jar

# Every stream holds a socket in the client, two in the router and one in the simulator.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
(( $(ulimit -n) > STREAMS * 2 + 512 )) || log "warning: open-file limit $(ulimit -n) may be too low for $STREAMS streams"

SIM_PORT="$(free_port)"
ROUTER_PORT="$(free_port)"
start_simulator "$SIM_PORT" "$LATENCY_SCALE"
start_router "$ROUTER_PORT" "$SIM_PORT" --router-instances "$ROUTER_INSTANCES"
wait_http "http://127.0.0.1:$SIM_PORT/us-east/qwen/v1/models" "$SIM_PID"
wait_http "http://127.0.0.1:$ROUTER_PORT/readyz" "$ROUTER_PID" 90

RUN_DIR="$WORK/streams-run"
rm -rf "$RUN_DIR" && mkdir -p "$RUN_DIR"
URL="http://127.0.0.1:$ROUTER_PORT/v1/chat/completions"
AUTH="${MERIDIAN_AUTH_HEADER:-x-bench: none}"
body() { # body MAX_TOKENS
  printf '{"model":"%s","stream":true,"max_tokens":%d,"messages":[{"role":"user","content":"Tell a long story about a lighthouse keeper and the ships she guided home."}]}' "$MODEL" "$1"
}
body "$MAX_TOKENS" >"$RUN_DIR/body.json"
body 20 >"$RUN_DIR/warmup.json"

# Warm-up: short streams, so the JIT has compiled the streaming path and the lazily created state
# (meters, pools, classes) exists before the baseline is taken.
log "warm-up: 2 x 200 short streams"
for _ in 1 2; do
  node "$LIB/stream-hold.js" "$URL" 200 2 "$RUN_DIR/warmup.json" "$RUN_DIR/warmup-status.jsonl" "$AUTH" >"$RUN_DIR/warmup.json.out"
done
node -e 'const r=JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); if (r.failed) { console.error(JSON.stringify(r)); process.exit(1); }' "$RUN_DIR/warmup.json.out" \
  || die "warm-up streams failed (see $RUN_DIR/warmup.json.out)"

SAMPLES="$RUN_DIR/samples.tsv"
: >"$SAMPLES"
STATUS="$RUN_DIR/status.jsonl"
: >"$STATUS"
T0=$(date +%s.%N)
# sample PHASE: full GC, then heap used/committed (KB), RSS (KB) and the client's last status line.
sample() {
  local phase="$1" info used committed rss t last
  jcmd "$ROUTER_PID" GC.run >/dev/null
  info="$(jcmd "$ROUTER_PID" GC.heap_info)"
  used="$(printf '%s\n' "$info" | grep -m1 -oE 'used [0-9]+K' | grep -oE '[0-9]+')"
  committed="$(printf '%s\n' "$info" | grep -m1 -oE 'total [0-9]+K' | grep -oE '[0-9]+')"
  rss="$(awk '/^VmRSS:/ { print $2 }' "/proc/$ROUTER_PID/status")"
  t="$(awk -v a="$T0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')"
  last="$(tail -n 1 "$STATUS" 2>/dev/null)"
  [[ -n "$last" ]] || last='{"active":0,"finished":0,"failed":0,"events":0}'
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$t" "$phase" "$used" "$committed" "$rss" "$last" >>"$SAMPLES"
  log "  t=${t}s $phase heap used ${used}K (after GC), rss ${rss}K, client $last"
}

log "baseline (no streams)"
sample before
sleep "$SAMPLE_S"
sample before

log "opening $STREAMS streams of $MAX_TOKENS tokens ($MODEL) over ${RAMP_S}s"
CPU0=$(cpu_ticks "$ROUTER_PID")
node "$LIB/stream-hold.js" "$URL" "$STREAMS" "$RAMP_S" "$RUN_DIR/body.json" "$STATUS" "$AUTH" >"$RUN_DIR/client.json" &
CLIENT_PID=$!
STARTED_PIDS+=("$CLIENT_PID")
while kill -0 "$CLIENT_PID" 2>/dev/null; do
  sleep "$SAMPLE_S"
  kill -0 "$CLIENT_PID" 2>/dev/null || break
  sample streaming
done
wait "$CLIENT_PID" || die "stream client failed"
CPU1=$(cpu_ticks "$ROUTER_PID")
sleep 2
log "after the streams ended"
sample after
sleep "$SAMPLE_S"
sample after

STAMP="$(date -u +%Y%m%dT%H%M%SZ)"
node - "$SAMPLES" "$RUN_DIR/client.json" "$RESULTS/streams-$STAMP.json" "$STREAMS" "$MAX_TOKENS" "$MODEL" \
  "$ROUTER_INSTANCES" "$(jar_commit)" "$((CPU1 - CPU0))" "$CLK_TCK" "$LATENCY_SCALE" <<'EOF'
const fs = require('fs');
const [samplesFile, clientFile, out, streams, maxTokens, model, instances, commit, cpuTicks, clkTck, scale] = process.argv.slice(2);
const client = JSON.parse(fs.readFileSync(clientFile, 'utf8'));
const samples = fs.readFileSync(samplesFile, 'utf8').trim().split('\n').map((line) => {
  const [t, phase, used, committed, rss, status] = line.split('\t');
  const s = JSON.parse(status);
  return { t: +t, phase, used_kb: +used, committed_kb: +committed, rss_kb: +rss, active: s.active || 0, finished: s.finished || 0, failed: s.failed || 0, events: s.events || 0 };
});
const n = +streams;
// Plateau: every stream open (95% tolerates a few still in TTFT at the first sample).
const plateau = samples.filter((s) => s.phase === 'streaming' && s.active >= 0.95 * n);
function fit(xs) { // least squares of used_kb on t
  if (xs.length < 2) return null;
  const mt = xs.reduce((a, s) => a + s.t, 0) / xs.length, mu = xs.reduce((a, s) => a + s.used_kb, 0) / xs.length;
  let sxy = 0, sxx = 0;
  for (const s of xs) { sxy += (s.t - mt) * (s.used_kb - mu); sxx += (s.t - mt) ** 2; }
  return { slope_kb_per_s: sxy / sxx, mean_kb: mu, span_s: xs[xs.length - 1].t - xs[0].t };
}
const before = samples.filter((s) => s.phase === 'before');
const after = samples.filter((s) => s.phase === 'after');
const mean = (xs) => xs.length ? xs.reduce((a, s) => a + s.used_kb, 0) / xs.length : NaN;
const f = fit(plateau);
const result = {
  benchmark: 'streams', finished_utc: new Date().toISOString(), jar_commit: commit, streams: n, max_tokens: +maxTokens,
  model, router_instances: +instances, latency_scale: +scale, client, samples,
  baseline_used_kb: mean(before), plateau: f, plateau_samples: plateau.length,
  per_stream_kb: f ? (f.mean_kb - mean(before)) / n : null, after_used_kb: mean(after),
  router_cpu_s: +cpuTicks / +clkTck,
};
fs.writeFileSync(out, JSON.stringify(result, null, 2) + '\n');
fs.copyFileSync(out, out.replace(/streams-[^/]*\.json$/, 'streams-latest.json'));
const rows = [['t s', 'phase', 'active', 'finished', 'failed', 'events', 'heap used MB', 'committed MB', 'RSS MB']];
for (const s of samples) rows.push([s.t.toFixed(1), s.phase, s.active, s.finished, s.failed, s.events,
  (s.used_kb / 1024).toFixed(1), (s.committed_kb / 1024).toFixed(0), (s.rss_kb / 1024).toFixed(0)].map(String));
const w = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
for (const [i, r] of rows.entries()) {
  console.log(r.map((c, j) => (j === 1 ? c.padEnd(w[j]) : c.padStart(w[j]))).join('  '));
  if (i === 0) console.log(w.map((k) => '-'.repeat(k)).join('  '));
}
console.log('');
console.log(`streams: ${client.finished}/${n} finished, ${client.failed} failed ${JSON.stringify(client.failures)}, ` +
  `${client.incomplete} without [DONE], at most ${client.max_active} open at once, ${client.events} events, ` +
  `first byte p50 ${client.first_byte_ms.p50} ms p99 ${client.first_byte_ms.p99} ms, stream length p50 ${client.duration_s.p50} s`);
console.log(`heap used after GC: baseline ${(mean(before) / 1024).toFixed(1)} MB; plateau (${plateau.length} samples over ` +
  `${f ? f.span_s.toFixed(0) : '-'} s, >= ${Math.round(0.95 * n)} streams open) mean ${f ? (f.mean_kb / 1024).toFixed(1) : '-'} MB, ` +
  `slope ${f ? f.slope_kb_per_s.toFixed(1) : '-'} KB/s (${f ? (f.slope_kb_per_s * 60 / 1024).toFixed(2) : '-'} MB/min); ` +
  `${result.per_stream_kb != null ? result.per_stream_kb.toFixed(1) : '-'} KB per open stream; after the streams ${(mean(after) / 1024).toFixed(1)} MB`);
console.log(`router CPU during the streams: ${result.router_cpu_s.toFixed(1)} s`);
console.log(`results: ${out}`);
EOF
