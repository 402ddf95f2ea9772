#!/usr/bin/env bash
# Terminal output throughput and keystroke echo latency: the agent's reconnecting PTY (the web terminal's WebSocket
# on `agent dev`) against `ssh -tt` to OpenSSH's sshd, both on loopback. One client (bench/pty-client.py, Debian's
# /usr/bin/python3 with python3-websockets) drives both.
#   throughput: `cat` of a FILE (default 200 MiB of text lines) in the terminal; time from "go" until the client
#               has the end marker after all the output. Ratio = agent/sshd throughput (>1 better).
#   echo:       `stty raw -echo; exec cat` in the terminal; send one key, wait for it to come back; COUNT keys
#               (default 1000). Median and p99; ratio agent/sshd (<1 better) and the difference in ms.
# Usage: bench/pty-throughput.sh [MiB] [keys]
#   AGENT_BIN=/path/to/agent   use that binary instead of publishing NativeAOT here
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
mib=${1:-200}
keys=${2:-1000}
runs=3
require_sshd
py=/usr/bin/python3
if ! "$py" -c 'import websockets' 2>/dev/null; then
  echo "$py has no websockets module: install it first:  apt-get install -y python3-websockets" >&2
  exit 1
fi

agent_binary

client_key
start_sshd

plane_port=$(free_port)
token=$(python3 -c 'import uuid; print(uuid.uuid4())')
cat > "$work/workspace.json" <<JSON
{"user_tokens":["bench"],"agents":[{"name":"main","token":"$token","manifest":{}}]}
JSON
# A clean environment, as a service manager gives it (sessions inherit the agent's environment).
env -i HOME="$HOME" PATH="$PATH" USER="$(id -un)" LOGNAME="$(id -un)" SHELL="${SHELL:-/bin/sh}" LANG="${LANG:-C.UTF-8}" \
  XDG_DATA_HOME="$work/data" "$agent" dev --workspace "$work/workspace.json" --address "127.0.0.1:$plane_port" \
  --log-dir "$work/logs" --log-level Warning >"$work/agent.out" 2>"$work/agent.log" &
wait_port "$sshd_port"; wait_port "$plane_port"
until curl -sf -H 'Coder-Session-Token: bench' "http://127.0.0.1:$plane_port/api/v2/workspaceagents/main" | grep -q '"connected"'; do sleep 0.1; done

# Terminal-like content: 100-character lines of text (a terminal's line discipline turns each \n into \r\n).
"$py" -c '
import sys, random
random.seed(1)
line = bytes(random.choice(b"abcdefghijklmnopqrstuvwxyz0123456789 ") for _ in range(99)) + b"\n"
block = line * 10486
n = int(sys.argv[1]) * 1024 * 1024
with open(sys.argv[2], "wb") as f:
    while n > 0:
        f.write(block[:n]); n -= len(block)
' "$mib" "$work/file"

ssh_argv=(ssh -tt -F /dev/null -i "$work/client" -o IdentitiesOnly=yes -o BatchMode=yes -o StrictHostKeyChecking=no
  -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR -p "$sshd_port" "$(id -un)@127.0.0.1")
ws() { echo "ws://127.0.0.1:$plane_port/api/v2/workspaceagents/main/pty?reconnect=$(python3 -c 'import uuid; print(uuid.uuid4())')&width=120&height=40&coder_session_token=bench"; }
client() { "$py" bench/pty-client.py "$@"; }

echo "cat of $mib MiB in a terminal (median of $runs runs each, alternating); ssh cipher: OpenSSH's default (chacha20-poly1305)"
: > "$work/t-sshd"; : > "$work/t-agent"
for _ in $(seq 1 "$runs"); do
  client throughput ssh "$work/file" -- "${ssh_argv[@]}" >> "$work/t-sshd"
  client throughput ws "$(ws)" "$work/file" >> "$work/t-agent"
done
ts=$(cut -d' ' -f1 "$work/t-sshd" | median); ta=$(cut -d' ' -f1 "$work/t-agent" | median)
bs=$(cut -d' ' -f2 "$work/t-sshd" | median); ba=$(cut -d' ' -f2 "$work/t-agent" | median)
printf 'throughput  sshd %6.0f MiB/s (%s bytes)   agent %6.0f MiB/s (%s bytes)   ratio %.2f\n' \
  "$(echo "$mib / $ts" | bc -l)" "$bs" "$(echo "$mib / $ta" | bc -l)" "$ba" "$(echo "$ts / $ta" | bc -l)"

client echo ssh "$keys" -- "${ssh_argv[@]}" > "$work/e-sshd"
client echo ws "$(ws)" "$keys" > "$work/e-agent"
for stat in median p99; do
  s=$($stat < "$work/e-sshd"); a=$($stat < "$work/e-agent")
  printf 'echo %-6s sshd %7.3f ms   agent %7.3f ms   ratio %.2f   agent-sshd %+.3f ms\n' \
    "$stat" "$(echo "$s / 1000" | bc -l)" "$(echo "$a / 1000" | bc -l)" "$(echo "$a / $s" | bc -l)" "$(echo "($a - $s) / 1000" | bc -l)"
done
