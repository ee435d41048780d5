#!/usr/bin/env bash
# Builds and runs the API benchmark; prints a Markdown report (see docs/benchmarks.md).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$ROOT/scripts/lib.sh"
find_java
(cd "$ROOT" && mvn -q -B -DskipTests -pl bench -am package)
exec "$JAVA" -Dordinal.root="$ROOT" -cp "$ROOT/bench/target/ordinal-bench-0.1.0-SNAPSHOT.jar:$ROOT/bench/target/lib/*" dev.ordinal.bench.ApiBench "$@"
