#!/usr/bin/env bash
# Builds and runs a benchmark; prints a Markdown table (see docs/benchmarks.md).
#   bench/run.sh [api [pods]]            the API server: latency, throughput, lists, watches (default 10,000 pods)
#   bench/run.sh statefulset [replicas]  StatefulSets on the simulated runtime (default 20)
#   bench/run.sh deployment [replicas]   a Deployment on the simulated runtime: available, rolled, scaled to 0 (default 1,000)
#   bench/run.sh job [completions [parallelism]]  a Job on the simulated runtime, pods that succeed at once: created → Complete (default 1,000 / 100)
#   bench/run.sh pods [n]                real pods on runc (root): start latency against the bare-runc floor
#   bench/run.sh dns [replicas]          the cluster DNS: queries/s, latency, and how soon a new pod's name resolves
#   bench/run.sh streams [requests]      API and DNS latency with 10 exec -it, 10 logs -f, 5 port-forwards open (root; default 1,000)
#   bench/run.sh rbac [requests]         RBAC's cost: the authorizer with 1,000 Roles/bindings, and GET/create as admin vs a bound ServiceAccount (default 2,000)
#   bench/run.sh examples [runs]         the examples on real pods (root): apply → all Ready, MariaDB 3 → 4 (default 3 runs)
#   bench/run.sh inplace [runs]          MariaDB's 3 replicas on real pods (root): a new image tag rolled out in place vs by recreation (default 3)
#   bench/run.sh crd [requests]          creates of a custom resource with a validated schema against ConfigMaps of the same size (default 1,000)
#   bench/run.sh apply [changes]         server-side apply of a StatefulSet vs a merge patch of the same change; managedFields' size (default 1,000)
#   bench/run.sh patroni [failovers]     Patroni on real pods (root): leader's pod deleted → a new leader takes writes (default 5)
#   bench/run.sh etcd [writes]           API writes on etcd vs SQLite, with etcd's own put latency (etcdctl, gateway) as the floor (default 1,000)
#   bench/run.sh failover [trials]       two `ordinal server`s on a 3-member etcd: leader killed → the other holds its Leases (default 5)
#   bench/run.sh pull [runs]             image pulls from a local registry (root): Ordinal vs skopeo copy, cold and with shared layers (default 3)
#   bench/run.sh volume [mb [rounds]]   dd inside a real pod (root): a capacity-limited claim against an emptyDir (default 200 MiB, 5)
#   bench/run.sh agents [replicas]      a Parallel StatefulSet over 3 `ordinal agent --runtime simulated` JVMs vs 1 in-process simulated node (default 1,000)
#   bench/run.sh nodeloss [trials]       hosts as network namespaces (root): an agent killed and cut off → its StatefulSet replica Running elsewhere (MultiNodeE2E; default 5)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$ROOT/scripts/lib.sh"
find_java
which="${1:-api}"
shift || true
case "$which" in
  api) main=dev.ordinal.bench.ApiBench ;;
  statefulset) main=dev.ordinal.bench.StatefulSetBench ;;
  deployment) main=dev.ordinal.bench.DeploymentBench ;;
  job) main=dev.ordinal.bench.JobBench ;;
  pods) main=dev.ordinal.bench.PodStartBench; need_packages $REGISTRY_PACKAGES ;;
  dns) main=dev.ordinal.bench.DnsBench ;;
  examples) main=dev.ordinal.bench.ExamplesBench ;;
  inplace) main=dev.ordinal.bench.InPlaceBench ;;
  streams) main=dev.ordinal.bench.StreamsBench ;;
  rbac) main=dev.ordinal.bench.RbacBench ;;
  patroni) main=dev.ordinal.bench.PatroniBench ;;
  crd) main=dev.ordinal.bench.CrdBench ;;
  apply) main=dev.ordinal.bench.ApplyBench ;;
  etcd) main=dev.ordinal.bench.EtcdBench; need_packages $ETCD_PACKAGES ;;
  agents) main=dev.ordinal.bench.AgentsBench ;;
  failover) main=dev.ordinal.bench.FailoverBench; need_packages $ETCD_PACKAGES ;;
  volume) main=dev.ordinal.bench.VolumeBench ;;
  pull) main=dev.ordinal.bench.PullBench; need_packages $REGISTRY_PACKAGES ;;
  nodeloss)
    # the e2e's own harness (three hosts as network namespaces), its loss repeated; it prints each trial and the median/max
    cd "$ROOT" && flock /tmp/ordinal-realpods.lock mvn -B -pl e2e -am verify -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false \
      -Dit.test=MultiNodeE2E -Dfailsafe.failIfNoSpecifiedTests=false -Dordinal.nodeLossTrials="${1:-5}" | grep -E "node loss|Tests run:|FAIL"
    exit "${PIPESTATUS[0]}" ;;
  *) die "unknown benchmark: $which (api, statefulset, deployment, job, pods, dns, streams, rbac, examples, inplace, patroni, crd, apply, etcd, failover, pull, volume, agents or nodeloss)" ;;
esac
(cd "$ROOT" && mvn -q -B -DskipTests -pl bench -am package)
# servers start as ./ordinal starts them, from the start-up cache (ORDINAL_AOT=0: without it)
server_jvm="$(aot_options)"
exec "$JAVA" -Dordinal.root="$ROOT" -Dordinal.server.classpath="$SERVER_CLASSPATH" -Dordinal.server.jvm="$server_jvm" -cp "$ROOT/bench/target/ordinal-bench-0.1.0-SNAPSHOT.jar:$ROOT/bench/target/lib/*" "$main" "$@"
