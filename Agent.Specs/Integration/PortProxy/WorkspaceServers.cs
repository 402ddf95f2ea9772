using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using Agent.Specs.Utilities;

namespace Agent.Specs.Integration.PortProxy;

/// <summary>
/// Servers in the workspace (Debian's python3, on loopback like a developer's app): one that answers what reached
/// it (method, path, headers, body size) and serves downloads and redirects, and a WebSocket echo (python3-websockets).
/// </summary>
public static class WorkspaceServers
{
    private const string Script = """
import asyncio, json, sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

class Echo(BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'
    def log_message(self, *args): pass
    def body_size(self):
        if self.headers.get('Transfer-Encoding', '').lower() == 'chunked':
            total = 0
            while True:
                size = int(self.rfile.readline().split(b';')[0], 16)
                if size == 0:
                    while self.rfile.readline() not in (b'\r\n', b'\n', b''): pass
                    return total
                left = size
                while left:
                    left -= len(self.rfile.read(min(left, 1 << 16)))
                self.rfile.readline()
                total += size
        left = int(self.headers.get('Content-Length') or 0)
        total = left
        while left:
            left -= len(self.rfile.read(min(left, 1 << 16)))
        return total
    def answer(self):
        size = self.body_size()
        if self.path.startswith('/download/'):
            n = int(self.path.split('/')[2])
            self.send_response(200)
            self.send_header('Content-Type', 'application/octet-stream')
            self.send_header('Content-Length', str(n))
            self.end_headers()
            block = b'x' * (1 << 16)
            while n > 0 and self.command != 'HEAD':
                self.wfile.write(block[:min(n, len(block))]); n -= len(block)
            return
        if self.path == '/utf8-header':
            self.send_response(200)
            # Raw UTF-8 bytes in a header value, as some servers send a file name.
            self.send_header('Content-Disposition', 'attachment; filename="r\u00e9sum\u00e9.txt"'.encode('utf-8').decode('latin-1'))
            self.send_header('Content-Length', '0')
            self.end_headers()
            return
        if self.path == '/redirect':
            self.send_response(302)
            self.send_header('Location', '/elsewhere')
            self.send_header('Set-Cookie', 'app=1; Path=/')
            self.send_header('Content-Length', '0')
            self.end_headers()
            return
        body = json.dumps({'method': self.command, 'path': self.path, 'headers': [[k, v] for k, v in self.headers.items()], 'body': size}).encode()
        self.send_response(200)
        self.send_header('Content-Type', 'application/json')
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        if self.command != 'HEAD':
            self.wfile.write(body)
    do_GET = do_POST = do_PUT = do_HEAD = do_DELETE = answer

async def websocket_echo(port):
    import websockets
    async def echo(socket, path=None):
        async for message in socket:
            await socket.send(message)
    async with websockets.serve(echo, '127.0.0.1', port):
        await asyncio.Future()

mode, port = sys.argv[1], int(sys.argv[2])
if mode == 'echo':
    ThreadingHTTPServer(('127.0.0.1', port), Echo).serve_forever()
else:
    asyncio.run(websocket_echo(port))
""";

    /// <summary>Starts the server of <paramref name="mode"/> (<c>echo</c> or <c>websocket</c>) on a free loopback port and waits until it listens.</summary>
    public static async Task<(RunningProcess Process, int Port)> StartAsync(IntegrationHarness harness, string mode)
    {
        var script = harness.Combine("workspace-servers.py");
        if (!File.Exists(script))
            await File.WriteAllTextAsync(script, Script);
        var port = FreePort.Next();
        var info = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { script, mode, port.ToString(CultureInfo.InvariantCulture) })
            info.ArgumentList.Add(argument);
        var process = RunningProcess.Start(info, $"python3 {mode} server");
        await Eventually.WaitAsync(
            async () =>
            {
                using var client = new TcpClient();
                try
                {
                    await client.ConnectAsync(System.Net.IPAddress.Loopback, port);
                    return true;
                }
                catch (SocketException)
                {
                    return false;
                }
            },
            ok => ok,
            $"the {mode} server to listen on port {port}\n{process.Output}");
        return (process, port);
    }
}
