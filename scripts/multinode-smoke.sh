#!/usr/bin/env bash
# A manual check of `ordinal agent` on one machine (MultiNodeE2E is the automated one): two hosts as network
# namespaces on a test bridge (10.251.0.0/24, nothing routed off it), `ordinal up` on the host and
# one agent in each namespace; pods on each agent, `kubectl logs`/`exec` through the agents, and a
# pod on one host reaching a pod on the other by IP, by Service name and by ClusterIP.
# Run as root from the checkout after a build, under the real-pods lock:
#   flock /tmp/ordinal-realpods.lock scripts/multinode-smoke.sh
# Agents run under `nsenter --net` only: `ip netns exec` remounts /sys, which hides the cgroup
# hierarchies runc needs (a test artefact; real hosts have their own /sys).
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WORK="$(mktemp -d /tmp/ordinal-multinode.XXXXXX)"
JAVA="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java"
ORD=("$JAVA" "@$ROOT/scripts/jvm.options" -cp "$ROOT/server/target/ordinal-server.jar:$ROOT/server/target/lib/*" dev.ordinal.server.Main)
K=(kubectl --kubeconfig "$WORK/server/kubeconfig")
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
  sleep 3
  for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null; done
  for i in 1 2; do
    [[ -f "$WORK/a$i/fence-watchdog.pid" ]] && kill "$(cat "$WORK/a$i/fence-watchdog.pid")" 2>/dev/null
    nsenter --net=/run/netns/ordt-h$i "${ORD[@]}" down --data-dir "$WORK/a$i" >/dev/null 2>&1
    ip netns del ordt-h$i 2>/dev/null; ip link del ordt-v$i 2>/dev/null
  done
  "${ORD[@]}" down --data-dir "$WORK/server" >/dev/null 2>&1
  ip link del ordtbr0 2>/dev/null
  echo "logs kept in $WORK"
}
trap cleanup EXIT
ip link add ordtbr0 type bridge && ip addr add 10.251.0.1/24 dev ordtbr0 && ip link set ordtbr0 up
for i in 1 2; do
  ip netns add ordt-h$i
  ip link add ordt-v$i type veth peer name eth0 netns ordt-h$i
  ip link set ordt-v$i master ordtbr0 up
  ip -n ordt-h$i addr add 10.251.0.1$i/24 dev eth0
  ip -n ordt-h$i link set eth0 up; ip -n ordt-h$i link set lo up
  ip netns exec ordt-h$i sysctl -qw net.ipv4.ip_forward=1
done
mkdir -p "$WORK/server"
"${ORD[@]}" up --data-dir "$WORK/server" --listen 10.251.0.1 --port 16443 --node-ip 10.251.0.1 --dns-listen "" >"$WORK/server.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 90); do grep -q "is ready" "$WORK/server.log" && break; sleep 1; done
for _ in 1 2 3; do "${ORD[@]}" token create --data-dir "$WORK/server" >"$WORK/token" && break; sleep 2; done
for i in 1 2; do
  nsenter --net=/run/netns/ordt-h$i "${ORD[@]}" agent --server https://10.251.0.1:16443 --token-file "$WORK/token" \
    --node-name host$i --node-label zone=z$i --data-dir "$WORK/a$i" >"$WORK/a$i.log" 2>&1 &
  PIDS+=($!)
done
for _ in $(seq 120); do [[ "$("${K[@]}" get nodes --no-headers 2>/dev/null | grep -c ' Ready')" -ge 3 ]] && break; sleep 1; done
"${K[@]}" get nodes -o wide
cat <<'Y' | "${K[@]}" apply -f -
apiVersion: v1
kind: Pod
metadata: {name: p1, labels: {app: web}}
spec:
  nodeSelector: {kubernetes.io/hostname: host1}
  containers: [{name: c, image: busybox, command: [sh, -c, "echo hello from host1; mkdir -p /w; echo hi > /w/index.html; busybox httpd -f -p 80 -h /w"]}]
---
apiVersion: v1
kind: Pod
metadata: {name: p2}
spec:
  nodeSelector: {kubernetes.io/hostname: host2}
  containers: [{name: c, image: busybox, command: [sh, -c, "echo hello from host2; sleep 3600"]}]
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec: {selector: {app: web}, ports: [{port: 80}]}
Y
"${K[@]}" wait --for=condition=Ready pod/p1 pod/p2 --timeout=120s
"${K[@]}" get pods -o wide
fail=0
check() { local what="$1"; shift; if "$@"; then echo "ok: $what"; else echo "FAILED: $what"; fail=1; fi; }
check "logs from host1" bash -c "\"\${0}\" \"\${@}\" logs p1 | grep -q 'hello from host1'" "${K[@]}"
check "exec on host2" "${K[@]}" exec p2 -- true
P1=$("${K[@]}" get pod p1 -o jsonpath='{.status.podIP}')
check "pod to pod across hosts by IP" "${K[@]}" exec p2 -- timeout 5 wget -q -O /dev/null "http://$P1/"
check "by Service name (cluster DNS on host2)" "${K[@]}" exec p2 -- timeout 5 wget -q -O /dev/null http://web.default.svc.cluster.local/
check "by ClusterIP" "${K[@]}" exec p2 -- timeout 5 wget -q -O /dev/null "http://$("${K[@]}" get svc web -o jsonpath='{.spec.clusterIP}')/"
exit $fail
