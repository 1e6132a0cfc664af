#!/usr/bin/env bash
# DNSBL queries per second: our responder, rbldnsd and a server on ARSoft.Tools.Net, all loaded with the same
# 1,000,000 synthetic listings (fixed seed; exported for rbldnsd by our RbldnsdZoneWriter), asked by dnsperf on
# loopback with 50 % listed / 50 % not-listed addresses. Each server runs alone in its turn; 3 rounds, medians.
# Usage: bench/dnsbl/run.sh [seconds per run, default 20]. Needs root (apt-get) if dnsperf or rbldnsd is missing.
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds="${1:-20}"
work="${DNSBL_BENCH_DIR:-/tmp/delistportal-dnsbl-bench}"
zone=bl.bench.example
port_ours=15301; port_rbldnsd=15302; port_arsoft=15303

if ! command -v dnsperf >/dev/null || ! command -v rbldnsd >/dev/null; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dnsperf rbldnsd >/dev/null
fi

dotnet build -c Release bench/DelistPortal.Benchmarks -v quiet -nologo >/dev/null
bench="dotnet bench/DelistPortal.Benchmarks/bin/Release/net10.0/DelistPortal.Benchmarks.dll"
mkdir -p "$work"
[ -s "$work/queries.txt" ] || $bench --dnsbl-prepare "$work"
echo "2.0.0.127.$zone A" > "$work/probe.txt"

pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT

start_server() { # name -> starts it, waits until it answers
  case "$1" in
    ours)    $bench --dnsbl-serve $port_ours > "$work/ours.log" 2>&1 & pids+=($!); port=$port_ours ;;
    arsoft)  $bench --dnsbl-serve $port_arsoft arsoft > "$work/arsoft.log" 2>&1 & pids+=($!); port=$port_arsoft ;;
    rbldnsd) rbldnsd -n -f -b 127.0.0.1/$port_rbldnsd -r "$work" -w / -p "$work/rbldnsd.pid" \
               $zone:ip4set:v4.zone $zone:ip6trie:v6.zone > "$work/rbldnsd.log" 2>&1 & pids+=($!); port=$port_rbldnsd ;;
  esac
  server_pid=$!
  for _ in $(seq 1 120); do
    if dnsperf -s 127.0.0.1 -p $port -d "$work/probe.txt" -n 1 -t 1 2>/dev/null | grep -q "Queries completed: *1 "; then return 0; fi
    sleep 0.5
  done
  echo "$1 did not start; see $work/$1.log" >&2; exit 1
}

qps() { # port -> queries per second
  dnsperf -s 127.0.0.1 -p "$1" -d "$work/queries.txt" -l "$seconds" -c 10 -Q 500000 2>/dev/null > "$work/dnsperf.out"
  # The answers must be right, not only fast: about half NOERROR (listed), half NXDOMAIN.
  grep -q "Response codes: NOERROR [0-9]* (4[5-9]\|5[0-5]" "$work/dnsperf.out" || { echo "unexpected answers:" >&2; grep "Response codes" "$work/dnsperf.out" >&2; }
  sed -n 's/.*Queries per second: *\([0-9.]*\).*/\1/p' "$work/dnsperf.out"
}

median() { printf '%s\n' "$@" | sort -n | sed -n 2p; }

declare -A results
for server in ${DNSBL_SERVERS:-ours rbldnsd arsoft}; do
  start_server $server
  runs=()
  for round in 1 2 3; do
    runs+=("$(qps $port)")
  done
  kill $server_pid; wait $server_pid 2>/dev/null || true
  results[$server]="$(median "${runs[@]}")"
  echo "$server: ${runs[*]} -> median ${results[$server]} queries/s"
done

awk -v o="${results[ours]}" -v r="${results[rbldnsd]}" -v a="${results[arsoft]}" 'BEGIN {
  printf "DelistPortal responder: %.0f q/s\nrbldnsd: %.0f q/s\nARSoft.Tools.Net DnsServer: %.0f q/s\nratio ours/rbldnsd: %.2f (target >= 1.0)\nratio arsoft/rbldnsd: %.2f\n", o, r, a, o / r, a / r }'
