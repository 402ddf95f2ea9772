using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Agent.Specs.Integration.Git;

/// <summary>
/// A git remote over HTTP as git's "dumb" protocol reads it: the files of bare repositories under a root folder,
/// behind Basic authentication (401 with <c>WWW-Authenticate</c> until a request carries <see cref="User"/> and
/// <see cref="Password"/>). Keeps every credential it was sent. One request per connection.
/// </summary>
public sealed class GitHttpServer : IAsyncDisposable
{
    private const int MaxHeadBytes = 64 * 1024;

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly string _root;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentQueue<string> _credentials = new();
    private readonly Task _accepting;

    public GitHttpServer(string root, string user, string password)
    {
        _root = Path.GetFullPath(root) + Path.DirectorySeparatorChar;
        User = user;
        Password = password;
        _listener.Start();
        Url = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");
        _accepting = AcceptAsync();
    }

    public Uri Url { get; }

    public string User { get; }

    public string Password { get; }

    /// <summary>Every <c>user:password</c> sent in an <c>Authorization: Basic</c> header, in order.</summary>
    public IReadOnlyCollection<string> Credentials => _credentials;

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _accepting;
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopped.
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            _ = ServeAsync(client);
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                var head = new StringBuilder();
                var buffer = new byte[4096];
                while (head.Length < MaxHeadBytes && !head.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
                {
                    var read = await stream.ReadAsync(buffer, _stop.Token);
                    if (read == 0)
                        return;
                    head.Append(Encoding.Latin1.GetString(buffer, 0, read));
                }

                var lines = head.ToString().Split("\r\n");
                var target = lines[0].Split(' ') is [_, var path, ..] ? path : "/";
                var authorization = lines.FirstOrDefault(line => line.StartsWith("Authorization: Basic ", StringComparison.OrdinalIgnoreCase));
                var credentials = authorization is null ? null : Encoding.UTF8.GetString(Convert.FromBase64String(authorization["Authorization: Basic ".Length..].Trim()));
                if (credentials is not null)
                    _credentials.Enqueue(credentials);
                var (status, body) = credentials == $"{User}:{Password}" ? Serve(target) : ("401 Unauthorized", "authentication required\n"u8.ToArray());
                var extra = status.StartsWith("401", StringComparison.Ordinal) ? "WWW-Authenticate: Basic realm=\"spec\"\r\n" : string.Empty;
                var response = $"HTTP/1.1 {status}\r\n{extra}Content-Type: application/octet-stream\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n";
                await stream.WriteAsync(Encoding.Latin1.GetBytes(response), _stop.Token);
                await stream.WriteAsync(body, _stop.Token);
            }
            catch (Exception e) when (e is IOException or OperationCanceledException or SocketException or FormatException)
            {
                // The client went away, sent garbage, or the server stops.
            }
        }
    }

    private (string Status, byte[] Body) Serve(string target)
    {
        var path = Uri.UnescapeDataString(target.Split('?')[0]).TrimStart('/');
        var full = Path.GetFullPath(Path.Join(_root, path));
        return full.StartsWith(_root, StringComparison.Ordinal) && File.Exists(full)
            ? ("200 OK", File.ReadAllBytes(full))
            : ("404 Not Found", "not found\n"u8.ToArray());
    }
}
