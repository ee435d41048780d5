#!/usr/bin/env bash
# The floor for pod start-up: a bare network namespace + CNI ADD + overlay root + `runc run -d` of
# the same container the pod benchmark starts (busybox sleep), N times, printing each time in ms.
# Root only; everything it makes is removed, also when interrupted.
set -euo pipefail
n="${1:-20}"
work="$(mktemp -d /var/tmp/ordinal-floor.XXXXXX)"
net='{"cniVersion":"1.0.0","name":"ordinal-floor","type":"bridge","bridge":"ordfloor0","isGateway":true,"ipMasq":false,"ipam":{"type":"host-local","ranges":[[{"subnet":"10.99.0.0/16"}]],"dataDir":"'"$work"'/ipam"}}'
cleanup() {
  for id in $(runc list -q | grep '^ordfloor-' || true); do runc delete --force "$id" >/dev/null 2>&1 || true; done
  for m in $(grep " $work/" /proc/self/mounts | awk '{print $2}' | sort -r); do umount -l "$m" || true; done
  for ns in $(ls /run/netns 2>/dev/null | grep '^ordfloor-' || true); do ip netns delete "$ns" || true; done
  ip link delete ordfloor0 2>/dev/null || true
  find /sys/fs/cgroup -maxdepth 2 -name ordfloor -type d -exec rmdir {} \; 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
cni() { CNI_COMMAND=$1 CNI_CONTAINERID=$2 CNI_NETNS=/run/netns/$2 CNI_IFNAME=eth0 CNI_PATH=/usr/lib/cni /usr/lib/cni/bridge <<<"$net" >/dev/null; }
for i in $(seq 1 "$n"); do
  id="ordfloor-$i"
  b="$work/$id"
  mkdir -p "$b/upper" "$b/work" "$b/rootfs"
  start=$(date +%s%N)
  ip netns add "$id"
  cni ADD "$id"
  mount -t overlay overlay -o "lowerdir=/,upperdir=$b/upper,workdir=$b/work" "$b/rootfs"
  cat > "$b/config.json" <<JSON
{"ociVersion":"1.0.2","process":{"terminal":false,"user":{"uid":0,"gid":0},"args":["/bin/busybox","sleep","3600"],
 "env":["PATH=/bin:/usr/bin"],"cwd":"/","rlimits":[],"capabilities":{"bounding":["CAP_KILL"],"effective":["CAP_KILL"],"permitted":["CAP_KILL"]}},
 "root":{"path":"rootfs"},"hostname":"$id",
 "mounts":[{"destination":"/proc","type":"proc","source":"proc"},{"destination":"/dev","type":"tmpfs","source":"tmpfs","options":["nosuid","mode=755"]}],
 "linux":{"namespaces":[{"type":"pid"},{"type":"ipc"},{"type":"uts"},{"type":"mount"},{"type":"network","path":"/run/netns/$id"}],
  "cgroupsPath":"/ordfloor/$id"}}
JSON
  (cd "$b" && runc run -d "$id" >/dev/null 2>&1 </dev/null)
  end=$(date +%s%N)
  echo $(( (end - start) / 1000000 ))
  runc delete --force "$id" >/dev/null 2>&1
  umount "$b/rootfs"
  cni DEL "$id"
  ip netns delete "$id"
done
