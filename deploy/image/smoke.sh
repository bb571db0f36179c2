#!/usr/bin/env bash
# Smoke test of Meridian's image (deploy/image/build.sh): one container, run the way the manifests run
# a pod, answers /readyz and a chat request.
#
#   deploy/image/smoke.sh [IMAGE]        (default meridian:<project version>, from podman's storage)
#
# The container: read-only root file system, uid 10001, all capabilities dropped, no new privileges,
# a writable tmpfs on /tmp (mounted exec: Netty unpacks its epoll library there), MERIDIAN_TRANSPORT=
# epoll (the router refuses to start unless the epoll library loaded from that tmpfs), 1 GiB of memory;
# in embedded mode (its own simulator), in its own network namespace on podman's bridge, the router's
# port published on 127.0.0.1 only (a random port). Checks, in order:
#   1. the JVM is container-aware: with --memory 512m its maximum heap is 70 % of 512 MiB;
#   2. /readyz answers 200 within 120 s;
#   3. a chat completion through the demo key answers 200 in OpenAI's shape, with a non-empty answer
#      and the route headers (x-meridian-model, -region);
#   4. the container ran with the read-only root file system and the user it was given.
# Where this machine cannot run containers (no podman, no working OCI runtime, cgroups or user
# namespaces missing) it says exactly what failed and exits 1: it never passes without a container.
# podman runs as root here (rootless podman would need subuid ranges and user namespaces); on a
# cgroup v1 + v2 "hybrid" host crun refuses to start containers, so runc is tried next.
set -euo pipefail

IMAGE_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$IMAGE_DIR/../.." && pwd)"
VERSION="$(sed -n 's:^  <version>\(.*\)</version>$:\1:p' "$ROOT/pom.xml" | head -1)"
IMAGE="${1:-meridian:$VERSION}"
NAME="meridian-smoke-$$"
START=$SECONDS

