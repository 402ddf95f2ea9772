#!/usr/bin/env bash
# Stream multiplexer throughput over loopback TCP: our yamux (Agent.Runtime/Relay/Yamux, compiled from source into
# bench/mux-compare) against Nerdbank.Streams' MultiplexingStream (protocol v3) and a plain TCP copy (the physical
# limit here). Each case moves MIB MiB client -> server, through one stream and through 100 concurrent streams
# (MIB/100 each); the median of RUNS runs is printed in MB/s with ratios. Then a tiny Nerdbank use
# (bench/mux-compare/aot) is published with NativeAOT (all trim/AOT warnings shown one by one) and run.
# Usage: bench/mux-compare.sh [MIB] [RUNS]      (defaults: 1024 MiB, 5 runs)
set -euo pipefail
cd "$(dirname "$0")/mux-compare"
mib=${1:-1024}
runs=${2:-5}
dotnet build -c Release -v q -nologo >/dev/null
bin=bin/Release/net10.0/MuxCompare

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
measure() { # mode streams -> median MB/s
  for _ in $(seq "$runs"); do "$bin" "$1" "$2" "$mib" | awk '{ print $3 }'; done | median
}

tcp=$(measure tcp 1)
y1=$(measure yamux 1)
n1=$(measure nerdbank 1)
y100=$(measure yamux 100)
n100=$(measure nerdbank 100)
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
printf '%-28s %8s %14s %14s\n' "case ($mib MiB, median of $runs)" "MB/s" "vs TCP copy" "yamux/nerdbank"
printf '%-28s %8s %14s\n' "plain TCP copy" "$tcp" "1.00"
printf '%-28s %8s %14s %14s\n' "yamux, 1 stream" "$y1" "$(ratio "$y1" "$tcp")" "$(ratio "$y1" "$n1")"
printf '%-28s %8s %14s\n' "nerdbank, 1 stream" "$n1" "$(ratio "$n1" "$tcp")"
printf '%-28s %8s %14s %14s\n' "yamux, 100 streams" "$y100" "$(ratio "$y100" "$tcp")" "$(ratio "$y100" "$n100")"
printf '%-28s %8s %14s\n' "nerdbank, 100 streams" "$n100" "$(ratio "$n100" "$tcp")"

echo
echo "NativeAOT publish of a tiny Nerdbank.Streams use (bench/mux-compare/aot):"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
if dotnet publish aot -c Release -r linux-x64 -p:PublishAot=true -p:TrimmerSingleWarn=false -nologo -o "$out/bin" >"$out/log" 2>&1; then
  warnings=$(grep -oE 'warning (IL|CS)[0-9]+:[^[]*' "$out/log" | sort -u || true)
  echo "  published: $(du -h "$out/bin/NerdbankAot" | cut -f1) binary, $(printf '%s' "$warnings" | grep -c . || true) distinct trim/AOT warnings"
  [ -n "$warnings" ] && printf '    %s\n' "$warnings"
  echo "  run: $("$out/bin/NerdbankAot" 2>&1 || echo "failed ($?)")"
else
  echo "  publish failed:"
  tail -20 "$out/log"
fi
