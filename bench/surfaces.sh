#!/usr/bin/env bash
# What each client surface adds: the router's CPU per request for the same conversation sent as a
# chat completion and as every other surface's request (Anthropic Messages, Responses, legacy
# completions, embeddings), JSON
# and streamed, against one router and one simulator in one run. The simulator answers at once
# (--latency-scale 0), so the router's CPU is the pipeline plus the surface's translation.
#
#   bench/surfaces.sh                       # 5 repetitions, ~10 minutes
#   REPS=1 DURATION_S=5 WARMUP_S=20 bench/surfaces.sh   # quick look
#
# Each repetition runs every row once (closed loop, wrk, CONNS connections), in an order rotated by
# one per repetition so no row always follows the same other. Medians over the repetitions; the
# `x chat` column divides a row's median CPU per request by the chat row of the same mode (JSON or
# stream). Prints a table, writes bench/results/surfaces-<time>.json and surfaces-latest.json.
#
# Rows: one per line in ROWS below, `name|path|body file|streamed` (bodies are written by
# write_bodies). A surface adds its row and its body there.
#
# Environment: REPS (5), DURATION_S (10), WARMUP_S (40 per row), CONNS (16), BENCH_PIN, BENCH_REF,
# BENCH_REBUILD, QUIET_MAX_PCT / QUIET_WAIT_S (see bench/lib/common.sh).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
trap cleanup EXIT
trap 'exit 130' INT TERM

REPS="${REPS:-5}"
DURATION_S="${DURATION_S:-10}"
WARMUP_S="${WARMUP_S:-40}"
CONNS="${CONNS:-16}"

apt_install wrk wrk curl curl
command -v node >/dev/null || apt_install node nodejs
command -v java >/dev/null || die "java 17 is required"
ensure_jar

RUN_DIR="$WORK/surfaces-runs"
rm -rf "$RUN_DIR" && mkdir -p "$RUN_DIR"

SYSTEM='You are a concise assistant for a logistics company. Answer in plain English, at most three sentences, and never invent tracking numbers, prices or delivery dates that are not in the conversation. If you do not know, say so and suggest contacting support.'
USER_TURN='My parcel was marked as delivered yesterday at 14:05 but it is not at my door, not with the neighbours and not in the parcel locker downstairs. The tracking page shows a photo of a blue door, and my door is white. What should I do next, and how long does an investigation usually take?'
MODEL=qwen3-8b
EMBEDDING_MODEL=text-embedding-v4

# write_bodies: the same conversation in each surface's own request shape.
write_bodies() {
  node -e '
    const fs = require("fs");
    const [dir, system, user, model, embeddingModel] = process.argv.slice(1);
    const write = (name, body) => fs.writeFileSync(`${dir}/${name}.json`, JSON.stringify(body));
    const chat = { model, messages: [{ role: "system", content: system }, { role: "user", content: user }], max_tokens: 64, temperature: 0.2 };
    write("chat", chat);
    write("chat-stream", { ...chat, stream: true });
    const messages = { model, system, messages: [{ role: "user", content: user }], max_tokens: 64, temperature: 0.2 };
    write("messages", messages);
    write("messages-stream", { ...messages, stream: true });
    write("embeddings", { model: embeddingModel, input: user });
    const responses = { model, instructions: system, input: user, max_output_tokens: 64, temperature: 0.2 };
    write("responses", responses);
    write("responses-stream", { ...responses, stream: true });
    const completions = { model, prompt: `${system}\n\n${user}`, max_tokens: 64, temperature: 0.2 };
    write("completions", completions);
    write("completions-stream", { ...completions, stream: true });
  ' "$RUN_DIR" "$SYSTEM" "$USER_TURN" "$MODEL" "$EMBEDDING_MODEL"
}

