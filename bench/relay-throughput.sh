#!/usr/bin/env bash
# Throughput through the relay against the physical limit here. Runs `agent dev` (control plane + agent, with an SSH
# listener), then:
#   tcp: N MiB from a sendfile() source on loopback, read directly vs. through `agent port-forward` (client ->
#        WebSocket -> control plane -> multiplexed relay stream -> agent -> TCP), ratio relay/direct (goal >= 0.5);
#   ssh: N MiB down and up with `ssh` through `agent proxy` vs. direct to the agent's SSH listener (goal >= 0.8).
# Measurements alternate direct/relay, so load from other processes hits both alike.
# Usage: bench/relay-throughput.sh [MiB] [runs]   (default 1024 MiB, 3 runs; the best run of each counts)
#   AGENT_BIN=/path/to/agent   use that binary instead of publishing NativeAOT here
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
mib=${1:-1024}
runs=${2:-3}

agent_binary

bytes=$((mib * 1024 * 1024))
head -c "$bytes" /dev/zero > "$work/blob"

# The source: every connection gets the blob with sendfile(), then the end of data.
source_port=$(free_port)
python3 - "$source_port" "$work/blob" <<'PY' &
import socket, sys, threading
server = socket.create_server(("127.0.0.1", int(sys.argv[1])))
def serve(conn):
    try:
        with conn, open(sys.argv[2], "rb") as blob:
            conn.sendfile(blob)
            conn.shutdown(socket.SHUT_WR)
            conn.recv(1)
    except OSError:
        pass  # a probe (wait_port) that hung up at once
while True:
    conn, _ = server.accept()
    threading.Thread(target=serve, args=(conn,), daemon=True).start()
PY
# The sink: reads a port to its end, prints the byte count.
cat > "$work/sink.py" <<'PY'
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
buffer = bytearray(1 << 20); view = memoryview(buffer); total = 0
while True:
    n = s.recv_into(view)
    if n == 0: break
    total += n
print(total)
PY

client_key
ssh_port=$(free_port); plane_port=$(free_port); forward_port=$(free_port)
token=$(python3 -c 'import uuid; print(uuid.uuid4())')
cat > "$work/workspace.json" <<JSON
{"user_tokens":["bench"],"agents":[{"name":"main","token":"$token","manifest":{}}]}
JSON
env -i HOME="$HOME" PATH="$PATH" USER="$(id -un)" LOGNAME="$(id -un)" SHELL="${SHELL:-/bin/sh}" LANG="${LANG:-C.UTF-8}" \
  XDG_DATA_HOME="$work/data" "$agent" dev --workspace "$work/workspace.json" --address "127.0.0.1:$plane_port" \
  --ssh-address "127.0.0.1:$ssh_port" --authorized-keys "$work/authorized_keys" \
  --log-dir "$work/logs" --log-level Warning >"$work/agent.out" 2>"$work/agent.log" &
wait_port "$ssh_port"; wait_port "$source_port"
url="http://127.0.0.1:$plane_port"
until curl -sf -H 'Coder-Session-Token: bench' "$url/api/v2/workspaceagents/main" | grep -q '"relay":"connected"'; do sleep 0.1; done
"$agent" port-forward --url "$url" --token bench --agent main --tcp "$forward_port:$source_port" >"$work/forward.log" 2>&1 &
wait_port "$forward_port"

# Seconds one transfer takes; the byte count is checked so a failed transfer cannot look fast.
tcp() {
  local port=$1 t0 t1 got
  t0=$(now); got=$(python3 "$work/sink.py" "$port"); t1=$(now)
  [ "$got" -eq "$bytes" ] || { echo "tcp via port $port moved $got bytes, not $bytes" >&2; exit 1; }
  echo "($t1 - $t0) / 1000000000" | bc -l
}
ssh_opts=(-F /dev/null -i "$work/client" -o IdentitiesOnly=yes -o BatchMode=yes -o StrictHostKeyChecking=no
  -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR -o Ciphers=aes128-gcm@openssh.com)
sshc() {
  if [ "$1" = direct ]; then shift; ssh "${ssh_opts[@]}" -p "$ssh_port" "$(id -un)@127.0.0.1" "$@"
  else shift; ssh "${ssh_opts[@]}" -o ProxyCommand="$agent proxy --url $url --token bench --agent main" agent.main "$@"; fi
}

echo "$mib MiB per transfer, best of $runs; MiB/s direct and through the relay, ratio relay/direct (>1 faster)"
printf '%-10s %10s %10s %7s\n' test direct relay ratio
report() {
  local name=$1 d r
  d=$(best < "$work/$name-direct"); r=$(best < "$work/$name-relay")
  printf '%-10s %10.0f %10.0f %7.2f\n' "$name" "$(echo "$mib / $d" | bc -l)" "$(echo "$mib / $r" | bc -l)" "$(echo "$d / $r" | bc -l)"
}
for _ in $(seq 1 "$runs"); do
  tcp "$source_port" >> "$work/tcp-direct"; tcp "$forward_port" >> "$work/tcp-relay"
done
report tcp
for what in down up; do
  for _ in $(seq 1 "$runs"); do
    sshx direct "$what" >> "$work/ssh-$what-direct"; sshx relay "$what" >> "$work/ssh-$what-relay"
  done
  report "ssh-$what"
done
