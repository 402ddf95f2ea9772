"""Terminal client for bench/pty-throughput.sh: the same measurements through the agent's reconnecting-PTY WebSocket
or through `ssh -tt` (a child process whose stdin/stdout are pipes). Needs Debian's python3-websockets (10.x).

  pty-client.py throughput ws URL FILE      prints seconds from "go" to the end marker, and bytes received
  pty-client.py throughput ssh FILE -- SSH-ARGV...
  pty-client.py echo ws URL COUNT           prints one echo round trip per line, in microseconds
  pty-client.py echo ssh COUNT -- SSH-ARGV...

URL is the /pty WebSocket without `command`: this adds it. The remote side is a POSIX shell command; markers are
printed from two halves so that the command text itself never contains them.
"""
import asyncio
import json
import os
import shlex
import subprocess
import sys
import time
import urllib.parse

READY = b"BENCH_READY"
DONE = b"BENCH_DONE"


def throughput_command(path):
    return ("stty -echo; printf '%s%s%s\\n' BENCH_ RE ADY; read -r x; cat " + shlex.quote(path)
            + "; printf '%s%s%s\\n' BENCH_ DO NE")


ECHO_COMMAND = "stty raw -echo; printf '%s%s%s\\n' BENCH_ RE ADY; exec cat"


class Ws:
    """The reconnecting PTY over a WebSocket: JSON {"data"} messages in, raw output out."""

    def __init__(self, url, command):
        self.url = url + "&command=" + urllib.parse.quote(command)
        self.socket = None

    async def open(self):
        import websockets  # imported here so the ssh mode works without it
        self.socket = await websockets.connect(self.url, max_size=None, compression=None, ping_interval=None)

    async def send(self, text):
        await self.socket.send(json.dumps({"data": text}))

    async def recv(self):
        message = await self.socket.recv()
        return message if isinstance(message, bytes) else message.encode()

    async def close(self):
        await self.socket.close()


class Ssh:
    """`ssh -tt` as a child on pipes; reads straight from its stdout descriptor."""

    def __init__(self, argv, command):
        self.argv = argv + [command]
        self.process = None
        self.loop = None
        self.queue = None

    async def open(self):
        self.process = subprocess.Popen(self.argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, bufsize=0)
        self.loop = asyncio.get_running_loop()
        self.queue = asyncio.Queue()
        fd = self.process.stdout.fileno()
        os.set_blocking(fd, False)
        self.loop.add_reader(fd, self._readable, fd)

    def _readable(self, fd):
        try:
            chunk = os.read(fd, 1 << 20)
        except BlockingIOError:
            return
        if not chunk:
            self.loop.remove_reader(fd)
        self.queue.put_nowait(chunk)

    async def send(self, text):
        self.process.stdin.write(text.encode())

    async def recv(self):
        chunk = await self.queue.get()
        if not chunk:
            raise EOFError("ssh ended")
        return chunk

    async def close(self):
        self.process.stdin.close()
        self.process.kill()
        self.process.wait()


async def wait_for(term, marker, tail=b""):
    """Receives until marker; returns (bytes received, what followed the marker)."""
    seen = tail
    total = 0
    while True:
        chunk = await term.recv()
        total += len(chunk)
        window = seen + chunk
        at = window.find(marker)
        if at >= 0:
            return total, window[at + len(marker):]
        seen = window[-len(marker):]


async def throughput(term):
    await term.open()
    await wait_for(term, READY)
    start = time.perf_counter()
    await term.send("go\n")
    total, _ = await wait_for(term, DONE)
    elapsed = time.perf_counter() - start
    await term.close()
    print(f"{elapsed:.6f} {total}")


async def echo(term, count):
    await term.open()
    _, rest = await wait_for(term, READY)
    # Drain whatever followed the marker (its newline), then settle.
    await asyncio.sleep(0.2)
    letters = "abcdefghijklmnopqrstuvwxyz"
    out = []
    for i in range(count):
        key = letters[i % len(letters)]
        start = time.perf_counter_ns()
        await term.send(key)
        got = b""
        while key.encode() not in got:
            got = await term.recv()
        out.append((time.perf_counter_ns() - start) // 1000)
    await term.close()
    print("\n".join(str(x) for x in out))


def main():
    mode, kind = sys.argv[1], sys.argv[2]
    if kind == "ws":
        arg = sys.argv[4]
        command = throughput_command(arg) if mode == "throughput" else ECHO_COMMAND
        term = Ws(sys.argv[3], command)
    else:
        arg = sys.argv[3]
        argv = sys.argv[sys.argv.index("--") + 1:]
        command = throughput_command(arg) if mode == "throughput" else ECHO_COMMAND
        term = Ssh(argv, command)
    if mode == "throughput":
        asyncio.run(throughput(term))
    else:
        asyncio.run(echo(term, int(arg)))


if __name__ == "__main__":
    main()
