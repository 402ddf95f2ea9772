#!/usr/bin/env bash
# SSH throughput across a replica hop. Two `agent server` replicas A and B on one private PostgreSQL cluster (Debian's
# initdb/pg_ctl, as nobody when root, Unix socket only), `agent run --url A` with an SSH listener, then N MiB down and
# up with `ssh`:
#   direct: to the agent's SSH listener;
#   A:      through `agent proxy --url A` (A holds the relay: client -> WebSocket -> A -> relay stream -> agent);
#   B:      through `agent proxy --url B` (B does not hold it: client -> WebSocket -> B -> WebSocket -> A -> relay -> agent).
# Prints MiB/s and the ratios B/direct (goal >= 0.4) and B/A. Measurements alternate, so load from other processes
# hits all alike. Loopback only; leaves no process behind.
# Usage: bench/replica-throughput.sh [MiB] [runs]   (default 512 MiB, 3 runs; the best run of each counts)
#   AGENT_BIN=/path/to/agent   use that binary instead of publishing NativeAOT here
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
mib=${1:-512}
runs=${2:-3}
pg_stop=
trap 'kill $(jobs -p) 2>/dev/null || true; wait 2>/dev/null || true; [ -z "$pg_stop" ] || $pg_stop >/dev/null 2>&1 || true; rm -rf "$work"' EXIT

agent_binary
bytes=$((mib * 1024 * 1024))

bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
pg=$work/pg; mkdir -p "$pg"
as=()
if [ "$(id -u)" = 0 ]; then chown nobody:nogroup "$pg"; chmod 755 "$work"; as=(setpriv --reuid nobody --regid nogroup --clear-groups); fi
"${as[@]}" "$bin/initdb" -D "$pg/data" -A trust -U postgres -E UTF8 --locale=C.UTF-8 >/dev/null
"${as[@]}" "$bin/pg_ctl" -D "$pg/data" -l "$pg/log" -w -s -o "-c listen_addresses='' -k $pg" start
pg_stop="${as[*]} $bin/pg_ctl -D $pg/data -m fast -w -s stop"
"${as[@]}" "$bin/createdb" -h "$pg" -U postgres replicas
database="postgres://postgres@/replicas?host=$pg"

client_key
token=$(python3 -c 'import uuid; print(uuid.uuid4())')
cat > "$work/workspace.json" <<JSON
{"user_tokens":["bench"],"agents":[{"name":"main","token":"$token","manifest":{}}]}
JSON
port_a=$(free_port); port_b=$(free_port); ssh_port=$(free_port)
a=http://127.0.0.1:$port_a; b=http://127.0.0.1:$port_b
"$agent" server --workspace "$work/workspace.json" --address "127.0.0.1:$port_a" --database "$database" >"$work/a.log" 2>&1 &
wait_port "$port_a"
"$agent" server --workspace "$work/workspace.json" --address "127.0.0.1:$port_b" --database "$database" >"$work/b.log" 2>&1 &
wait_port "$port_b"
env -i HOME="$HOME" PATH="$PATH" USER="$(id -un)" LOGNAME="$(id -un)" SHELL="${SHELL:-/bin/sh}" LANG="${LANG:-C.UTF-8}" \
  "$agent" run --url "$a" --token "$token" --data-dir "$work/data" --log-dir "$work/logs" \
  --ssh-address "127.0.0.1:$ssh_port" --authorized-keys "$work/authorized_keys" --log-level Warning >"$work/agent.out" 2>"$work/agent.log" &
wait_port "$ssh_port"
until curl -sf -H 'Coder-Session-Token: bench' "$a/api/v2/workspaceagents/main" | grep -q '"relay":"connected"'; do sleep 0.1; done

ssh_opts=(-F /dev/null -i "$work/client" -o IdentitiesOnly=yes -o BatchMode=yes -o StrictHostKeyChecking=no
  -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR -o Ciphers=aes128-gcm@openssh.com)
until ssh "${ssh_opts[@]}" -o ProxyCommand="$agent proxy --url $b --token bench --agent main" agent.main true 2>"$work/probe.err"; do
  grep -q . "$work/probe.err" && { cat "$work/probe.err" >&2; sleep 0.5; }
done
sshc() {
  case $1 in
    direct) shift; ssh "${ssh_opts[@]}" -p "$ssh_port" "$(id -un)@127.0.0.1" "$@" ;;
    A) shift; ssh "${ssh_opts[@]}" -o ProxyCommand="$agent proxy --url $a --token bench --agent main" agent.main "$@" ;;
    B) shift; ssh "${ssh_opts[@]}" -o ProxyCommand="$agent proxy --url $b --token bench --agent main" agent.main "$@" ;;
  esac
}

echo "$mib MiB per transfer, best of $runs; MiB/s direct, through A (holds the relay), through B (forwards to A)"
printf '%-8s %9s %9s %9s %9s %7s\n' test direct A B B/direct B/A
for what in down up; do
  for _ in $(seq 1 "$runs"); do
    for how in direct A B; do sshx "$how" "$what" >> "$work/$what-$how"; done
  done
  d=$(best < "$work/$what-direct"); ra=$(best < "$work/$what-A"); rb=$(best < "$work/$what-B")
  printf '%-8s %9.0f %9.0f %9.0f %9.2f %7.2f\n' "$what" "$(echo "$mib / $d" | bc -l)" "$(echo "$mib / $ra" | bc -l)" \
    "$(echo "$mib / $rb" | bc -l)" "$(echo "$d / $rb" | bc -l)" "$(echo "$ra / $rb" | bc -l)"
done
echo "replica logs: A $(grep -ci "warn\|fail" "$work/a.log" || true) warnings, B $(grep -ci "warn\|fail" "$work/b.log" || true) warnings"
