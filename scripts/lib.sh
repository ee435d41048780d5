# Shared by ./ordinal and scripts/test.sh: finding a JDK, installing what is missing, building.

die() {
  echo "ordinal: $*" >&2
  exit 1
}

# The major version of a java binary, e.g. 17 or 25: from its JDK's release file when it has one
# (starting a JVM only to ask costs a tenth of a second of every `ordinal up`).
java_major() {
  local release v
  release="$(dirname "$(dirname "$1")")/release"
  if [[ -f "$release" ]]; then
    v="$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$release")"
    [[ -n "$v" ]] && { echo "$v"; return 0; }
  fi
  "$1" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2; exit}' | cut -d. -f1
}

# Sets JAVA and JAVA_HOME to a JDK >= 21: $JAVA_HOME, then /usr/lib/jvm (newest first), then PATH.
find_java() {
  local candidates=() c
  [[ -n "${JAVA_HOME:-}" ]] && candidates+=("$JAVA_HOME/bin/java")
  for c in $(ls -d /usr/lib/jvm/*/ 2>/dev/null | sort -rV); do candidates+=("${c%/}/bin/java"); done
  command -v java >/dev/null && candidates+=("$(readlink -f "$(command -v java)")")
  for c in "${candidates[@]}"; do
    if [[ -x "$c" && -x "$(dirname "$c")/javac" ]] && (( $(java_major "$c" || echo 0) >= 21 )); then
      JAVA="$c"
      JAVA_HOME="$(cd "$(dirname "$c")/.." && pwd)"
      export JAVA JAVA_HOME
      return 0
    fi
  done
  die "Ordinal needs a JDK 21 or newer and found none (looked at \$JAVA_HOME, /usr/lib/jvm and PATH).
Install one, e.g.: apt-get install openjdk-21-jdk-headless   (or set JAVA_HOME)"
}

# What `--runtime runc` runs pods with (DESIGN §3).
RUNC_PACKAGES="runc conmon containernetworking-plugins iproute2 attr socat xfsprogs zstd"
# The software of the host images the examples and the end-to-end tests run (see docs/images.md);
# ORDINAL_HOST_IMAGE_PACKAGES="" installs none of it.
HOST_IMAGE_PACKAGES="${ORDINAL_HOST_IMAGE_PACKAGES-nginx-light busybox zookeeper mariadb-server mariadb-backup ncat patroni postgresql}"

# The etcd the storage, migration and multi-server tests and `bench/run.sh etcd` start (docs/multi-node.md).
ETCD_PACKAGES="etcd-server etcd-client"
# what the registry tests run: a CNCF Distribution registry, and the tools that build and push images to it
REGISTRY_PACKAGES="docker-registry skopeo umoci openssl"

# Installs Debian packages that are missing when root; otherwise prints the command to run.
need_packages() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  (( ${#missing[@]} == 0 )) && return 0
  if [[ $(id -u) -eq 0 ]]; then
    echo "ordinal: installing ${missing[*]}" >&2
    apt-get update -qq >&2 || true
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >&2
  else
    die "missing packages: ${missing[*]}. Run: sudo apt-get install -y ${missing[*]}"
  fi
}

# Builds the server unless it is up to date with the sources ("force" always builds).
build_ordinal() {
  local jar="$ROOT/server/target/ordinal-server.jar"
  if [[ "${1:-}" != force && -f "$jar" ]] \
      && [[ -z "$(find "$ROOT" -path "$ROOT/.ordinal" -prune -o \( -name '*.java' -o -name pom.xml -o -path '*/src/main/resources/*' \) -newer "$jar" -print -quit)" ]]; then
    return 0
  fi
  command -v mvn >/dev/null || need_packages maven
  echo "ordinal: building (first use or sources changed)..." >&2
  (cd "$ROOT" && mvn -q -B -DskipTests -Dspotless.skip=true -pl server -am package >&2) \
    || die "the build failed; run: (cd $ROOT && mvn -B -DskipTests package) to see why"
}

# The server's classpath, as the launcher, the start-up cache's training and the benchmarks use it.
SERVER_CLASSPATH="$ROOT/server/target/ordinal-server.jar:$ROOT/server/target/lib/*"

# Prints the JVM option that starts the server from its start-up cache (JDK >= 25: an AOT cache,
# JEP 483/514: the classes loaded and linked, and their profiles, as a fresh `up` used them), and
# makes the cache first when the build is newer than it: one training run of `up` on a throw-away
# data directory with the simulated runtime, stopped once it serves. A fresh start then takes about
# a third less CPU (docs/benchmarks.md). The JVM checks the cache against the classpath and the
# JDK and ignores one that does not match, so a stale cache only costs the gain.
# ORDINAL_AOT=0 turns it off.
aot_options() {
  local cache="$ROOT/server/target/ordinal.aot" jar="$ROOT/server/target/ordinal-server.jar"
  [[ "${ORDINAL_AOT:-1}" == 0 ]] && return 0
  (( $(java_major "$JAVA") >= 25 )) || return 0
  if [[ ! -f "$cache" || "$jar" -nt "$cache" ]]; then
    train_aot "$cache" || { rm -f "$cache"; return 0; }
  fi
  echo "-XX:AOTCache=$cache"
}

train_aot() {
  local cache="$1" work pid i
  work="$(mktemp -d "${TMPDIR:-/tmp}/ordinal-aot.XXXXXX")"
  echo "ordinal: making the start-up cache (once per build)..." >&2
  "$JAVA" "@$ROOT/scripts/jvm.options" "-XX:AOTCacheOutput=$work/ordinal.aot" -cp "$SERVER_CLASSPATH" \
    dev.ordinal.server.Main up --port 0 --runtime simulated --data-dir "$work/data" >"$work/log" 2>&1 &
  pid=$!
  # `up` writes the kubeconfig once it serves the API
  for ((i = 0; i < 1200; i++)); do
    grep -q "token:" "$work/data/kubeconfig" 2>/dev/null && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.05
  done
  kill -TERM "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  if [[ -s "$work/ordinal.aot" ]]; then
    mv "$work/ordinal.aot" "$cache"
    rm -rf "$work"
    return 0
  fi
  echo "ordinal: no start-up cache made (see $work/log); starting without one" >&2
  return 1
}
