#!/usr/bin/env python3
# The control plane's budgets against `agent server` on loopback. Not a test: it prints what it saw.
#   rss N:  one /events reader that stops reading (4 KiB receive buffer) while N metadata values of 32 KiB are
#           posted with the agent token; prints the control plane's RSS before and after.
#   half:   1100 connections from 127.0.0.2 that send half a request's headers and stall; then a real curl with the
#           user token from 127.0.0.1.
# usage: bench/control-plane-budgets.py "AGENT_CMD" PORT rss 3000 | half
#   AGENT_CMD e.g. "dotnet Agent.Runtime/bin/Release/net10.0/agent.dll" (main's build for the "before" figure)
import http.client, json, os, secrets, shlex, shutil, socket, subprocess, sys, tempfile, time, uuid

agent, port, mode = shlex.split(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
user, agent_token = secrets.token_urlsafe(32), str(uuid.uuid4())
work = tempfile.mkdtemp()
workspace = os.path.join(work, "ws.json")
metadata = [{"key": k, "display_name": k, "script": "true", "interval": 1, "timeout": 1} for k in ("k0", "k1")]
json.dump({"user_tokens": [user], "agents": [{"name": "main", "token": agent_token, "manifest": {"metadata": metadata}}]}, open(workspace, "w"))
# The control plane's database goes to the temporary directory (XDG_DATA_HOME: older binaries have no --data-dir).
server = subprocess.Popen(agent + ["server", "--address", f"127.0.0.1:{port}", "--workspace", workspace], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                          env={**os.environ, "XDG_DATA_HOME": os.path.join(work, "data")})

def rss_mib():
    for line in open(f"/proc/{server.pid}/status"):
        if line.startswith("VmRSS"):
            return int(line.split()[1]) // 1024

try:
    for _ in range(300):
        try:
            socket.create_connection(("127.0.0.1", port)).close()
            break
        except OSError:
            time.sleep(0.1)
    if mode == "rss":
        reader = socket.socket()
        reader.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        reader.connect(("127.0.0.1", port))
        reader.sendall(f"GET /api/v2/workspaceagents/main/events HTTP/1.1\r\nHost: 127.0.0.1\r\nCoder-Session-Token: {user}\r\n\r\n".encode())
        time.sleep(1)
        before = rss_mib()
        posts = int(sys.argv[4]) if len(sys.argv) > 4 else 3000
        body = json.dumps({"collected_at": "2023-06-06T12:00:00Z", "age": 0, "value": "x" * 32768, "error": ""})
        client = http.client.HTTPConnection("127.0.0.1", port)
        started = time.time()
        for i in range(posts):
            client.request("POST", f"/api/v2/workspaceagents/me/metadata/k{i % 2}", body, {"Coder-Session-Token": agent_token, "Content-Type": "application/json"})
            client.getresponse().read()
        time.sleep(2)
        print(f"{posts} metadata posts of 32 KiB in {time.time() - started:.1f} s with a stalled /events reader: control plane RSS {before} -> {rss_mib()} MiB")
    else:
        held, sent = [], 0
        for _ in range(1100):
            s = socket.socket()
            s.bind(("127.0.0.2", 0))
            try:
                s.connect(("127.0.0.1", port))
                s.sendall(b"GET /api/v2/workspaceagents HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Half: ")
                sent += 1
            except OSError:
                pass
            held.append(s)
        curl = subprocess.run(["curl", "-sS", "--noproxy", "*", "--max-time", "15", "-o", "/dev/null", "-w", "%{http_code}", "-H", f"Coder-Session-Token: {user}",
                               f"http://127.0.0.1:{port}/api/v2/workspaceagents/main"], capture_output=True, text=True)
        print(f"1100 half-sent requests from 127.0.0.2 ({sent} sent); curl from 127.0.0.1: exit {curl.returncode}, HTTP {curl.stdout} {curl.stderr.strip()}")
finally:
    server.kill()
    server.wait()
    shutil.rmtree(work, ignore_errors=True)
