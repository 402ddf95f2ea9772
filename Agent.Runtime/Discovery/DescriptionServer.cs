using System.Net;
using System.Net.Sockets;
using System.Text;
using Agent.Runtime.Net;
using Microsoft.Extensions.Logging;

namespace Agent.Runtime.Discovery;

/// <summary>
/// The read-only HTTP listener of the agent's UPnP description, on the SSH address's host and a port of its own:
/// <c>GET</c> (or <c>HEAD</c>) <c>/agent.xml</c> and nothing else. Bounded: request head at most 4 KiB, read within
/// 5 s, 16 connections at a time and 4 per source; every answer closes the connection.
/// </summary>
public sealed class DescriptionServer : IDisposable
{
    public const int MaxRequestBytes = 4096;
    public const int MaxConnections = 16;
    public const int MaxPerSource = 4;
    public static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(5);

    private readonly Socket _listener;
    private readonly byte[] _document;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly SourceCounts _perSource = new();
    private int _connections;

    private DescriptionServer(Socket listener, byte[] document, ILogger logger)
    {
        _listener = listener;
        _document = document;
        _logger = logger;
        var bound = (IPEndPoint)listener.LocalEndPoint!;
        Location = new Uri($"http://{AgentDescription.SshAddress(bound.Address.ToString(), bound.Port)}{AgentDescription.Path}");
    }

    /// <summary>The description's URL.</summary>
    public Uri Location { get; }

    /// <summary>Listens on <paramref name="address"/> (a port of its own) and serves <paramref name="document"/>.</summary>
    /// <exception cref="SocketException">The address cannot be bound.</exception>
    public static DescriptionServer Start(IPAddress address, string document, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(address);
        var listener = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            listener.Bind(new IPEndPoint(address, 0));
            listener.Listen(MaxConnections);
        }
        catch
        {
            listener.Dispose();
            throw;
        }

        var server = new DescriptionServer(listener, Encoding.UTF8.GetBytes(document), logger);
        _ = Task.Run(server.AcceptAsync);
        return server;
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Dispose();
    }

    private async Task AcceptAsync()
    {
        var backoff = new AcceptBackoff(_listener.AcceptAsync, AcceptLog.Report(_logger, _listener.LocalEndPoint!));
        while (await backoff.AcceptAsync(_stop.Token) is { } socket)
        {
            var source = SourceCounts.SourceOf(socket.RemoteEndPoint);
            bool admitted;
            lock (_perSource)
            {
                admitted = _connections < MaxConnections && _perSource.Held(source) < MaxPerSource;
                if (admitted)
                {
                    _connections++;
                    _perSource.Add(source);
                }
            }

            if (!admitted)
            {
                _logger.DescriptionRefused(socket.RemoteEndPoint as IPEndPoint, "too many connections");
                socket.Dispose();
                continue;
            }

            _ = Task.Run(async () =>
            {
                try
                {
                    await ServeAsync(socket);
                }
                finally
                {
                    socket.Dispose();
                    lock (_perSource)
                    {
                        _connections--;
                        _perSource.Remove(source);
                    }
                }
            });
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        var remote = socket.RemoteEndPoint as IPEndPoint;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        timeout.CancelAfter(ReadTimeout);
        var buffer = new byte[MaxRequestBytes];
        var length = 0;
        try
        {
            while (buffer.AsSpan(0, length).IndexOf("\r\n\r\n"u8) < 0)
            {
                if (length == buffer.Length)
                {
                    await RespondAsync(socket, "431 Request Header Fields Too Large", null, remote, "request head over 4 KiB");
                    return;
                }

                var read = await socket.ReceiveAsync(buffer.AsMemory(length), SocketFlags.None, timeout.Token);
                if (read == 0)
                    return;
                length += read;
            }

            var requestLine = Encoding.ASCII.GetString(buffer, 0, buffer.AsSpan(0, length).IndexOf("\r\n"u8)).Split(' ');
            if (requestLine.Length != 3 || !requestLine[2].StartsWith("HTTP/1.", StringComparison.Ordinal))
                await RespondAsync(socket, "400 Bad Request", null, remote, "not an HTTP/1 request line");
            else if (requestLine[0] is not ("GET" or "HEAD"))
                await RespondAsync(socket, "405 Method Not Allowed", null, remote, $"method {requestLine[0]}");
            else if (requestLine[1] != AgentDescription.Path)
                await RespondAsync(socket, "404 Not Found", null, remote, "not the description's path");
            else
                await RespondAsync(socket, "200 OK", requestLine[0] == "GET" ? _document : [], null, null);
        }
        catch (OperationCanceledException)
        {
            _logger.DescriptionRefused(remote, "no complete request within 5 s");
        }
        catch (SocketException)
        {
            // The client went away: nothing to answer.
        }
    }

    private async Task RespondAsync(Socket socket, string status, byte[]? body, IPEndPoint? remote, string? refusal)
    {
        if (refusal is not null)
            _logger.DescriptionRefused(remote, refusal);
        var length = body is null ? 0 : _document.Length;
        var head = $"HTTP/1.1 {status}\r\nContent-Type: text/xml; charset=\"utf-8\"\r\nContent-Length: {length}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n";
        await socket.SendAsync(Encoding.ASCII.GetBytes(head), SocketFlags.None);
        if (body is { Length: > 0 })
            await socket.SendAsync(body, SocketFlags.None);
        socket.Shutdown(SocketShutdown.Send);
    }
}
