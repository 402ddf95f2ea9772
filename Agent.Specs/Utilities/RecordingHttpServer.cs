using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Agent.Specs.Utilities;

/// <summary>
/// A tiny HTTP/1.1 server on a loopback port: keeps the head (request line and headers) of every request and answers
/// each with the response <c>answer</c> makes from the request's path (or <c>respond</c> from its whole head), then
/// closes the connection.
/// </summary>
public sealed class RecordingHttpServer : IAsyncDisposable
{
    private const int MaxHeadBytes = 64 * 1024;

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Func<string, byte[]> _respond;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentQueue<string> _requests = new();
    private readonly Task _accepting;

    public RecordingHttpServer(Func<string, string> answer)
        : this(head => Encoding.Latin1.GetBytes(answer(PathOf(head))))
    {
    }

    /// <summary>A server that answers each request with the bytes <paramref name="respond"/> makes from its head.</summary>
    public RecordingHttpServer(Func<string, byte[]> respond)
    {
        _respond = respond;
        _listener.Start();
        Url = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");
        _accepting = AcceptAsync();
    }

    public Uri Url { get; }

    /// <summary>The heads of the requests received so far.</summary>
    public IReadOnlyCollection<string> Requests => _requests;

    /// <summary>An answer that redirects every path to the same path under <paramref name="target"/>.</summary>
    public static Func<string, string> RedirectTo(Uri target)
        => path => $"HTTP/1.1 302 Found\r\nLocation: {new Uri(target, path.TrimStart('/'))}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";

    /// <summary>An answer of 401 with Coder's error shape.</summary>
    public static string Unauthorized(string path)
    {
        const string Body = "{\"message\":\"recorded\"}";
        return $"HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\nContent-Length: {Body.Length}\r\nConnection: close\r\n\r\n{Body}";
    }

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

                var text = head.ToString();
                _requests.Enqueue(text);
                await stream.WriteAsync(_respond(text), _stop.Token);
            }
            catch (Exception e) when (e is IOException or OperationCanceledException or SocketException or FormatException)
            {
                // The client went away, sent garbage, or the server stops.
            }
        }
    }

    private static string PathOf(string head)
    {
        var requestLine = head[..head.IndexOf("\r\n", StringComparison.Ordinal)].Split(' ');
        return requestLine.Length > 1 ? requestLine[1] : "/";
    }
}
