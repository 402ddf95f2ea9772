#!/usr/bin/env bash
# SSH throughput and connect time of the agent's SSH server against OpenSSH's sshd, both on loopback, same
# `ssh`/`sftp` client, same client key, same key exchange. Per cipher: N MiB down and up through exec
# (`head -c N /dev/zero`, `cat > /dev/null`), N MiB down and up with sftp, and `ssh host true` 30 times.
# Prints our throughput as a ratio of sshd's (>1 = faster) and our median connect time as a ratio of sshd's (<1 = faster).
# Measurements alternate sshd/agent, so load from other processes hits both alike.
# Usage: bench/ssh-throughput.sh [MiB]   (default 1024)
#   AGENT_BIN=/path/to/agent   use that binary instead of publishing NativeAOT here
#   CIPHERS="aes128-gcm@openssh.com ..."   a subset of the ciphers
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
mib=${1:-1024}
connects=30
require_sshd

agent_binary

# One client key for both servers; each server its own ed25519 host key.
client_key
start_sshd

# Our agent: `agent dev` (control plane + agent) with an SSH listener; its own data dir (host keys) and logs.
agent_port=$(free_port); plane_port=$(free_port)
token=$(python3 -c 'import uuid; print(uuid.uuid4())')
cat > "$work/workspace.json" <<JSON
{"user_tokens":["bench"],"agents":[{"name":"main","token":"$token","manifest":{}}]}
JSON
# A clean environment, as a service manager gives it: sessions inherit the agent's environment, and an inherited
# SHLVL>=1 would stop bash from reading ~/.bashrc for `ssh host cmd` (which it does under sshd), skewing connect times.
env -i HOME="$HOME" PATH="$PATH" USER="$(id -un)" LOGNAME="$(id -un)" SHELL="${SHELL:-/bin/sh}" LANG="${LANG:-C.UTF-8}" \
  XDG_DATA_HOME="$work/data" "$agent" dev --workspace "$work/workspace.json" --address "127.0.0.1:$plane_port" \
  --ssh-address "127.0.0.1:$agent_port" --authorized-keys "$work/authorized_keys" \
  --log-dir "$work/logs" --log-level Warning >"$work/agent.out" 2>"$work/agent.log" &
wait_port "$sshd_port"; wait_port "$agent_port"

client_opts=(-F /dev/null -i "$work/client" -o IdentitiesOnly=yes -o BatchMode=yes -o StrictHostKeyChecking=no
  -o UserKnownHostsFile=/dev/null -o MACs=hmac-sha2-256-etm@openssh.com)
port_of() { if [ "$1" = sshd ]; then echo "$sshd_port"; else echo "$agent_port"; fi; }
sshc() { local server=$1 cipher=$2; shift 2; ssh "${client_opts[@]}" -o LogLevel="${SSH_LOG_LEVEL:-ERROR}" -o Ciphers="$cipher" -p "$(port_of "$server")" "$(id -un)@127.0.0.1" "$@"; }
sftpc() { local server=$1 cipher=$2; shift 2; sftp -q "${client_opts[@]}" -o LogLevel=ERROR -o Ciphers="$cipher" -P "$(port_of "$server")" -b - "$(id -un)@127.0.0.1" "$@" >/dev/null; }

bytes=$((mib * 1024 * 1024))
head -c "$bytes" /dev/zero > "$work/blob"   # for sftp put (page cache) and get (read by the server)

# Seconds one transfer takes; the output is checked (byte count) so a failed transfer cannot look fast.
transfer() {
  local what=$1 server=$2 cipher=$3 t0 t1 got
  t0=$(now)
  case $what in
    down) got=$(sshc "$server" "$cipher" "head -c $bytes /dev/zero" | wc -c) ;;
    up) got=$(head -c "$bytes" /dev/zero | sshc "$server" "$cipher" 'wc -c') ;;
    sftp-get) sftpc "$server" "$cipher" <<< "get $work/blob /dev/null"; got=$bytes ;;
    sftp-put) sftpc "$server" "$cipher" <<< "put $work/blob /dev/null"; got=$bytes ;;
  esac
  t1=$(now)
  [ "$got" -eq "$bytes" ] || { echo "$what via $server/$cipher moved $got bytes, not $bytes" >&2; exit 1; }
  echo "($t1 - $t0) / 1000000000" | bc -l
}

connect_ms() {
  local server=$1 cipher=$2 t0 t1
  t0=$(now); sshc "$server" "$cipher" true; t1=$(now)
  echo $(( (t1 - t0) / 1000 ))   # microseconds
}

ciphers=${CIPHERS:-"chacha20-poly1305@openssh.com aes128-gcm@openssh.com aes256-gcm@openssh.com aes128-ctr"}
echo "$mib MiB each way; MiB/s for sshd and agent, ratio = agent/sshd throughput (>1 better); connect = median of $connects \`ssh host true\`, ratio agent/sshd (<1 better)"
for server in sshd agent; do
  echo "$server: $(sshc "$server" aes128-gcm@openssh.com 'echo "SHLVL=$SHLVL,"') $(SSH_LOG_LEVEL=DEBUG1 sshc "$server" aes128-gcm@openssh.com true 2>&1 | grep -E -o 'kex: algorithm: .*|kex: host key algorithm: .*' | tr '\n' ' ')"
done
printf '%-30s %-9s %10s %10s %7s\n' cipher test sshd agent ratio
for cipher in $ciphers; do
  for what in down up sftp-get sftp-put; do
    s=$(transfer "$what" sshd "$cipher"); a=$(transfer "$what" agent "$cipher")
    printf '%-30s %-9s %10.0f %10.0f %7.2f\n' "$cipher" "$what" "$(echo "$mib / $s" | bc -l)" "$(echo "$mib / $a" | bc -l)" "$(echo "$s / $a" | bc -l)"
  done
  : > "$work/c-sshd"; : > "$work/c-agent"
  for _ in $(seq 1 "$connects"); do
    connect_ms sshd "$cipher" >> "$work/c-sshd"; connect_ms agent "$cipher" >> "$work/c-agent"
  done
  cs=$(median < "$work/c-sshd"); ca=$(median < "$work/c-agent")
  printf '%-30s %-9s %8.1fms %8.1fms %7.2f\n' "$cipher" connect "$(echo "$cs / 1000" | bc -l)" "$(echo "$ca / 1000" | bc -l)" "$(echo "$ca / $cs" | bc -l)"
done
