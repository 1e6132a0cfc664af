#!/usr/bin/env bash
# Runs every DelistPortal test: unit, component (bunit), integration (real SMTP, SQLite files, a real PostgreSQL) and end-to-end
# (Playwright in Debian's Chromium). Prints one line "N passed, M failed" and exits non-zero on any failure.
set -uo pipefail
cd "$(dirname "$0")"

# Installs a Debian package the tests need when it is missing and this runs as root; otherwise says what to do.
# Usage: require PACKAGE "why" "what to do instead" (call it only when the package is missing).
require() {
  local package="$1" why="$2" instead="$3"
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "Installing Debian's $package $why..."
    if apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$package" >/dev/null; then
      return 0
    fi
    echo "Could not install $package with apt-get." >&2
  else
    echo "$instead" >&2
  fi
  echo "0 passed, 1 failed"
  exit 1
}

chromium="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ ! -x "$chromium" ]; then
  require chromium "for the end-to-end tests (about a minute)" \
    "The end-to-end tests need Chromium at $chromium. Install it (Debian: sudo apt-get install chromium) or point CHROMIUM_PATH at a Chromium binary, then run this again."
fi
export CHROMIUM_PATH="$chromium"

# The rbldnsd export is checked against a real rbldnsd (Debian package rbldnsd).
if ! command -v rbldnsd >/dev/null && [ ! -x /usr/sbin/rbldnsd ] && [ -z "${RBLDNSD_PATH:-}" ]; then
  require rbldnsd "for the DNSBL export tests" \
    "The DNSBL export tests need rbldnsd. Install it (Debian: sudo apt-get install rbldnsd) or point RBLDNSD_PATH at an rbldnsd binary, then run this again."
fi

# A real, throwaway PostgreSQL for the tests that run on both providers: Debian's postgresql, initdb and pg_ctl in a
# temporary folder on a free port (as the postgres user when root: initdb refuses root), stopped and removed at exit.
pg_bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
if [ -z "$pg_bin" ] && [ -z "${DELISTPORTAL_TEST_POSTGRESQL:-}" ]; then
  require postgresql "for the tests on PostgreSQL" \
    "The PostgreSQL tests need PostgreSQL's server binaries. Install them (Debian: sudo apt-get install postgresql) or set DELISTPORTAL_TEST_POSTGRESQL to a connection string of a server whose user may create databases, then run this again."
  pg_bin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
fi
pg_dir=""
as_pg() {
  if [ "$(id -u)" = 0 ]; then su postgres -s /bin/sh -c "cd /tmp && $*"; else sh -c "$*"; fi
}
stop_postgresql() {
  if [ -n "$pg_dir" ]; then
    as_pg "'$pg_bin/pg_ctl' -D '$pg_dir/data' -m immediate -w stop" >/dev/null 2>&1
    rm -rf "$pg_dir"
  fi
}
results="$(mktemp -d)"
trap 'stop_postgresql; rm -rf "$results"' EXIT
if [ -z "${DELISTPORTAL_TEST_POSTGRESQL:-}" ]; then
  pg_dir="$(mktemp -d)"
  [ "$(id -u)" = 0 ] && chown postgres "$pg_dir"
  pg_port=""
  for _ in $(seq 1 50); do
    candidate=$((20000 + RANDOM % 20000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$candidate") 2>/dev/null; then pg_port=$candidate; break; fi
  done
  if ! as_pg "'$pg_bin/initdb' -D '$pg_dir/data' --auth=trust -U postgres --no-sync" >"$pg_dir/initdb.log" 2>&1 ||
     ! as_pg "'$pg_bin/pg_ctl' -D '$pg_dir/data' -l '$pg_dir/log' -w -o \"-c listen_addresses=127.0.0.1 -p $pg_port -k $pg_dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300\" start" >/dev/null 2>&1; then
    echo "Could not start PostgreSQL for the tests:" >&2
    cat "$pg_dir/initdb.log" "$pg_dir/log" >&2 2>/dev/null
    echo "0 passed, 1 failed"
    exit 1
  fi
  export DELISTPORTAL_TEST_POSTGRESQL="Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=postgres"
  echo "PostgreSQL for the tests: 127.0.0.1:$pg_port ($pg_dir)"
fi
dotnet test DelistPortal.sln --logger "trx" --logger "console;verbosity=normal" --results-directory "$results"
status=$?

passed=0
failed=0
for trx in "$results"/*.trx; do
  [ -e "$trx" ] || continue
  counters="$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)"
  p="$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")"
  f="$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")"
  passed=$((passed + ${p:-0}))
  failed=$((failed + ${f:-0}))
done
# Name every failed test again at the very end, where a shortened CI log still shows it.
for trx in "$results"/*.trx; do
  [ -e "$trx" ] || continue
  awk 'function unescape(s) { gsub(/&quot;/, "\"", s); gsub(/&lt;/, "<", s); gsub(/&gt;/, ">", s); gsub(/&amp;/, "\\&", s); return s }
       /<UnitTestResult / { failed = /outcome="Failed"/; lines = 0
         if (failed) { name = $0; sub(/.* testName="/, "", name); sub(/".*/, "", name); print "FAILED: " unescape(name) } }
       failed && /<Message>/ { inside = 1 }
       failed && inside && lines < 4 { line = $0; gsub(/<\/?Message>/, "", line); sub(/^ +/, "", line); print "  " unescape(line); lines++ }
       /<\/Message>/ { inside = 0 }' "$trx"
done
# A build error runs no test at all: count it as a failure rather than report a clean zero.
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  failed=1
fi
echo "$passed passed, $failed failed"
[ "$status" -eq 0 ] && [ "$failed" -eq 0 ]