ROWS="
chat|/v1/chat/completions|chat|json
messages|/v1/messages|messages|json
responses|/v1/responses|responses|json
completions|/v1/completions|completions|json
embeddings|/v1/embeddings|embeddings|json
chat|/v1/chat/completions|chat-stream|stream
messages|/v1/messages|messages-stream|stream
responses|/v1/responses|responses-stream|stream
completions|/v1/completions|completions-stream|stream
"

SIM_PORT="$(free_port)"
ROUTER_PORT="$(free_port)"
start_simulator "$SIM_PORT" 0
start_router "$ROUTER_PORT" "$SIM_PORT"
wait_http "http://127.0.0.1:$SIM_PORT/us-east/qwen/v1/models" "$SIM_PID"
wait_http "http://127.0.0.1:$ROUTER_PORT/readyz" "$ROUTER_PID" 90
write_bodies

HEADERS="$RUN_DIR/headers"
printf '%s\nanthropic-version: 2023-06-01\n' "$MERIDIAN_AUTH_HEADER" >"$HEADERS"

mapfile -t ROW_LIST < <(printf '%s\n' "$ROWS" | sed '/^\s*$/d')
row_field() { printf '%s' "${ROW_LIST[$1]}" | cut -d'|' -f"$2"; }
row_url() { echo "http://127.0.0.1:$ROUTER_PORT$(row_field "$1" 2)"; }
row_body() { echo "$RUN_DIR/$(row_field "$1" 3).json"; }

# Every row must answer 200 before anything is measured: a refused row would measure the refusal.
for i in "${!ROW_LIST[@]}"; do
  status="$(curl -sS -o "$RUN_DIR/check-$i.out" -w '%{http_code}' -H 'content-type: application/json' \
    -H "$MERIDIAN_AUTH_HEADER" -H 'anthropic-version: 2023-06-01' --data-binary @"$(row_body "$i")" "$(row_url "$i")")"
  [[ "$status" == 200 ]] || { cat "$RUN_DIR/check-$i.out" >&2; die "row '${ROW_LIST[$i]}' answered $status"; }
done

log "warm-up: ${WARMUP_S}s per row at $CONNS connections (JIT)"
for i in "${!ROW_LIST[@]}"; do
  wrk_run "$(row_url "$i")" "$CONNS" "$WARMUP_S" "$(row_body "$i")" "$RUN_DIR/warmup-$i.json" "$HEADERS"
done

