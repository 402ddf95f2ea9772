#!/usr/bin/env bash
# Shared by the bench scripts (sourced, not run): a work directory removed on exit with every background job, the
# agent binary to measure, loopback port helpers, statistics. Run from the checkout's root.

work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"' EXIT

# $agent: AGENT_BIN when set, else a NativeAOT publish made here.
agent_binary() {
  if [ -n "${AGENT_BIN:-}" ]; then
    agent=$AGENT_BIN
  else
    echo "publishing the agent (Release, NativeAOT)..." >&2
    dotnet publish Agent.Runtime -c Release -r linux-x64 -p:PublishAot=true -o "$work/aot" -v q -nologo >/dev/null
    agent=$work/aot/agent
  fi
}

require_sshd() {
  sshd=$(command -v sshd || echo /usr/sbin/sshd)
  if [ ! -x "$sshd" ]; then
    echo "sshd not found: install OpenSSH's server first:  apt-get install -y openssh-server" >&2
    exit 1
  fi
}

# $work/client and $work/authorized_keys: one ed25519 client key every server here accepts.
client_key() {
  ssh-keygen -q -t ed25519 -N '' -f "$work/client" </dev/null
  cp "$work/client.pub" "$work/authorized_keys"
}

# OpenSSH's sshd (after require_sshd) on a free loopback port, $sshd_port: its own ed25519 host key, the client key
# of client_key, Debian's sftp-server as shipped.
start_sshd() {
  ssh-keygen -q -t ed25519 -N '' -f "$work/sshd_host_ed25519" </dev/null
  mkdir -p /run/sshd
  sshd_port=$(free_port)
  cat > "$work/sshd_config" <<CONF
ListenAddress 127.0.0.1:$sshd_port
HostKey $work/sshd_host_ed25519
PidFile $work/sshd.pid
AuthorizedKeysFile $work/authorized_keys
UsePAM no
StrictModes no
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
PrintMotd no
UseDNS no
Subsystem sftp /usr/lib/openssh/sftp-server
CONF
  "$sshd" -D -e -f "$work/sshd_config" 2>"$work/sshd.log" &
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() { until python3 -c 'import socket,sys; socket.create_connection(("127.0.0.1",int(sys.argv[1])),1)' "$1" 2>/dev/null; do sleep 0.05; done; }
now() { date +%s%N; }
# Seconds one ssh transfer of $bytes takes, down or up, through the caller's `sshc HOW CMD...`; the byte count is checked
# so a failed transfer cannot look fast.
sshx() {
  local how=$1 what=$2 t0 t1 got
  t0=$(now)
  case $what in
    down) got=$(sshc "$how" "head -c $bytes /dev/zero" | wc -c) ;;
    up) got=$(head -c "$bytes" /dev/zero | sshc "$how" 'wc -c') ;;
  esac
  t1=$(now)
  [ "$got" -eq "$bytes" ] || { echo "ssh $what via $how moved $got bytes, not $bytes" >&2; exit 1; }
  echo "($t1 - $t0) / 1000000000" | bc -l
}
best() { sort -g | head -1; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
p99() { sort -n | awk '{a[NR]=$1} END {i=int(NR*0.99); if (i<1) i=1; print a[i]}'; }
