#!/usr/bin/env bash
# A simulated fleet against one `agent server` (bench/fleet, a console tool outside Agent.sln): N agents at Coder's
# intervals, each holding its relay WebSocket (yamux, pings every 15 s, the control plane's event stream on port 4
# answered and held), polling its manifest and posting two metadata items every 10 s and stats every 30 s, after
# startup, lifecycle (starting, ready) and 3 log lines. Agents start at 100 a second; after a 15 s settle the tool
# measures SECONDS and prints p50/p99 latency per kind, reports per second, refused/failed requests and connections,
# the control plane's CPU (% of a core, /proc) and RSS (total and per connected agent); this script adds the
# database's size. Loopback only; leaves no process behind.
# Usage: bench/fleet.sh N [SECONDS] [--database URL | --postgres] [--replicas K]  (default 60 s; SQLite in a temporary data dir)
#   --postgres starts a private PostgreSQL cluster (Debian's initdb/pg_ctl, as nobody when root, Unix socket only)
#   --replicas K starts K `agent server` replicas of that PostgreSQL database: agent i on replica i mod K, the user's
#   listing on the last; CPU and RSS are the replicas' sum
#   AGENT_BIN=path skips the NativeAOT publish.
#        bench/fleet.sh N [SECONDS] --url A,B --workspace FILE [--pids P1,P2]
#   drives control planes already running (e.g. two replicas of one PostgreSQL database, each started with
#   --workspace FILE): agent i goes to URL i mod n, the user's listing at the end to the last URL; CPU and RSS are
#   summed over the PIDs given (none: not measured). FILE must hold at least N agents; make one with
#   `bench/fleet/bin/Release/net10.0/FleetLoad gen N FILE` (after one run of this script, or `dotnet build bench/fleet -c Release`).
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:?usage: bench/fleet.sh N [SECONDS] [--database URL | --postgres | --url A,B --workspace FILE [--pids P1,P2]]}
shift
seconds=60
if [ $# -gt 0 ] && [[ $1 != --* ]]; then seconds=$1; shift; fi
database= postgres= urls= given_workspace= pids= replicas=1
while [ $# -gt 0 ]; do
  case $1 in
    --database) database=$2; shift 2 ;;
    --postgres) postgres=1; shift ;;
    --url) urls=$2; shift 2 ;;
    --workspace) given_workspace=$2; shift 2 ;;
    --pids) pids=$2; shift 2 ;;
    --replicas) replicas=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
if [ -n "$urls" ] && { [ -z "$given_workspace" ] || [ -n "$database$postgres" ]; }; then
  echo "--url needs --workspace FILE (the control planes' own) and takes no --database or --postgres" >&2; exit 2
fi
if [ "$replicas" -gt 1 ] && [ -z "$postgres" ] && [[ $database != postgres* ]]; then
  echo "--replicas needs --postgres or --database postgres://...: replicas share a PostgreSQL database" >&2; exit 2
fi
source bench/lib.sh
pg_stop=
trap 'kill $(jobs -p) 2>/dev/null || true; wait 2>/dev/null || true; [ -z "$pg_stop" ] || $pg_stop >/dev/null 2>&1 || true; rm -rf "$work"' EXIT

# Each agent holds two connections (relay, HTTP) on both ends: 4 descriptors per agent on this machine.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt $((n * 2 + 1024)) ]; then
  ulimit -Hn $((n * 2 + 4096)) 2>/dev/null && ulimit -n $((n * 2 + 4096)) || echo "warning: ulimit -n is $(ulimit -n), below $((n * 2 + 1024))" >&2
fi

echo "building the load generator..." >&2
dotnet build bench/fleet -c Release -v q -nologo >/dev/null
fleet=bench/fleet/bin/Release/net10.0/FleetLoad
if [ -n "$urls" ]; then
  # Control planes already running: the first N agents of their workspace file.
  python3 - "$given_workspace" "$n" "$work/workspace.json" <<'PY'
import json, sys
workspace = json.load(open(sys.argv[1]))
n = int(sys.argv[2])
if len(workspace["agents"]) < n:
    sys.exit(f"{sys.argv[1]} holds {len(workspace['agents'])} agents, fewer than {n}")
workspace["agents"] = workspace["agents"][:n]
json.dump(workspace, open(sys.argv[3], "w"))
PY
  echo "driving $urls with $n agents of $given_workspace; measuring pids ${pids:-none}; ulimit -n $(ulimit -n)"
  "$fleet" run "$urls" "$work/workspace.json" "$seconds" "${pids:--}"
  exit 0
fi
agent_binary
"$fleet" gen "$n" "$work/workspace.json" || { echo "the workspace file does not fit the control plane's cap" >&2; exit 1; }

if [ -n "$postgres" ]; then
  bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
  pg=$work/pg; mkdir -p "$pg"
  as=()
  if [ "$(id -u)" = 0 ]; then chown nobody:nogroup "$pg"; chmod 755 "$work"; as=(setpriv --reuid nobody --regid nogroup --clear-groups); fi
  "${as[@]}" "$bin/initdb" -D "$pg/data" -A trust -U postgres -E UTF8 --locale=C.UTF-8 >/dev/null
  "${as[@]}" "$bin/pg_ctl" -D "$pg/data" -l "$pg/log" -w -s -o "-c listen_addresses='' -k $pg -c max_connections=$((replicas * 110 + 20))" start
  pg_stop="${as[*]} $bin/pg_ctl -D $pg/data -m fast -w -s stop"
  "${as[@]}" "$bin/createdb" -h "$pg" -U postgres fleet
  database="postgres://postgres@/fleet?host=$pg"
fi

if [ -n "$database" ]; then store=(--database "$database"); else store=(--data-dir "$work/data"); fi
url= server=
for i in $(seq 1 "$replicas"); do
  port=$(free_port)
  "$agent" server --workspace "$work/workspace.json" --address "127.0.0.1:$port" "${store[@]}" >"$work/replica$i.log" 2>&1 &
  pid=$!
  until python3 -c 'import socket,sys; socket.create_connection(("127.0.0.1",int(sys.argv[1])),1)' "$port" 2>/dev/null; do
    kill -0 "$pid" 2>/dev/null || { echo "agent server $i exited before listening:" >&2; tail -20 "$work/replica$i.log" >&2; exit 1; }
    sleep 0.05
  done
  url=${url:+$url,}http://127.0.0.1:$port
  server=${server:+$server,}$pid
done
echo "agent server pid(s) $server on $url, ${store[*]}; ulimit -n $(ulimit -n)"

"$fleet" run "$url" "$work/workspace.json" "$seconds" "$server"
cat "$work"/replica*.log > "$work/server.log"

if [ -n "$postgres" ] || [[ $database == postgres* ]]; then
  size=$(psql "$database" -Atc "select pg_database_size(current_database())" 2>/dev/null || echo "?")
  echo "database size: $((size / 1024)) KiB (pg_database_size)"
else
  echo "database size: $(du -sk "$work/data" | cut -f1) KiB (control-plane.db with its -wal and -shm)"
fi
echo "server log: $(grep -c . "$work/server.log") lines, $(grep -i "warn\|error\|fail" "$work/server.log" | grep -vc "disconnected\|session ended") warnings/errors (not counting the fleet's exit); the last:"
grep -i "warn\|error\|fail" "$work/server.log" | grep -v "disconnected\|session ended" | tail -3 | cut -c1-240
