#!/usr/bin/env bash
# The Debian package (deploy/, scripts/package), built, installed and
# started as its service would start it, then purged:
#   - cpack builds it from the build tree; it holds the binaries, the unit,
#     the conffile, the alert rules and the dashboard, and depends on the
#     runtime libraries' packages;
#   - installed with dpkg, the `troupe` user and /var/lib/troupe (0700) exist,
#     and `systemd-analyze verify` passes the installed unit, silently;
#   - the unit's own ExecStart, run as the unit's user (no systemd in a
#     container: setpriv, which execs it), serves /health, writes its data dir there, and
#     stops cleanly on SIGTERM;
#   - purged, the binaries and the user go.
# Usage: package_test.sh BUILD_DIR. Needs root (dpkg -i): skipped (77) otherwise.
set -euo pipefail
build=$(cd "$1" && pwd)
if [ "$(id -u)" -ne 0 ]; then
  echo "package_test: not root: cannot install a package (skipped)"
  exit 77
fi
for tool in cpack dpkg-deb dpkg-shlibdeps systemd-analyze setpriv curl; do
  command -v "$tool" >/dev/null || { echo "package_test: $tool is missing (scripts/setup)"; exit 1; }
done
if dpkg-query -W -f='${Status}' troupe 2>/dev/null | grep -q "install ok installed"; then
  echo "package_test: a troupe package is installed on this machine: not touching it (skipped)"
  exit 77
fi
had_state_dir=no
[ -e /var/lib/troupe ] && had_state_dir=yes
work=$(mktemp -d)
node_pid=""
cleanup() {
  [ -n "$node_pid" ] && kill "$node_pid" 2>/dev/null || true
  dpkg --purge troupe >/dev/null 2>&1 || true
  rm -rf "$work"
  [ "$had_state_dir" = yes ] || rm -rf /var/lib/troupe
}
trap cleanup EXIT
fail() { echo "package_test: FAILED: $*"; exit 1; }

(cd "$build" && cpack -G DEB -B "$work" > "$work/cpack.log" 2>&1) || { cat "$work/cpack.log"; fail "cpack"; }
deb=$(ls "$work"/troupe_*.deb)
contents=$(dpkg-deb -c "$deb")
for path in ./usr/bin/troupe-node ./usr/bin/troupe-shell ./lib/systemd/system/troupe-node.service \
            ./etc/troupe/node.conf ./usr/share/troupe/prometheus/alerts.yml \
            ./usr/share/troupe/grafana/troupe-dashboard.json ./usr/share/doc/troupe/README.md; do
  grep -q " $path\$" <<<"$contents" || fail "$path is not in the package"
done
depends=$(dpkg-deb -f "$deb" Depends)
grep -q "libcaf-core" <<<"$depends" || fail "no dependency on CAF's runtime package: $depends"
grep -q "librocksdb" <<<"$depends" || fail "no dependency on RocksDB's runtime package: $depends"
dpkg-deb -e "$deb" "$work/control"
grep -qx "/etc/troupe/node.conf" "$work/control/conffiles" || fail "node.conf is not a conffile"

dpkg -i "$deb" > "$work/dpkg.log" 2>&1 || { cat "$work/dpkg.log"; fail "dpkg -i"; }
getent passwd troupe > /dev/null || fail "no troupe user"
[ "$(stat -c '%a %U' /var/lib/troupe)" = "700 troupe" ] || fail "/var/lib/troupe is $(stat -c '%a %U' /var/lib/troupe)"
/usr/bin/troupe-node --version | grep -q "^troupe-node " || fail "troupe-node --version"
/usr/bin/troupe-shell --version | grep -q "^troupe-shell " || fail "troupe-shell --version"
verify=$(systemd-analyze verify /lib/systemd/system/troupe-node.service 2>&1) || fail "systemd-analyze verify: $verify"
[ -z "$verify" ] || fail "systemd-analyze verify warns: $verify"

# Start it as the unit says, on free ports (the command line overrides the conffile).
unit=/lib/systemd/system/troupe-node.service
exec_start=$(sed -n 's/^ExecStart=//p' "$unit")
user=$(sed -n 's/^User=//p' "$unit")
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
http_port=$(free_port)
cluster_port=$(free_port)
# shellcheck disable=SC2086 # ExecStart is a command line
setpriv --reuid="$user" --regid="$user" --init-groups -- $exec_start --http-port "$http_port" --cluster-port "$cluster_port" \
  > "$work/node.log" 2>&1 &
node_pid=$!
for _ in $(seq 1 150); do
  curl -fs "http://127.0.0.1:$http_port/health" > /dev/null 2>&1 && break
  kill -0 "$node_pid" 2>/dev/null || { cat "$work/node.log"; fail "the node exited"; }
  sleep 0.2
done
curl -fs "http://127.0.0.1:$http_port/health" > /dev/null || { cat "$work/node.log"; fail "no /health"; }
[ "$(stat -c '%U' /var/lib/troupe/node)" = troupe ] || fail "the data dir is not the troupe user's"
grep -q "options given: .*--config /etc/troupe/node.conf" "$work/node.log" || { cat "$work/node.log"; fail "the start log"; }
kill -TERM "$node_pid"
code=0
wait "$node_pid" || code=$?
node_pid=""
[ "$code" -eq 0 ] || { cat "$work/node.log"; fail "exit $code on SIGTERM"; }

dpkg --purge troupe > "$work/dpkg.log" 2>&1 || { cat "$work/dpkg.log"; fail "dpkg --purge"; }
[ ! -e /usr/bin/troupe-node ] || fail "troupe-node is still installed"
! getent passwd troupe > /dev/null || fail "the troupe user is still there"
echo "package_test: $(basename "$deb") built, installed, started, stopped and purged"
