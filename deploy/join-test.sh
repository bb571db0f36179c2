#!/usr/bin/env bash
# Cross-region join test of the Kubernetes Hazelcast configuration (deploy/k8s/base/config/cluster.xml)
# without a Kubernetes cluster: two routers, "us-east" and "eu-west", each in its own network
# namespace with its own IP (standing in for two pods in two clusters on a flat network), started
# with the environment the manifests give a pod. The JVM's hosts file (jdk.net.hosts.file) plays
# the cluster DNS: each region's headless-Service names resolve to that region's router, and the
# ap-southeast name does not resolve (a region not deployed yet).
# Passes when each router sees the other region's health records in the shared map, that is, when
# both joined one Hazelcast cluster across the two "regions".
#   sudo deploy/join-test.sh [CLUSTER_XML [REGION_B]]   (root for `ip netns`; iproute2, curl, a jar)
# CLUSTER_XML defaults to deploy/k8s/base/config/cluster.xml. REGION_B (default eu-west) is the
# second router's region; with us-east both routers are pods of one region behind one headless
# Service. `deploy/join-test.sh ./cluster.xml us-east` shows the repository's cluster.xml failing
# even that (its hazelcast.wait.seconds.before.join of 0 keeps discovery from ever being consulted).
# All traffic stays inside the two namespaces this script creates; everything it starts is stopped
# and the namespaces are deleted on exit.
set -euo pipefail

DEPLOY="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(dirname "$DEPLOY")"
JAR="$REPO/launcher/target/meridian.jar"
CLUSTER_XML="$(realpath "${1:-$DEPLOY/k8s/base/config/cluster.xml}")"
REGION_B="${2:-eu-west}"
[ "$(id -u)" -eq 0 ] || { echo "join-test.sh: needs root (ip netns)" >&2; exit 1; }
[ -f "$JAR" ] || { echo "join-test.sh: build the jar first (mvn -q -DskipTests package)" >&2; exit 1; }
for tool in ip curl java; do
  command -v "$tool" >/dev/null || { echo "join-test.sh: needs $tool" >&2; exit 1; }
done

NS_A="meridian-jt-a-$$"
NS_B="meridian-jt-b-$$"
IP_A=10.213.0.2
IP_B=10.213.0.3
WORK="$(mktemp -d)"
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  ip netns del "$NS_A" 2>/dev/null || true
  ip netns del "$NS_B" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

ip netns add "$NS_A"
ip netns add "$NS_B"
ip link add "jt-a-$$" type veth peer name "jt-b-$$"
ip link set "jt-a-$$" netns "$NS_A"
ip link set "jt-b-$$" netns "$NS_B"
ip -n "$NS_A" link set lo up
ip -n "$NS_B" link set lo up
ip -n "$NS_A" addr add "$IP_A/24" dev "jt-a-$$"
ip -n "$NS_B" addr add "$IP_B/24" dev "jt-b-$$"
ip -n "$NS_A" link set "jt-a-$$" up
ip -n "$NS_B" link set "jt-b-$$" up

cat > "$WORK/hosts" <<EOF
$IP_A meridian-a.meridian-hazelcast.meridian-us-east.svc.cluster.local
$IP_B meridian-b.meridian-hazelcast.meridian-$REGION_B.svc.cluster.local
$IP_A meridian-hazelcast.meridian-us-east.svc.cluster.local
$IP_B meridian-hazelcast.meridian-$REGION_B.svc.cluster.local
$IP_A meridian-hazelcast.meridian-us-east.svc.clusterset.local
$IP_B meridian-hazelcast.meridian-$REGION_B.svc.clusterset.local
EOF

# Simulated providers for both routers, in namespace A.
ip netns exec "$NS_A" timeout 150 java -jar "$JAR" simulator --host "$IP_A" --port 8090 \
  > "$WORK/simulator.log" 2>&1 &
PIDS+=($!)

router() { # namespace ip region log-name
  ip netns exec "$1" env \
    MERIDIAN_REGION="$3" MERIDIAN_HOST=0.0.0.0 MERIDIAN_PORT=8080 \
    MERIDIAN_CLUSTER_JOIN=kubernetes MERIDIAN_CLUSTER_NAME=meridian \
    MERIDIAN_CLUSTER_CONFIG="$CLUSTER_XML" MERIDIAN_CLUSTER_HOST="$2" \
    MERIDIAN_K8S_SERVICE_DNS="meridian-hazelcast.meridian-$3.svc.cluster.local" \
    MERIDIAN_SIMULATOR_URL="http://$IP_A:8090" MERIDIAN_PROBE_INTERVAL_MS=5000 \
    JAVA_TOOL_OPTIONS="-Djdk.net.hosts.file=$WORK/hosts" \
    timeout 140 java -jar "$JAR" router > "$WORK/router-$4.log" 2>&1 &
  PIDS+=($!)
}
sleep 2
router "$NS_A" "$IP_A" us-east us-east
sleep 8   # the second router joins a running one, as a pod of a later region would
router "$NS_B" "$IP_B" "$REGION_B" second

# Joined: the first router logs the second one joining. Across regions, each region also writes
# one record per (model, endpoint region), 45 with the default catalog, so each router must see
# about twice that in the shared map.
ready() { ip netns exec "$1" curl -s --max-time 2 "http://127.0.0.1:8080/readyz" || true; }
records() { ready "$1" | sed -n 's/.*"healthRecords":\([0-9]*\).*/\1/p'; }
want=45
[ "$REGION_B" = us-east ] || want=90
ok=0
for _ in $(seq 1 60); do
  a="$(records "$NS_A")"; b="$(records "$NS_B")"
  if grep -q "($REGION_B) joined" "$WORK/router-us-east.log" && [ "${a:-0}" -ge $want ] && [ "${b:-0}" -ge $want ]; then
    ok=1; break
  fi
  sleep 2
done
echo "us-east router: $(ready "$NS_A")"
echo "$REGION_B router: $(ready "$NS_B")"
grep -h "members of" "$WORK"/router-*.log | tail -4 || true
if [ $ok -eq 1 ]; then
  echo "join-test: PASS: the us-east and $REGION_B routers share one Hazelcast cluster"
else
  echo "join-test: FAIL: the second router did not join the first; logs:"
  grep -hE "WARN|ERROR|Members" "$WORK"/router-*.log | grep -v "modular environment" | tail -30
  exit 1
fi