log() { printf '[smoke %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
fail() { printf 'smoke.sh: FAIL: %s\n' "$*" >&2; exit 1; }

command -v podman >/dev/null ||
  fail "podman is not installed, so no container can run here (Debian: apt-get install podman; deploy/image/build.sh installs it)"
command -v curl >/dev/null || fail "needs curl"
command -v jq >/dev/null || fail "needs jq"
podman image exists "$IMAGE" || fail "image $IMAGE is not in podman's storage: run deploy/image/build.sh first"

# podman as root asks for 1048576 open files and unlimited processes; a machine without
# CAP_SYS_RESOURCE refuses to raise limits, so the container gets limits no higher than ours.
NOFILE="$(ulimit -Hn)"
[[ "$NOFILE" == unlimited || "$NOFILE" -gt 65536 ]] && NOFILE=65536
LIMITS=(--ulimit "nofile=$NOFILE:$NOFILE" --ulimit nproc=4096:4096)

# ---- which OCI runtime can start a container here --------------------------------------------------
RUNTIME=()
found=0
reasons=()
for candidate in default runc; do
  args=()
  if [[ $candidate != default ]]; then
    command -v "$candidate" >/dev/null || { reasons+=("$candidate: not installed"); continue; }
    args=(--runtime "$candidate")
  fi
  if out="$(timeout 60 podman "${args[@]}" run --rm "${LIMITS[@]}" --network none "$IMAGE" help 2>&1)" &&
     grep -q '^Usage:' <<<"$out"; then
    RUNTIME=("${args[@]}")
    found=1
    break
  fi
  reasons+=("$candidate: $(grep -v '^NOTE: Picked up' <<<"$out" | tail -1)")
done
if [[ $found == 0 ]]; then
  {
    echo "smoke.sh: FAIL: this machine cannot run a container from $IMAGE; each OCI runtime said:"
    printf '  %s\n' "${reasons[@]}"
    echo "  (podman $(podman --version | awk '{print $3}'), cgroups $(podman info --format '{{.Host.CgroupsVersion}}' 2>/dev/null || echo '?'),"
    echo "   max_user_namespaces $(cat /proc/sys/user/max_user_namespaces 2>/dev/null || echo '?'), uid $(id -u))"
  } >&2
  exit 1
fi
[[ ${#reasons[@]} -eq 0 ]] || log "not usable here: ${reasons[*]}"
log "OCI runtime: ${RUNTIME[*]:-the default of podman}"
pod() { podman "${RUNTIME[@]}" "$@"; }

cleanup() {
  podman logs "$NAME" >"${SMOKE_LOG:-/tmp/$NAME.log}" 2>&1 || true
  podman rm --force --time 5 "$NAME" >/dev/null 2>&1 || true
}
trap cleanup EXIT

# ---- 1. container-aware JVM ------------------------------------------------------------------------
heap="$(pod run --rm "${LIMITS[@]}" --network none --memory 512m --entrypoint java "$IMAGE" \
  -XX:+PrintFlagsFinal -version 2>/dev/null | awk '$2 == "MaxHeapSize" { print $4 }')" ||
  fail "java -XX:+PrintFlagsFinal failed in the container (--memory 512m needs the memory cgroup)"
want=$((512 * 1024 * 1024 * 70 / 100))
(( heap > want * 95 / 100 && heap < want * 105 / 100 )) ||
  fail "with --memory 512m the JVM's max heap is ${heap:-?} bytes, not about 70 % of 512 MiB ($want)"
log "1. container-aware JVM: --memory 512m gives a max heap of $((heap / 1024 / 1024)) MiB (MaxRAMPercentage 70)"

# ---- 2. the router becomes ready ------------------------------------------------------------------
pod run --detach --name "$NAME" "${LIMITS[@]}" \
  --read-only --user 10001:10001 --cap-drop ALL --security-opt no-new-privileges \
  --tmpfs /tmp:rw,exec,nosuid,nodev,size=64m,mode=1777 --memory 1g \
  --publish 127.0.0.1::8080 \
  --env MERIDIAN_TRANSPORT=epoll --env MERIDIAN_LATENCY_SCALE=0.1 \
  "$IMAGE" embedded >/dev/null || fail "podman could not start the container"
PORT="$(podman port "$NAME" 8080/tcp | sed -n 's/^127\.0\.0\.1:\([0-9]*\)$/\1/p' | head -1)"
[[ -n "$PORT" ]] || fail "no published port for 8080/tcp ($(podman port "$NAME" 2>&1))"
BASE="http://127.0.0.1:$PORT"
deadline=$((SECONDS + 120))
ready=""
while (( SECONDS < deadline )); do
  [[ "$(podman inspect --format '{{.State.Running}}' "$NAME" 2>/dev/null)" == true ]] ||
    { podman logs "$NAME" 2>&1 | tail -20 >&2; fail "the container exited before it was ready"; }
  if [[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$BASE/readyz" || true)" == 200 ]]; then
    ready="$(curl -s --max-time 2 "$BASE/readyz")"
    break
  fi
  sleep 1
done
[[ -n "$ready" ]] || { podman logs "$NAME" 2>&1 | tail -20 >&2; fail "/readyz did not answer 200 within 120 s"; }
log "2. /readyz 200 after $((SECONDS - START)) s: $ready"
podman logs "$NAME" 2>&1 | grep -q 'epoll transport' ||
  fail "the router did not report the epoll transport (Netty's native library from the /tmp tmpfs)"

# ---- 3. a chat completion ------------------------------------------------------------------------
headers="$(mktemp)"
body="$(curl -s --max-time 30 -D "$headers" "$BASE/v1/chat/completions" \
  -H 'authorization: Bearer sk-meridian-demo-key' -H 'content-type: application/json' \
  -d '{"model":"deepseek-v4-flash","max_tokens":32,"messages":[{"role":"user","content":"Say hello from a container"}]}')"
status="$(awk 'NR == 1 { print $2 }' "$headers")"
model="$(tr -d '\r' <"$headers" | awk -F': ' 'tolower($1) == "x-meridian-model" { print $2 }')"
region="$(tr -d '\r' <"$headers" | awk -F': ' 'tolower($1) == "x-meridian-region" { print $2 }')"
rm -f "$headers"
[[ "$status" == 200 ]] || fail "chat completion answered $status: $body"
jq -e '.object == "chat.completion" and (.choices[0].message.content | type == "string" and length > 0)
       and .choices[0].message.role == "assistant" and (.usage.total_tokens > 0)' <<<"$body" >/dev/null ||
  fail "the chat completion is not an OpenAI chat.completion with an answer: $body"
[[ "$model" == deepseek-v4-flash && -n "$region" ]] ||
  fail "route headers missing or wrong: x-meridian-model '$model', x-meridian-region '$region'"
log "3. chat completion 200 from $model@$region: $(jq -r '.choices[0].message.content' <<<"$body" | cut -c1-60)..."

# ---- 4. how it ran ---------------------------------------------------------------------------------
ro="$(podman inspect --format '{{.HostConfig.ReadonlyRootfs}}' "$NAME")"
user="$(podman inspect --format '{{.Config.User}}' "$NAME")"
[[ "$ro" == true && "$user" == 10001:10001 ]] || fail "container ran with read-only=$ro user=$user"
log "4. read-only root file system, user $user, tmpfs /tmp (exec), epoll transport"
echo "smoke.sh: PASS: $IMAGE answered /readyz and a chat completion in $((SECONDS - START)) s"
