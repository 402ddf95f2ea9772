#!/usr/bin/env python3
# What the control plane's database costs a report: N lifecycle posts, N log batches (10 lines each), N metadata posts and
# N stats reports from one agent, one after another on one keep-alive connection; prints p50/p99 per kind, the
# database's size, and the lifecycle reports a restart (SIGTERM, start again on the same data) still answers.
# Not a test: it prints what it saw.
# usage: bench/control-plane-writes.py "AGENT_CMD" PORT [N]
#   AGENT_CMD e.g. /tmp/aot/agent (main's build for the "before" figure; its state lives in memory only)
import http.client, json, os, shlex, shutil, socket, subprocess, sys, tempfile, time, uuid

agent, port = shlex.split(sys.argv[1]), int(sys.argv[2])
count = int(sys.argv[3]) if len(sys.argv) > 3 else 500
user, token = "bench-user-token-0123456789", str(uuid.uuid4())
work = tempfile.mkdtemp()
workspace = os.path.join(work, "ws.json")
metadata = [{"key": "cpu", "display_name": "cpu", "script": "true", "interval": 1, "timeout": 1}]
json.dump({"user_tokens": [user], "agents": [{"name": "main", "token": token, "manifest": {"metadata": metadata}}]}, open(workspace, "w"))
# XDG_DATA_HOME keeps the database in the temporary directory (older binaries have no --data-dir).
environment = {**os.environ, "XDG_DATA_HOME": os.path.join(work, "data")}


def start():
    server = subprocess.Popen(agent + ["server", "--address", f"127.0.0.1:{port}", "--workspace", workspace],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=environment)
    for _ in range(300):
        try:
            socket.create_connection(("127.0.0.1", port)).close()
            return server
        except OSError:
            time.sleep(0.1)
    raise SystemExit("the control plane did not listen")


def timed(connection, method, path, body):
    started = time.perf_counter()
    connection.request(method, path, json.dumps(body), {"Coder-Session-Token": token, "Content-Type": "application/json"})
    response = connection.getresponse()
    response.read()
    if response.status >= 300:
        raise SystemExit(f"{method} {path}: HTTP {response.status}")
    return (time.perf_counter() - started) * 1000


def percentiles(samples):
    samples = sorted(samples)
    return samples[len(samples) // 2], samples[min(len(samples) - 1, int(len(samples) * 0.99))]


server = start()
try:
    connection = http.client.HTTPConnection("127.0.0.1", port)
    me = "/api/v2/workspaceagents/me"
    kinds = {
        "lifecycle": [timed(connection, "POST", f"{me}/report-lifecycle", {"state": ["starting", "ready"][i % 2], "changed_at": f"2023-06-06T12:00:00.{i:06d}Z"}) for i in range(count)],
        "logs x10": [timed(connection, "PATCH", f"{me}/startup-logs", {"logs": [{"created_at": f"2023-06-06T12:00:00.{i:06d}Z", "output": f"line {i}-{j}", "level": "info"} for j in range(10)]}) for i in range(count)],
        "metadata": [timed(connection, "POST", f"{me}/metadata/cpu", {"collected_at": "2023-06-06T12:00:00Z", "age": 0, "value": str(i), "error": ""}) for i in range(count)],
        "stats": [timed(connection, "POST", f"{me}/report-stats", {"connections_by_proto": {"ssh": 1}, "connection_count": i}) for i in range(count)],
    }
    for kind, samples in kinds.items():
        p50, p99 = percentiles(samples)
        print(f"{kind:10} n={count}  p50 {p50:.2f} ms  p99 {p99:.2f} ms")
    connection.close()
finally:
    server.terminate()
    server.wait()

size = sum(os.path.getsize(os.path.join(folder, name)) for folder, _, names in os.walk(os.path.join(work, "data")) for name in names)
print(f"database files after a graceful stop: {size // 1024} KiB")
server = start()
try:
    connection = http.client.HTTPConnection("127.0.0.1", port)
    connection.request("GET", "/api/v2/workspaceagents/main/lifecycle", headers={"Coder-Session-Token": user})
    kept = len(json.loads(connection.getresponse().read()))
    connection.request("GET", "/api/v2/workspaceagents/main/startup-logs", headers={"Coder-Session-Token": user})
    lines = len(json.loads(connection.getresponse().read()))
    print(f"after a restart: {kept} lifecycle reports, {lines} log lines")
finally:
    server.terminate()
    server.wait()
    shutil.rmtree(work, ignore_errors=True)
