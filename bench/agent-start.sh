#!/usr/bin/env bash
# Start-to-ready time and idle RSS of `agent run`: the NativeAOT binary against the same agent under the
# JIT (`dotnet agent.dll`), both against one `agent server` on loopback. Prints medians and ratios.
# Usage: bench/agent-start.sh [runs]   (default 10 runs each)
#   AGENT_BIN=/path/to/agent   measure that NativeAOT binary instead of publishing one here
#   AGENT_DLL=/path/to/agent.dll   the JIT build to compare with (default: this checkout's Release build); JIT=0 skips it
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
runs=${1:-10}

agent_binary
aot=("$agent")
kinds=aot
if [ "${JIT:-1}" != 0 ]; then
  if [ -z "${AGENT_DLL:-}" ]; then
    echo "building (Release, JIT)..." >&2
    dotnet build Agent.Runtime -c Release -v q -nologo >/dev/null
  fi
  jit=(dotnet "${AGENT_DLL:-Agent.Runtime/bin/Release/net10.0/agent.dll}")
  kinds="aot jit"
fi

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
token=$(python3 -c 'import uuid; print(uuid.uuid4())')
cat > "$work/workspace.json" <<JSON
{"user_tokens":["bench"],"agents":[{"name":"main","token":"$token","manifest":{"startup_script":"true","startup_script_timeout":60000000000}}]}
JSON
XDG_DATA_HOME="$work/data" "${aot[@]}" server --address "127.0.0.1:$port" --workspace "$work/workspace.json" 2>"$work/server.log" &
until curl -sf -H 'Coder-Session-Token: bench' "http://127.0.0.1:$port/api/v2/workspaceagents/main" >/dev/null; do sleep 0.05; done

# One run: start the agent, wait for its "Startup finished" log line (tail and grep sleep in inotify, so the wait
# takes no CPU from the agent on a small machine), read when the control plane got "ready", print
# "<ms to ready> <idle RSS KiB>".
measure() {
  local start pid ready_ns rss logs tail
  logs=$(mktemp -d "$work/logs.XXXX")
  : > "$logs/agent.log"
  start=$(date +%s%N)
  AGENT_URL="http://127.0.0.1:$port" AGENT_TOKEN="$token" "$@" run --log-dir "$logs" --data-dir "$work/data" 2>>"$work/agent.log" &
  pid=$!
  exec {tail}< <(exec timeout 60 tail -n +1 -F "$logs/agent.log" 2>/dev/null)
  local tail_pid=$!
  grep -m1 -q 'Startup finished' <&"$tail" || true
  exec {tail}<&-
  kill "$tail_pid" 2>/dev/null || true
  ready_ns=$(curl -sf -H 'Coder-Session-Token: bench' "http://127.0.0.1:$port/api/v2/workspaceagents/main/lifecycle" \
    | python3 -c 'import sys,json; from datetime import datetime; r=[x for x in json.load(sys.stdin) if x["state"]=="ready"]; print(int(datetime.fromisoformat(r[-1]["changed_at"].replace("Z","+00:00")).timestamp()*1e9))')
  sleep 5   # let it settle: the idle footprint, not the start-up peak
  rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status")
  kill -TERM "$pid"; wait "$pid" || true
  echo "$(( (ready_ns - start) / 1000000 )) $rss"
}

for kind in $kinds; do
  : > "$work/$kind.txt"
  # One run not counted: the first start writes the host keys (RSA takes a while).
  if [ "$kind" = aot ]; then measure "${aot[@]}" >/dev/null; else measure "${jit[@]}" >/dev/null; fi
  for _ in $(seq 1 "$runs"); do
    if [ "$kind" = aot ]; then measure "${aot[@]}" >> "$work/$kind.txt"; else measure "${jit[@]}" >> "$work/$kind.txt"; fi
  done
done

aot_ready=$(cut -d' ' -f1 "$work/aot.txt" | median); aot_rss=$(cut -d' ' -f2 "$work/aot.txt" | median)
echo "NativeAOT runs (ms to ready, idle RSS KiB): $(tr '\n' ' ' < "$work/aot.txt")"
if [ "$kinds" = aot ]; then
  printf 'start to ready (median of %d): NativeAOT %s ms\nidle RSS (median):             NativeAOT %s KiB\n' "$runs" "$aot_ready" "$aot_rss"
  exit 0
fi
jit_ready=$(cut -d' ' -f1 "$work/jit.txt" | median); jit_rss=$(cut -d' ' -f2 "$work/jit.txt" | median)
printf 'start to ready (median of %d): NativeAOT %s ms, JIT %s ms, ratio %.2f\n' "$runs" "$aot_ready" "$jit_ready" "$(echo "$aot_ready / $jit_ready" | bc -l)"
printf 'idle RSS (median):             NativeAOT %s KiB, JIT %s KiB, ratio %.2f\n' "$aot_rss" "$jit_rss" "$(echo "$aot_rss / $jit_rss" | bc -l)"
