using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Agent.Specs.Utilities;

namespace Agent.Specs.Integration;

/// <summary>A browser-like client of the control plane's reconnecting-terminal WebSocket.</summary>
public sealed class TerminalClient : IAsyncDisposable
{
    private readonly ClientWebSocket _socket = new();
    private readonly MemoryStream _received = new();
    private readonly CancellationTokenSource _stop = new();
    private Task _pump = Task.CompletedTask;

    public bool Closed { get; private set; }

    public byte[] Received
    {
        get
        {
            lock (_received)
                return _received.ToArray();
        }
    }

    public string Text => Encoding.UTF8.GetString(Received);

    public static async Task<TerminalClient> ConnectAsync(Uri server, string id, string command = "", int width = 80, int height = 24)
    {
        var client = new TerminalClient();
        var query = $"reconnect={id}&width={width}&height={height}&command={Uri.EscapeDataString(command)}&coder_session_token={IntegrationHarness.UserToken}";
        var url = new Uri($"ws://{server.Authority}/api/v2/workspaceagents/{IntegrationHarness.AgentName}/pty?{query}");
        await client._socket.ConnectAsync(url, CancellationToken.None);
        client._pump = client.PumpAsync();
        return client;
    }

    public Task SendAsync(string keys) => SendRequestAsync(new { data = keys });

    public Task ResizeAsync(int width, int height) => SendRequestAsync(new { width, height });

    public Task WaitForTextAsync(string text, TimeSpan? timeout = null)
        => Eventually.WaitAsync(
            () => Text.Contains(text, StringComparison.Ordinal) || (Closed && !Text.Contains(text, StringComparison.Ordinal) ? throw new IOException($"the terminal connection closed before \"{text}\" arrived; got:\n{Tail}") : false),
            $"terminal output containing \"{text}\"; the end of what arrived:\n{Tail}",
            timeout);

    private string Tail => Text.Length <= 2000 ? Text : Text[^2000..];

    public Task WaitForCloseAsync(TimeSpan? timeout = null)
        => Eventually.WaitAsync(() => Closed, "the terminal connection to close", timeout);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            if (_socket.State == WebSocketState.Open)
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);
            await _pump;
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
            // The server may already be gone.
        }

        _socket.Dispose();
        _stop.Dispose();
    }

    private Task SendRequestAsync(object request)
        => _socket.SendAsync(JsonSerializer.SerializeToUtf8Bytes(request), WebSocketMessageType.Text, true, CancellationToken.None);

    private async Task PumpAsync()
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                var result = await _socket.ReceiveAsync(buffer, _stop.Token);
                if (result.MessageType == WebSocketMessageType.Close)
                    break;
                lock (_received)
                    _received.Write(buffer, 0, result.Count);
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
            // Closed under us: that is what Closed reports.
        }
        finally
        {
            Closed = true;
        }
    }
}
