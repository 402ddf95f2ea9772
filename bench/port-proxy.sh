#!/usr/bin/env bash
# Download throughput of the dashboard's port proxy (http://PORT--main.localhost:PLANE/, curl with a user token in
# Coder-Session-Token) against curl straight to the same HTTP server on loopback, and, for reference, through
# `agent port-forward` (the relay without the proxy's HTTP hop). Runs `agent dev`; the server answers every GET with
# N MiB (sendfile). Measurements alternate, so load from other processes hits all alike.
# Usage: bench/port-proxy.sh [MiB] [runs]   (default 512 MiB, 3 runs; the best run of each counts)
#   AGENT_BIN=/path/to/agent   use that binary instead of publishing NativeAOT here
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
mib=${1:-512}
runs=${2:-3}

agent_binary

bytes=$((mib * 1024 * 1024))
head -c "$bytes" /dev/zero > "$work/blob"
source_port=$(free_port)
python3 - "$source_port" "$work/blob" "$bytes" <<'PY' &
import socket, sys, threading
server = socket.create_server(("127.0.0.1", int(sys.argv[1])))
head = b"HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: %d\r\nConnection: close\r\n\r\n" % int(sys.argv[3])
def serve(conn):
    try:
        with conn, open(sys.argv[2], "rb") as blob:
            request = b""
            while b"\r\n\r\n" not in request:
                chunk = conn.recv(65536)
                if not chunk: return
                request += chunk
            conn.sendall(head)
            if not request.startswith(b"HEAD"):
                conn.sendfile(blob)
            conn.shutdown(socket.SHUT_WR)
    except OSError:
        pass
while True:
    conn, _ = server.accept()
    threading.Thread(target=serve, args=(conn,), daemon=True).start()
PY

plane_port=$(free_port); forward_port=$(free_port)
token=$(python3 -c 'import uuid; print(uuid.uuid4())')
cat > "$work/workspace.json" <<JSON
{"user_tokens":["bench"],"agents":[{"name":"main","token":"$token","manifest":{}}]}
JSON
env -i HOME="$HOME" PATH="$PATH" USER="$(id -un)" LOGNAME="$(id -un)" SHELL="${SHELL:-/bin/sh}" LANG="${LANG:-C.UTF-8}" \
  XDG_DATA_HOME="$work/data" "$agent" dev --workspace "$work/workspace.json" --address "127.0.0.1:$plane_port" \
  --data-dir "$work/data" --log-dir "$work/logs" --log-level Warning >"$work/agent.out" 2>"$work/agent.log" &
wait_port "$source_port"
url="http://127.0.0.1:$plane_port"
until curl -sf -H 'Coder-Session-Token: bench' "$url/api/v2/workspaceagents/main" | grep -q '"relay":"connected"'; do sleep 0.1; done
"$agent" port-forward --url "$url" --token bench --agent main --tcp "$forward_port:$source_port" >"$work/forward.log" 2>&1 &
wait_port "$forward_port"

# Seconds one download takes; status and byte count are checked so a failed transfer cannot look fast.
get() {
  local target=$1 out
  out=$(curl -s -o /dev/null -H 'Coder-Session-Token: bench' -w '%{http_code} %{size_download} %{time_total}' "$target")
  set -- $out
  [ "$1" = 200 ] && [ "$2" -eq "$bytes" ] || { echo "$target: HTTP $1, $2 bytes, not $bytes" >&2; exit 1; }
  echo "$3"
}

# A binary from before the proxy answers its host names with the dashboard's 404: measure the other two only.
paths="direct proxy forward"
probe=$(curl -s -o /dev/null -I -H 'Coder-Session-Token: bench' -w '%{http_code}' "http://$source_port--main.localhost:$plane_port/")
[ "$probe" = 200 ] || { echo "no port proxy in this binary (HTTP $probe): direct and port-forward only"; paths="direct forward"; }

echo "$mib MiB per download, best of $runs; MiB/s, ratio to direct"
printf '%-14s %10s %7s\n' path MiB/s ratio
for _ in $(seq 1 "$runs"); do
  get "http://127.0.0.1:$source_port/" >> "$work/direct"
  case $paths in *proxy*) get "http://$source_port--main.localhost:$plane_port/" >> "$work/proxy" ;; esac
  get "http://127.0.0.1:$forward_port/" >> "$work/forward"
done
d=$(best < "$work/direct")
for name in $paths; do
  t=$(best < "$work/$name")
  printf '%-14s %10.0f %7.2f\n' "$name" "$(echo "$mib / $t" | bc -l)" "$(echo "$d / $t" | bc -l)"
done
