#!/usr/bin/env python3
"""What one SSH connection can make the agent hold: descriptors and memory.

Usage: bench/ssh-channel-budgets.py 'dotnet path/to/agent.dll'   (or a NativeAOT 'path/to/agent')

Starts an OpenSSH control master whose ProxyCommand is `AGENT ssh-server --inetd` (one agent process for the one
connection), then through that single connection:
  1. opens 80 SFTP channels (`ssh -S ctl -s host sftp`); each opens one file up to 256 times; prints how many
     channels and handles the agent granted and how many descriptors it holds (/proc/<pid>/fd);
  2. (a fresh master) starts 10 sessions running `sleep` whose stdin is fed from /dev/zero, and prints the agent's
     RSS growth after 5 s: the input it buffers for children that never read.
"""
import os, signal, struct, subprocess, sys, tempfile, threading, time

agent = sys.argv[1]
work = tempfile.mkdtemp()
subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", f"{work}/id"], check=True)
os.rename(f"{work}/id.pub", f"{work}/authorized_keys")
os.mkdir(f"{work}/hostkeys")
target = open(f"{work}/file", "w"); target.write("x"); target.close()
children = []


def master(name):
    control = f"{work}/{name}"
    proxy = f"{agent} ssh-server --inetd --log-level Error --host-key-dir {work}/hostkeys --authorized-keys {work}/authorized_keys"
    p = subprocess.Popen(["ssh", "-F", "/dev/null", "-i", f"{work}/id", "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes",
                          "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR",
                          "-o", f"ProxyCommand={proxy}", "-N", "-M", "-S", control, "workspace"], stderr=subprocess.DEVNULL)
    children.append(p)
    while not os.path.exists(control):
        time.sleep(0.05)
    pid = next(int(d) for d in os.listdir("/proc") if d.isdigit() and _ppid(d) == p.pid)
    return control, pid


def _ppid(pid):
    try:
        stat = open(f"/proc/{pid}/stat").read()
        return int(stat[stat.rindex(")") + 2:].split()[1])
    except OSError:
        return None


def packet(kind, body):
    return struct.pack(">IB", len(body) + 1, kind) + body


def read_packet(stream):
    header = stream.read(4)
    if len(header) < 4:
        return None, b""
    body = stream.read(struct.unpack(">I", header)[0])
    return body[0], body[1:]


def fds(pid):
    return len(os.listdir(f"/proc/{pid}/fd"))


def rss_kib(pid):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1])


try:
    control, pid = master("ctl-sftp")
    before = fds(pid)
    channels, handles = 0, 0
    path = f"{work}/file".encode()
    for _ in range(80):
        p = subprocess.Popen(["ssh", "-F", "/dev/null", "-S", control, "-s", "workspace", "sftp"],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        children.append(p)
        p.stdin.write(packet(1, struct.pack(">I", 3))); p.stdin.flush()
        kind, _ = read_packet(p.stdout)
        if kind != 2:
            continue
        channels += 1
        opens = b"".join(packet(3, struct.pack(">II", i, len(path)) + path + struct.pack(">II", 1, 0)) for i in range(256))
        p.stdin.write(opens); p.stdin.flush()
        for _ in range(256):
            kind, _ = read_packet(p.stdout)
            handles += kind == 102
    print(f"sftp: {channels} of 80 channels opened, {handles} handles granted, agent descriptors {before} -> {fds(pid)}")

    control, pid = master("ctl-sessions")
    sessions = [subprocess.Popen(["ssh", "-F", "/dev/null", "-S", control, "workspace", "echo started; exec sleep 60"],
                                 stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL) for _ in range(10)]
    children.extend(sessions)
    for s in sessions:
        s.stdout.readline()
    time.sleep(1)
    idle = rss_kib(pid)

    def feed(stream):
        zeros = bytes(64 * 1024)
        try:
            while True:
                stream.write(zeros)
        except (BrokenPipeError, ValueError, OSError):
            pass

    for s in sessions:
        threading.Thread(target=feed, args=(s.stdin,), daemon=True).start()
    time.sleep(5)
    print(f"sessions: agent RSS {idle // 1024} MiB with 10 idle sessions, {rss_kib(pid) // 1024} MiB after 5 s of /dev/zero into each (the child never reads)")
finally:
    for c in children:
        if c.poll() is None:
            c.send_signal(signal.SIGTERM)
    for c in children:
        try:
            c.wait(5)
        except subprocess.TimeoutExpired:
            c.kill()
    subprocess.run(["rm", "-rf", work])
