#!/usr/bin/env bash
# A seeded, bounded fuzz run of the parsers: every target of Agent.Specs/Fuzz (SSH transport handshake, KEXINIT,
# SSH messages in memory and over the real transport, yamux frames, reconnecting-PTY connections and request
# streams, the JSON wire records and workspace file, the control plane's request bodies, the event-stream reader,
# SFTP packets), one after the other, each for SECONDS with SEED. Prints one line per target (inputs, execs/s,
# accepted/refused, findings) and each finding with its minimised input in hex, then the total. The same seed makes
# the same inputs (input i of a target depends only on the seed, the target's name and i). Exit 1 on a finding.
# Usage: bench/fuzz.sh [seconds-per-target] [seed] [target-filter]     (defaults: 30 s, 20261204, all)
#   e.g. bench/fuzz.sh 60 7 Yamux
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-30}
seed=${2:-20261204}
filter=${3:-}
report=$(mktemp)
log=$(mktemp)
trap 'rm -f "$report" "$log"' EXIT

dotnet build Agent.Specs -c Release -v q -nologo >/dev/null
status=0
AGENT_FUZZ_SECONDS=$seconds AGENT_FUZZ_SEED=$seed AGENT_FUZZ_REPORT=$report \
  dotnet test Agent.Specs -c Release --no-build -v q -nologo \
  --filter "FullyQualifiedName~Agent.Specs.Fuzz.${filter}" -- xUnit.ParallelizeTestCollections=false >"$log" 2>&1 || status=$?

echo "fuzz: $seconds s per target, seed $seed"
cat "$report"
awk '/ inputs in / { inputs += $4; findings += $NF } END { printf "total: %d inputs, %d findings\n", inputs, findings }' "$report"
if [ "$status" -ne 0 ]; then
  echo "dotnet test failed (exit $status):"
  grep -E "^\s*Failed |^Failed!|Passed!" "$log" | head -20
  exit 1
fi