START_UTC="$(date -u +%FT%TZ)"
n=${#ROW_LIST[@]}
for rep in $(seq "$REPS"); do
  log "repetition $rep/$REPS"
  for k in $(seq 0 $((n - 1))); do
    i=$(((k + rep - 1) % n))
    out="$RUN_DIR/row$i-r$rep"
    wait_quiet "$ROUTER_PID" "$SIM_PID"
    r0=$(cpu_ticks "$ROUTER_PID"); s0=$(cpu_ticks "$SIM_PID")
    wrk_run "$(row_url "$i")" "$CONNS" "$DURATION_S" "$(row_body "$i")" "$out.gen.json" "$HEADERS"
    r1=$(cpu_ticks "$ROUTER_PID"); s1=$(cpu_ticks "$SIM_PID")
    node -e '
      const fs = require("fs");
      const [gen, out, row, rep, routerTicks, simTicks, tck, foreign] = process.argv.slice(1);
      const r = JSON.parse(fs.readFileSync(gen, "utf8"));
      const [name, path, body, mode] = row.split("|");
      Object.assign(r, { name, path, body, mode, rep: +rep, router_cpu_ticks: +routerTicks,
        simulator_cpu_ticks: +simTicks, clk_tck: +tck, foreign_pct_before: +foreign,
        router_cpu_us_per_request: r.requests > 0 ? (+routerTicks / +tck) * 1e6 / r.requests : null });
      fs.writeFileSync(out, JSON.stringify(r) + "\n");
    ' "$out.gen.json" "$out.run.json" "${ROW_LIST[$i]}" "$rep" $((r1 - r0)) $((s1 - s0)) "$CLK_TCK" "$LAST_FOREIGN_PCT"
    log "  $(node -e 'const r=require(process.argv[1]);console.log(`${r.name} ${r.mode}: ${r.rps.toFixed(0)} req/s, ${r.router_cpu_us_per_request.toFixed(1)} µs CPU/request, p50 ${r.latency_us.p50} µs, non-2xx ${r.errors.status}`)' "$out.run.json")"
  done
done

STAMP="$(date -u +%Y%m%dT%H%M%SZ)"
echo
echo "Meridian CPU per request by client surface  ($START_UTC, jar $(jar_commit | cut -c1-12), $CONNS connections, ${DURATION_S}s x $REPS reps, pin=$BENCH_PIN)"
echo "same conversation on every surface ($MODEL; embeddings: $EMBEDDING_MODEL, the user turn); simulator latency scale 0"
echo
node -e '
  const fs = require("fs");
  const [dir, out, started, commit, conns, reps] = process.argv.slice(1);
  const runs = fs.readdirSync(dir).filter((f) => f.endsWith(".run.json")).map((f) => JSON.parse(fs.readFileSync(`${dir}/${f}`, "utf8")));
  const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
  const rows = [];
  for (const key of [...new Set(runs.map((r) => `${r.name}|${r.mode}`))]) {
    const rs = runs.filter((r) => `${r.name}|${r.mode}` === key);
    rows.push({ name: rs[0].name, path: rs[0].path, mode: rs[0].mode, reps: rs.length,
      rps: median(rs.map((r) => r.rps)), cpu_us: median(rs.map((r) => r.router_cpu_us_per_request)),
      p50_us: median(rs.map((r) => r.latency_us.p50)), p99_us: median(rs.map((r) => r.latency_us.p99)),
      non_2xx: rs.reduce((a, r) => a + r.errors.status, 0),
      socket_errors: rs.reduce((a, r) => a + r.errors.connect + r.errors.read + r.errors.write + r.errors.timeout, 0) });
  }
  for (const row of rows) {
    const chat = rows.find((r) => r.name === "chat" && r.mode === row.mode);
    row.cpu_vs_chat = chat ? row.cpu_us / chat.cpu_us : null;
    row.added_cpu_us = chat ? row.cpu_us - chat.cpu_us : null;
  }
  const pad = (s, n) => String(s).padEnd(n);
  const num = (x, d = 0) => (x == null ? "-" : x.toFixed(d));
  console.log(pad("surface", 12) + pad("mode", 8) + pad("req/s", 9) + pad("CPU µs/req", 12) + pad("x chat", 8) + pad("added µs", 10) + pad("p50 µs", 9) + pad("p99 µs", 9) + "non-2xx");
  for (const r of rows) {
    console.log(pad(r.name, 12) + pad(r.mode, 8) + pad(num(r.rps), 9) + pad(num(r.cpu_us, 1), 12) + pad(num(r.cpu_vs_chat, 3), 8)
      + pad(num(r.added_cpu_us, 1), 10) + pad(r.p50_us, 9) + pad(r.p99_us, 9) + (r.non_2xx + r.socket_errors));
  }
  fs.writeFileSync(out, JSON.stringify({ benchmark: "surfaces", started_utc: started, finished_utc: new Date().toISOString(),
    jar_commit: commit, connections: +conns, reps: +reps, rows, runs }, null, 2) + "\n");
' "$RUN_DIR" "$RESULTS/surfaces-$STAMP.json" "$START_UTC" "$(jar_commit)" "$CONNS" "$REPS"
cp "$RESULTS/surfaces-$STAMP.json" "$RESULTS/surfaces-latest.json"
echo
echo "router log WARN/ERROR lines: $(grep -cE ' (WARN|ERROR) ' "$WORK/router.log" || true)"
echo "results: $RESULTS/surfaces-$STAMP.json"
