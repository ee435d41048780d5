#!/usr/bin/env bash
# Runs every test: unit tests, integration tests against the in-process server, and end-to-end
# scenarios that drive the real kubectl against a real `ordinal up`.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$ROOT/scripts/lib.sh"

find_java
command -v mvn >/dev/null || need_packages maven
# the real-container tests run pods with runc as root; elsewhere they are skipped, and say so
if [[ $(id -u) -eq 0 ]]; then
  need_packages $RUNC_PACKAGES $HOST_IMAGE_PACKAGES $ETCD_PACKAGES $REGISTRY_PACKAGES
fi
command -v kubectl >/dev/null || die "the end-to-end tests drive kubectl, which is not installed (expected at /usr/bin/kubectl)"
echo "ordinal: testing with $("$JAVA" -version 2>&1 | head -1)" >&2
cd "$ROOT"
exec mvn -B -ntp verify "$@"
