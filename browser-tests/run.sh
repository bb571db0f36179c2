#!/usr/bin/env bash
# Status page test in a real headless Chromium (Debian's chromium, driven by playwright-core).
# Installs what is missing (chromium, node_modules), builds the jar when missing or older than the
# sources, starts Meridian standalone on free loopback ports, drives traffic, takes one endpoint
# down through the simulator, then runs status.test.mjs. Exits non-zero on any failure.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
JAR="${MERIDIAN_JAR:-$ROOT/launcher/target/meridian.jar}"   # MERIDIAN_JAR: use a jar built elsewhere, as is
CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
DOWN_MODEL=glm-5
DOWN_REGION=us-east
log() { echo "[browser-tests] $*"; }

# --- tools -------------------------------------------------------------------------------------
if [[ ! -x "$CHROMIUM" ]]; then
  log "installing Debian chromium"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq chromium >/dev/null
fi
for tool in node npm curl java; do
  command -v "$tool" >/dev/null || { log "missing $tool"; exit 1; }
done
node -e 'process.exit(+process.versions.node.split(".")[0] >= 20 ? 0 : 1)' \
  || { log "node >= 20 required (playwright-core), found $(node --version)"; exit 1; }
if [[ ! -f "$HERE/node_modules/playwright-core/package.json" \
   || "$HERE/package-lock.json" -nt "$HERE/node_modules/.package-lock.json" ]]; then
  log "installing playwright-core from package-lock.json (no browser download)"
  (cd "$HERE" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)
fi

WORK="$(mktemp -d "${TMPDIR:-/tmp}/meridian-browser-tests.XXXXXX")"
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

# --- jar: build when missing or older than any main source or pom -------------------------------
stale_source=""
if [[ -f "$JAR" && -z "${MERIDIAN_JAR:-}" ]]; then
  stale_source="$(find "$ROOT" \( -path "$ROOT/browser-tests" -o -name target -o -name node_modules -o -name .git \) -prune \
    -o \( -path '*/src/main/*' -o -name pom.xml \) -type f -newer "$JAR" -print -quit)"
fi
if [[ ! -f "$JAR" || -n "$stale_source" ]]; then
  log "building $JAR${stale_source:+ (newer source: ${stale_source#"$ROOT"/})}"
  if ! (cd "$ROOT" && mvn -q -B -DskipTests package) >"$WORK/build.log" 2>&1; then
    cat "$WORK/build.log"; log "build failed"; exit 1
  fi
fi

# --- start Meridian standalone on free ports ----------------------------------------------------
read -r PORT SIM_PORT < <(node -e '
  const net = require("net");
  const free = () => new Promise((ok) => { const s = net.createServer().listen(0, "127.0.0.1", () => { const p = s.address().port; s.close(() => ok(p)); }); });
  (async () => { const a = await free(); let b; do { b = await free(); } while (b === a); console.log(a, b); })();')
BASE="http://127.0.0.1:$PORT"
SIM="http://127.0.0.1:$SIM_PORT"

log "starting Meridian: router $BASE, simulator $SIM"
java -jar "$JAR" embedded --standalone --port "$PORT" --simulator-port "$SIM_PORT" \
  --latency-scale 0.1 --probe-interval-ms 2000 >"$WORK/meridian.log" 2>&1 &
MERIDIAN_PID=$!

ready=""
for _ in $(seq 1 180); do
  kill -0 "$MERIDIAN_PID" 2>/dev/null || { log "Meridian exited during start-up"; exit 1; }
  if [[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$BASE/readyz" || true)" == 200 ]]; then ready=1; break; fi
  sleep 0.5
done
[[ -n "$ready" ]] || { log "Meridian not ready after 90 s"; exit 1; }
log "ready"

# --- traffic, then one endpoint down ------------------------------------------------------------
for model in auto deepseek-v4-flash premium budget auto; do
  code="$(curl -s -o /dev/null -w '%{http_code}' --max-time 30 "$BASE/v1/chat/completions" \
    -H 'content-type: application/json' -H 'authorization: Bearer sk-meridian-demo-key' \
    -d "{\"model\":\"$model\",\"messages\":[{\"role\":\"user\",\"content\":\"status page test\"}]}")"
  [[ "$code" == 200 ]] || { log "request for $model answered $code"; exit 1; }
done
log "sent 5 requests"

curl -sf -o /dev/null --max-time 5 -X PUT "$SIM/admin/faults/$DOWN_MODEL/$DOWN_REGION" \
  -H 'content-type: application/json' -d '{"down":true}'
cell_status() {
  curl -s --max-time 3 "$BASE/status.json" | node -e '
    let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => {
      try { const m = JSON.parse(s).models.find((x) => x.id === process.argv[1]);
            console.log(m.cells[process.argv[2]].status); } catch { console.log("?"); } });' "$DOWN_MODEL" "$DOWN_REGION"
}
down=""
for _ in $(seq 1 60); do
  if [[ "$(cell_status)" == unhealthy ]]; then down=1; break; fi
  sleep 0.5
done
[[ -n "$down" ]] || { log "$DOWN_MODEL@$DOWN_REGION not unhealthy in /status.json after 30 s"; exit 1; }
log "$DOWN_MODEL@$DOWN_REGION is unhealthy in /status.json"

# --- the browser test ---------------------------------------------------------------------------
mkdir -p "$HERE/screenshots"
(cd "$HERE" && MERIDIAN_URL="$BASE" SIMULATOR_URL="$SIM" DOWN_MODEL="$DOWN_MODEL" DOWN_REGION="$DOWN_REGION" \
  SCREENSHOT_DIR="$HERE/screenshots" CHROMIUM="$CHROMIUM" \
  node --test --test-reporter=spec --test-concurrency=1 status.test.mjs)
log "screenshot: $HERE/screenshots/status.png (also matrix.png, status-states.png, status-stale.png, status-recovered.png)"
