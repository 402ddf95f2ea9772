using System.Buffers.Binary;
using System.Reactive.Concurrency;
using System.Text;
using Agent.Runtime.Terminal;
using Agent.Specs.Fakes.Terminal;
using Agent.Specs.Utilities;

namespace Agent.Specs.Runtime.Terminal;

public sealed class TerminalServerSpecs : IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);
    private readonly TerminalHarness _harness = new(DefaultScheduler.Instance);
    private readonly RecordingLogger _logger = new();
    private readonly TerminalServer _server;

    public TerminalServerSpecs()
    {
        _server = new TerminalServer(_harness.Sessions, TerminalServerOptions.Default with { MaxInitBytes = 1024 }, _logger);
    }

    public void Dispose() => _harness.Dispose();

    [Fact]
    public async Task Serve_InitSplitAcrossWrites_AttachesWithItsSizeAndCommand()
    {
        var pipe = Pair();
        var serving = _server.ServeAsync(pipe.Server, CancellationToken.None);
        var frame = TerminalServer.EncodeInit(new TerminalInit { Id = "one", Command = "top", Width = 100, Height = 30 });

        foreach (var b in frame)
        {
            await pipe.Client.WriteAsync(new[] { b });
            await pipe.Client.FlushAsync();
        }

        await Eventually.WaitAsync(() => _harness.Launcher.Started.Count == 1, "the terminal to start", Deadline);
        Assert.Equal("top", _harness.Launcher.Last.Spec.Command);
        Assert.Equal((ushort)100, _harness.Launcher.Last.Spec.Columns);
        Assert.Equal((ushort)30, _harness.Launcher.Last.Spec.Rows);
        await pipe.Client.DisposeAsync();
        await serving.WaitAsync(Deadline);
    }

    [Fact]
    public async Task Serve_InputAndOutput_RoundTripUntilTheProcessExits()
    {
        var pipe = Pair();
        var serving = _server.ServeAsync(pipe.Server, CancellationToken.None);
        await SendAsync(pipe.Client, TerminalServer.EncodeInit(new TerminalInit { Id = "one", Width = 80, Height = 24 }));
        await Eventually.WaitAsync(() => _harness.Launcher.Started.Count == 1, "the terminal to start", Deadline);
        var process = _harness.Launcher.Last;

        var requests = Encoding.UTF8.GetBytes("{\"data\":\"echo hi\\r\"}{\"height\":50,\"width\":132}{\"data\":\"exit\\r\"}");
        for (var offset = 0; offset < requests.Length; offset += 5)
            await SendAsync(pipe.Client, requests.AsSpan(offset, Math.Min(5, requests.Length - offset)).ToArray());
        await Eventually.WaitAsync(() => process.Input == "echo hi\rexit\r", "the input to arrive", Deadline);
        Assert.Contains(((ushort)132, (ushort)50), process.Sizes);

        process.Emit("hi\r\n");
        process.Emit("bye\r\n");
        process.Exit(0);

        Assert.Equal("hi\r\nbye\r\n", await ReadToEndAsync(pipe.Client));
        await serving.WaitAsync(Deadline);
    }

    [Fact]
    public async Task Serve_Reconnect_ReplaysTheOutputFirst()
    {
        var first = Pair();
        var serving = _server.ServeAsync(first.Server, CancellationToken.None);
        await SendAsync(first.Client, TerminalServer.EncodeInit(new TerminalInit { Id = "one" }));
        await Eventually.WaitAsync(() => _harness.Launcher.Started.Count == 1, "the terminal to start", Deadline);
        _harness.Launcher.Last.Emit("before\r\n");
        var seen = new byte["before\r\n".Length];
        await first.Client.ReadExactlyAsync(seen).AsTask().WaitAsync(Deadline); // the output reached the session (and its replay ring)
        await first.Client.DisposeAsync();
        await serving.WaitAsync(Deadline);

        var second = Pair();
        var again = _server.ServeAsync(second.Server, CancellationToken.None);
        await SendAsync(second.Client, TerminalServer.EncodeInit(new TerminalInit { Id = "one" }));
        await Eventually.WaitAsync(() => _harness.Counters.TakeWindow().SessionCountReconnectingPty == 1, "the reattach", Deadline);
        _harness.Launcher.Last.Emit("after\r\n");
        _harness.Launcher.Last.Exit(0);

        Assert.Equal("before\r\nafter\r\n", await ReadToEndAsync(second.Client));
        Assert.Single(_harness.Launcher.Started);
        await again.WaitAsync(Deadline);
    }

    [Fact]
    public async Task Serve_InitLongerThanTheBound_ClosesWithALoggedReason()
    {
        var pipe = Pair();
        var serving = _server.ServeAsync(pipe.Server, CancellationToken.None);
        var prefix = new byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(prefix, 2000);

        await SendAsync(pipe.Client, prefix);

        await serving.WaitAsync(Deadline);
        Assert.Equal(string.Empty, await ReadToEndAsync(pipe.Client));
        Assert.Contains(_logger.Warnings, w => w.Contains("init frame of 2000 bytes refused", StringComparison.Ordinal));
        Assert.Empty(_harness.Launcher.Started);
    }

    [Fact]
    public async Task Serve_BadInitJson_ClosesWithALoggedReason()
    {
        var pipe = Pair();
        var serving = _server.ServeAsync(pipe.Server, CancellationToken.None);
        var json = "{\"ID\":"u8.ToArray();
        var frame = new byte[2 + json.Length];
        BinaryPrimitives.WriteUInt16LittleEndian(frame, (ushort)json.Length);
        json.CopyTo(frame, 2);

        await SendAsync(pipe.Client, frame);

        await serving.WaitAsync(Deadline);
        Assert.Equal(string.Empty, await ReadToEndAsync(pipe.Client));
        Assert.Contains(_logger.Warnings, w => w.Contains("failed to unmarshal init", StringComparison.Ordinal));
        Assert.Empty(_harness.Launcher.Started);
    }

    [Fact]
    public async Task Serve_RequestLargerThanTheBound_ClosesThatConnectionButNotTheTerminal()
    {
        var server = new TerminalServer(_harness.Sessions, TerminalServerOptions.Default with { MaxRequestBytes = 1024 }, _logger);
        var pipe = Pair();
        var serving = server.ServeAsync(pipe.Server, CancellationToken.None);
        await SendAsync(pipe.Client, TerminalServer.EncodeInit(new TerminalInit { Id = "one" }));

        await SendAsync(pipe.Client, Encoding.UTF8.GetBytes("{\"data\":\"" + new string('x', 4096)));

        await serving.WaitAsync(Deadline);
        Assert.Contains(_logger.Warnings, w => w.Contains("larger than 1024 bytes", StringComparison.Ordinal));
        Assert.Equal(["one"], _harness.Sessions.Ids);
    }

    [Fact]
    public async Task Serve_Cancelled_EndsTheConnection()
    {
        using var cancel = new CancellationTokenSource();
        var pipe = Pair();
        var serving = _server.ServeAsync(pipe.Server, cancel.Token);
        await SendAsync(pipe.Client, TerminalServer.EncodeInit(new TerminalInit { Id = "one" }));
        await Eventually.WaitAsync(() => _harness.Launcher.Started.Count == 1, "the terminal to start", Deadline);

        await cancel.CancelAsync();

        await serving.WaitAsync(Deadline);
        Assert.Equal(0, _harness.Counters.TakeWindow().SessionCountReconnectingPty);
    }

    private static async Task SendAsync(Stream stream, byte[] bytes)
    {
        await stream.WriteAsync(bytes);
        await stream.FlushAsync();
    }

    // An in-memory connection: the client's end and the server's.
    private static (Stream Client, Stream Server) Pair()
    {
        var (client, server) = DuplexPipeStream.CreatePair();
        return (client, server);
    }

    private static async Task<string> ReadToEndAsync(Stream stream)
    {
        using var timeout = new CancellationTokenSource(Deadline);
        var received = new MemoryStream();
        await stream.CopyToAsync(received, timeout.Token);
        return Encoding.UTF8.GetString(received.ToArray());
    }
}
