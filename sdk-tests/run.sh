#!/usr/bin/env bash
# Meridian's client surfaces driven by the official OpenAI and Anthropic SDKs (npm, pinned in
# package-lock.json) against the embedded default: simulated providers in three regions, no API keys.
# Installs node_modules when missing, builds the jar when missing or older than the sources, starts
# Meridian standalone on free loopback ports, then runs every *.test.mjs here with MERIDIAN_URL (the
# router), MERIDIAN_SIM_URL (the simulator, for its admin faults) and MERIDIAN_RESTRICTED_KEY (a key that
# may call only deepseek-v4-flash) and
# MERIDIAN_LIMITED_KEY (3 requests a minute, the budget tier). Non-zero on failure.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
JAR="${MERIDIAN_JAR:-$ROOT/launcher/target/meridian.jar}"
log() { echo "[sdk-tests] $*"; }

for tool in node npm curl java; do
  command -v "$tool" >/dev/null || { log "missing $tool"; exit 1; }
done
if [[ ! -f "$HERE/node_modules/openai/package.json" \
   || "$HERE/package-lock.json" -nt "$HERE/node_modules/.package-lock.json" ]]; then
  log "installing the SDKs from package-lock.json"
  (cd "$HERE" && npm ci --no-audit --no-fund --loglevel=error)
fi

WORK="$(mktemp -d "${TMPDIR:-/tmp}/meridian-sdk-tests.XXXXXX")"
MERIDIAN_PID=""
cleanup() {
  local rc=$?
  if [[ -n "$MERIDIAN_PID" ]] && kill -0 "$MERIDIAN_PID" 2>/dev/null; then
    kill "$MERIDIAN_PID" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$MERIDIAN_PID" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$MERIDIAN_PID" 2>/dev/null || true
    wait "$MERIDIAN_PID" 2>/dev/null || true
  fi
  if [[ $rc -ne 0 && -f "$WORK/meridian.log" ]]; then
    log "FAILED (exit $rc); last lines of the Meridian log:"
    tail -n 40 "$WORK/meridian.log" || true
  fi
  rm -rf "$WORK"
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [[ ! -f "$JAR" ]]; then
  log "building $JAR"
  (cd "$ROOT" && mvn -q -B -DskipTests package) >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log"; exit 1; }
fi

read -r PORT SIM_PORT < <(node -e '
  const net = require("net");
  const free = () => new Promise((ok) => { const s = net.createServer().listen(0, "127.0.0.1", () => { const p = s.address().port; s.close(() => ok(p)); }); });
  (async () => { const a = await free(); let b; do { b = await free(); } while (b === a); console.log(a, b); })();')
BASE="http://127.0.0.1:$PORT"
# Client keys: the demo key (every model) and a restricted key that may call only deepseek-v4-flash,
# so tests can prove a refusal (403) on every surface. Keys files hold hashes only.
DEMO_KEY="sk-meridian-demo-key"
RESTRICTED_KEY="sk-meridian-sdk-tests-flash-only"
LIMITED_KEY="sk-meridian-sdk-tests-limited"
sha() { printf '%s' "$1" | sha256sum | cut -d' ' -f1; }
cat >"$WORK/keys.json" <<JSON
{"keys": [
  {"name": "demo", "sha256": "$(sha "$DEMO_KEY")", "allow": ["*"]},
  {"name": "flash-only", "sha256": "$(sha "$RESTRICTED_KEY")", "allow": ["deepseek-v4-flash"]},
  {"name": "limited", "sha256": "$(sha "$LIMITED_KEY")", "allow": ["budget"], "requestsPerMinute": 3}
]}
JSON
log "starting Meridian on $BASE (simulator on $SIM_PORT)"
java -jar "$JAR" embedded --standalone --port "$PORT" --simulator-port "$SIM_PORT" \
  --keys-file "$WORK/keys.json" --latency-scale 0.05 --probe-interval-ms 2000 >"$WORK/meridian.log" 2>&1 &
MERIDIAN_PID=$!
ready=""
for _ in $(seq 1 180); do
  kill -0 "$MERIDIAN_PID" 2>/dev/null || { log "Meridian exited during start-up"; exit 1; }
  if [[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$BASE/readyz" || true)" == 200 ]]; then ready=1; break; fi
  sleep 0.5
done
[[ -n "$ready" ]] || { log "Meridian not ready after 90 s"; exit 1; }
log "ready"

(cd "$HERE" && MERIDIAN_URL="$BASE" MERIDIAN_SIM_URL="http://127.0.0.1:$SIM_PORT" \
  MERIDIAN_RESTRICTED_KEY="$RESTRICTED_KEY" MERIDIAN_LIMITED_KEY="$LIMITED_KEY" node --test --test-reporter=spec --test-concurrency=1 ./*.test.mjs)
