#!/usr/bin/env python3
# Used by bench/ssh-preauth.sh. Opens N silent TCP connections from SOURCE to the SSH port, waits 2 s, counts how many the server still holds open.
import sys, socket, time, select
port, source, n = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
socks = []
for i in range(n):
    s = socket.socket(); s.bind((source, 0))
    try:
        s.connect(("127.0.0.1", port)); socks.append(s)
    except OSError as e:
        s.close()
time.sleep(2)
held = 0
for s in socks:
    s.setblocking(False)
    try:
        while True:
            d = s.recv(4096)
            if d == b"": break
    except BlockingIOError:
        held += 1; continue
    except OSError:
        pass
print(f"{source}: {len(socks)} connected, {held} still held open by the server after 2 s", flush=True)
sys.stdin.readline()
