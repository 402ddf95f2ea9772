#!/usr/bin/env bash
# SSH before login, against `agent dev --ssh-address`: how many silent connections one source (127.0.0.2) holds and
# whether another source (127.0.0.1) still logs in; then how many public-key queries (no signature) one connection
# gets answered in 5 s, and the agent's CPU meanwhile. Not a test: it prints what it saw.
# usage: bench/ssh-preauth.sh ["AGENT_CMD"] [BASEPORT]
#   AGENT_CMD  default: dotnet Agent.Runtime/bin/Release/net10.0/agent.dll (any build: a NativeAOT binary, main's dll)
# needs: ssh, ssh-keygen, python3, and Debian's python3-paramiko for /usr/bin/python3
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
agent=${1:-dotnet $here/../Agent.Runtime/bin/Release/net10.0/agent.dll}
base=${2:-17400}
work=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
mkdir -p "$work/home"
python3 -c "import json,secrets,uuid; json.dump({'user_tokens':[secrets.token_urlsafe(32)],'agents':[{'name':'main','token':str(uuid.uuid4()),'manifest':{}}]}, open('$work/ws.json','w'))"
ssh-keygen -q -t ed25519 -N '' -f "$work/id" && cp "$work/id.pub" "$work/authorized_keys"
# shellcheck disable=SC2086 # AGENT_CMD is a command prefix.
HOME=$work/home setsid $agent dev --workspace "$work/ws.json" --address "127.0.0.1:$base" --ssh-address "127.0.0.1:$((base + 1))" \
  --authorized-keys "$work/authorized_keys" --log-dir "$work/logs" --data-dir "$work/data" > "$work/out.txt" 2>&1 &
pid=$!
for _ in $(seq 1 150); do grep -q "Startup finished" "$work/out.txt" && break; sleep 0.2; done
ssh_options=(-F /dev/null -i "$work/id" -o IdentitiesOnly=yes -o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR -p "$((base + 1))")

echo "== slots: 300 silent connections from 127.0.0.2"
mkfifo "$work/hold"
python3 "$here/ssh-silent-connections.py" "$((base + 1))" 127.0.0.2 300 < "$work/hold" &
exec 7> "$work/hold"
sleep 3
if ssh "${ssh_options[@]}" -b 127.0.0.1 127.0.0.1 echo "login from 127.0.0.1: ok"; then :; else echo "login from 127.0.0.1: failed (exit $?)"; fi
exec 7>&-
sleep 1

echo "== public-key queries, 5 s on one connection"
before=$(awk '{print $14 + $15}' "/proc/$pid/stat")
/usr/bin/python3 "$here/ssh-key-queries.py" "$((base + 1))" "$work/id" "$(id -un)" 5
after=$(awk '{print $14 + $15}' "/proc/$pid/stat")
echo "agent CPU during the queries: $((after - before)) ticks of 10 ms in 5 s"
