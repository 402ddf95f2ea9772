using System.Buffers.Binary;
using System.Security.Cryptography;
using Agent.Runtime.Relay.Yamux;
using Agent.Specs.Utilities;
using Microsoft.Reactive.Testing;

namespace Agent.Specs.Runtime.Relay.Yamux;

public sealed class YamuxSessionSpecs : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);
    private readonly List<IAsyncDisposable> _disposables = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var disposable in _disposables)
            await disposable.DisposeAsync().AsTask().WaitAsync(Deadline);
    }

    [Fact]
    public async Task OpenStream_ClientOpens_ServerAcceptsAndEchoes()
    {
        var (client, server) = Pair();
        var opened = await client.OpenStreamAsync(CancellationToken.None);
        await opened.WriteAsync("hello"u8.ToArray());
        var accepted = await server.AcceptStreamAsync(CancellationToken.None).WaitAsync(Deadline);

        Assert.Equal(opened.Id, accepted.Id);
        Assert.Equal(1u, opened.Id);
        Assert.Equal("hello", await ReadExactlyAsync(accepted, 5));
        await accepted.WriteAsync("world"u8.ToArray());
        Assert.Equal("world", await ReadExactlyAsync(opened, 5));
    }

    [Fact]
    public async Task OpenStream_ServerOpens_ClientAcceptsWithEvenId()
    {
        var (client, server) = Pair();
        var opened = await server.OpenStreamAsync(CancellationToken.None);
        await opened.WriteAsync("ping"u8.ToArray());
        var accepted = await client.AcceptStreamAsync(CancellationToken.None).WaitAsync(Deadline);

        Assert.Equal(2u, accepted.Id);
        Assert.Equal("ping", await ReadExactlyAsync(accepted, 4));
        await accepted.WriteAsync("pong"u8.ToArray());
        Assert.Equal("pong", await ReadExactlyAsync(opened, 4));
    }

    [Fact]
    public async Task HundredStreams_EachEchoingItsOwnPayload_NoCrossTalk()
    {
        var (client, server) = Pair();
        var echo = Task.Run(async () =>
        {
            var echoes = new List<Task>();
            for (var i = 0; i < 100; i++)
            {
                var stream = await server.AcceptStreamAsync(CancellationToken.None);
                echoes.Add(Task.Run(async () =>
                {
                    var buffer = new byte[8192];
                    int read;
                    while ((read = await stream.ReadAsync(buffer)) > 0)
                        await stream.WriteAsync(buffer.AsMemory(0, read));
                    await stream.CompleteWritesAsync();
                    await stream.DisposeAsync();
                }));
            }

            await Task.WhenAll(echoes);
        });

        var clients = Enumerable.Range(0, 100).Select(async i =>
        {
            var payload = RandomNumberGenerator.GetBytes(50_000 + (i * 1000));
            var stream = await client.OpenStreamAsync(CancellationToken.None);
            var reading = ReadToEndAsync(stream);
            await stream.WriteAsync(payload);
            await stream.CompleteWritesAsync();
            var echoed = await reading;
            await stream.DisposeAsync();
            return payload.AsSpan().SequenceEqual(echoed);
        }).ToList();

        var results = await Task.WhenAll(clients).WaitAsync(TimeSpan.FromSeconds(60));
        await echo.WaitAsync(Deadline);
        Assert.All(results, Assert.True);
        await Eventually.WaitAsync(() => client.OpenStreams == 0 && server.OpenStreams == 0, "all streams freed");
    }

    [Fact]
    public async Task Window_ReaderNotReading_WriterBlocksWithExactlyTheWindowInFlight()
    {
        var (client, server) = Pair();
        var opened = await client.OpenStreamAsync(CancellationToken.None);
        var payload = RandomNumberGenerator.GetBytes(1024 * 1024);
        var writing = opened.WriteAsync(payload).AsTask();
        var accepted = await server.AcceptStreamAsync(CancellationToken.None).WaitAsync(Deadline);

        await Eventually.WaitAsync(() => opened.SendWindow == 0 && accepted.BufferedBytes == YamuxOptions.SpecInitialWindow, "the window filled");
        Assert.False(writing.IsCompleted);
        Assert.Equal(YamuxOptions.SpecInitialWindow, accepted.BufferedBytes);

        var received = await ReadExactlyBytesAsync(accepted, payload.Length);
        await writing.WaitAsync(Deadline);
        Assert.Equal(payload, received);
    }

    [Fact]
    public async Task Window_ReaderDrainsFaster_ThanTheClockMoves_GrowsToMaxWindow()
    {
        // The TestScheduler's clock stands still: every half window is drained "instantly", so each update doubles it.
        var options = new YamuxOptions { Scheduler = new TestScheduler(), MaxWindow = 4 * 1024 * 1024 };
        var (client, server) = Pair(options);
        var opened = await client.OpenStreamAsync(CancellationToken.None);
        var accepted = await AcceptAfterWriteAsync(opened, server);
        var writing = opened.WriteAsync(new byte[12 * 1024 * 1024]).AsTask();

        await ReadExactlyBytesAsync(accepted, 12 * 1024 * 1024);
        await writing.WaitAsync(Deadline);
        Assert.Equal(4 * 1024 * 1024, accepted.WindowTarget);
    }

    [Fact]
    public async Task Window_SessionGrowthBudgetSpent_OtherStreamsStayAtTheirInitialWindow()
    {
        // One stream may grow by 768 KiB (256 → 1024 KiB); the budget is 768 KiB, so a second stream cannot grow at all.
        var options = new YamuxOptions { Scheduler = new TestScheduler(), MaxWindow = 1024 * 1024, MaxSessionWindowGrowth = 768 * 1024 };
        var (client, server) = Pair(options);
        var first = await client.OpenStreamAsync(CancellationToken.None);
        var firstAccepted = await AcceptAfterWriteAsync(first, server);
        var second = await client.OpenStreamAsync(CancellationToken.None);
        var secondAccepted = await AcceptAfterWriteAsync(second, server);

        var writing = first.WriteAsync(new byte[4 * 1024 * 1024]).AsTask();
        await ReadExactlyBytesAsync(firstAccepted, 4 * 1024 * 1024);
        await writing.WaitAsync(Deadline);
        writing = second.WriteAsync(new byte[4 * 1024 * 1024]).AsTask();
        await ReadExactlyBytesAsync(secondAccepted, 4 * 1024 * 1024);
        await writing.WaitAsync(Deadline);

        Assert.Equal(1024 * 1024, firstAccepted.WindowTarget);
        Assert.Equal(YamuxOptions.SpecInitialWindow, secondAccepted.WindowTarget);
    }

    [Fact]
    public async Task Window_ReaderSlowerThanTheGrowthThreshold_KeepsItsWindow()
    {
        var scheduler = new TestScheduler();
        // No keepalives: a ping answered in real time while the virtual clock runs would count as a long round trip.
        var options = new YamuxOptions { Scheduler = scheduler, KeepAliveInterval = TimeSpan.FromDays(1) };
        var (client, server) = Pair(options);
        await Eventually.WaitAsync(() => client.PendingPings == 0 && server.PendingPings == 0, "the round trips measured (zero in virtual time)");
        var opened = await client.OpenStreamAsync(CancellationToken.None);
        var accepted = await AcceptAfterWriteAsync(opened, server);
        var writing = opened.WriteAsync(new byte[2 * 1024 * 1024]).AsTask();

        var remaining = 2 * 1024 * 1024;
        var buffer = new byte[64 * 1024];
        while (remaining > 0)
        {
            scheduler.AdvanceBy(TimeSpan.FromSeconds(1).Ticks);
            var read = await accepted.ReadAsync(buffer.AsMemory(0, Math.Min(buffer.Length, remaining))).AsTask().WaitAsync(Deadline);
            remaining -= read;
        }

        await writing.WaitAsync(Deadline);
        Assert.Equal(YamuxOptions.SpecInitialWindow, accepted.WindowTarget);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Reset_EitherSide_FailsBothSidesReadsAndWrites(bool clientResets)
    {
        var (client, server) = Pair();
        var opened = await client.OpenStreamAsync(CancellationToken.None);
        var accepted = await AcceptAfterWriteAsync(opened, server);
        var (resetter, other) = clientResets ? (opened, accepted) : (accepted, opened);
        var pendingRead = other.ReadAsync(new byte[16]).AsTask();
        var blockedWrite = other.WriteAsync(new byte[1024 * 1024]).AsTask();

        resetter.Reset();

        var readError = await Assert.ThrowsAsync<IOException>(() => pendingRead.WaitAsync(Deadline));
        Assert.Contains("stream reset", readError.Message);
        var writeError = await Assert.ThrowsAsync<IOException>(() => blockedWrite.WaitAsync(Deadline));
        Assert.Contains("stream reset", writeError.Message);
        await Assert.ThrowsAsync<IOException>(() => resetter.ReadAsync(new byte[1]).AsTask());
        await Assert.ThrowsAsync<IOException>(() => resetter.WriteAsync(new byte[1]).AsTask());
        await Eventually.WaitAsync(() => client.OpenStreams == 0 && server.OpenStreams == 0, "reset streams freed");
    }

    [Fact]
    public async Task HalfClose_AfterFin_ThePeerReadsZeroAndCanStillAnswer()
    {
        var (client, server) = Pair();
        var opened = await client.OpenStreamAsync(CancellationToken.None);
        await opened.WriteAsync("request"u8.ToArray());
        await opened.CompleteWritesAsync();
        var accepted = await server.AcceptStreamAsync(CancellationToken.None).WaitAsync(Deadline);

        Assert.Equal("request", System.Text.Encoding.ASCII.GetString(await ReadToEndAsync(accepted)));
        await accepted.WriteAsync("response"u8.ToArray());
        await accepted.CompleteWritesAsync();
        Assert.Equal("response", System.Text.Encoding.ASCII.GetString(await ReadToEndAsync(opened)));
        await Eventually.WaitAsync(() => client.OpenStreams == 0 && server.OpenStreams == 0, "closed streams freed");
        await Assert.ThrowsAsync<InvalidOperationException>(() => opened.WriteAsync(new byte[1]).AsTask());
    }

    [Fact]
    public async Task GoAway_NoNewStreamsEitherWay_ExistingOnesFinish_ThenBothEndNormally()
    {
        var (client, server) = Pair();
        var opened = await client.OpenStreamAsync(CancellationToken.None);
        var accepted = await AcceptAfterWriteAsync(opened, server);

        await server.GoAwayAsync();
        await Assert.ThrowsAsync<YamuxSessionClosedException>(() => server.OpenStreamAsync(CancellationToken.None));
        await Eventually.WaitAsync(() => IsRefused(client), "the client saw the go-away");
        await Assert.ThrowsAsync<YamuxSessionClosedException>(() => server.AcceptStreamAsync(CancellationToken.None));

        await accepted.WriteAsync("still here"u8.ToArray());
        Assert.Equal("still here", await ReadExactlyAsync(opened, 10));
        await opened.DisposeAsync();
        await accepted.DisposeAsync();

        await client.Completion.WaitAsync(Deadline);
        await server.Completion.WaitAsync(Deadline);
    }

    [Theory]
    [InlineData("version", "unsupported version 1")]
    [InlineData("type", "unknown frame type 9")]
    [InlineData("unknown-stream", "frame for unknown stream 7")]
    [InlineData("oversize", "exceeds the largest window")]
    [InlineData("duplicate-syn", "duplicate SYN for stream 1")]
    [InlineData("beyond-window", "beyond its window")]
    [InlineData("wrong-parity", "not the peer's to open")]
    public async Task MalformedFrame_EndsThatSessionWithTheReason_OthersLive(string kind, string reason)
    {
        var (bystanderClient, bystanderServer) = Pair();
        var logger = new RecordingLogger();
        var (raw, transport) = DuplexPipeStream.CreatePair();
        _disposables.Add(raw);
        var server = YamuxSession.Server(transport, new YamuxOptions { Scheduler = new TestScheduler() }, logger);
        _disposables.Add(server);

        byte[][] frames = kind switch
        {
            "version" => [Frame(1, 0, 1, 1, 0)],
            "type" => [Frame(0, 9, 0, 1, 0)],
            "unknown-stream" => [Frame(0, 0, 0, 7, 0)],
            "oversize" => [Frame(0, 0, 1, 1, 64 * 1024 * 1024)],
            "duplicate-syn" => [Frame(0, 1, 1, 1, 0), Frame(0, 1, 1, 1, 0)],
            "beyond-window" => [Frame(0, 1, 1, 1, 0), Frame(0, 0, 0, 1, 300 * 1024), new byte[300 * 1024]],
            "wrong-parity" => [Frame(0, 1, 1, 2, 0)],
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };
        var peerReads = ReadFramesAsync(raw);
        try
        {
            foreach (var frame in frames)
                await raw.WriteAsync(frame);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            // The session may close the transport before the last frame is written.
        }

        var error = await Assert.ThrowsAsync<YamuxSessionClosedException>(() => server.Completion.WaitAsync(Deadline));
        Assert.Contains(reason, error.Reason);
        Assert.Contains(logger.Warnings, message => message.Contains(reason, StringComparison.Ordinal));
        var received = await peerReads.WaitAsync(Deadline);
        Assert.Contains(received, header => header.Type == 3 && header.Length == (uint)YamuxGoAwayCode.ProtocolError);

        var stream = await bystanderClient.OpenStreamAsync(CancellationToken.None);
        var accepted = await AcceptAfterWriteAsync(stream, bystanderServer);
        Assert.False(bystanderClient.Completion.IsCompleted);
        Assert.NotNull(accepted);
    }

    [Fact]
    public async Task KeepAlive_PeerNeverAnswers_SessionEndsAfterTheTimeout()
    {
        var scheduler = new TestScheduler();
        var logger = new RecordingLogger();
        var (raw, transport) = DuplexPipeStream.CreatePair();
        _disposables.Add(raw);
        var client = YamuxSession.Client(transport, new YamuxOptions { Scheduler = scheduler }, logger);
        _disposables.Add(client);
        var peerReads = ReadFramesAsync(raw);

        scheduler.AdvanceBy(TimeSpan.FromSeconds(15).Ticks);
        scheduler.AdvanceBy(TimeSpan.FromSeconds(29).Ticks);
        Assert.False(client.Completion.IsCompleted);
        scheduler.AdvanceBy(TimeSpan.FromSeconds(1).Ticks);

        var error = await Assert.ThrowsAsync<YamuxSessionClosedException>(() => client.Completion.WaitAsync(Deadline));
        Assert.Contains("keepalive timeout", error.Reason);
        var frames = await peerReads.WaitAsync(Deadline);
        Assert.True(frames.Count(header => header.Type == 2 && header.Flags == 1) >= 2, "the initial ping and a keepalive ping");
    }

    [Fact]
    public async Task KeepAlive_PeerAnswers_SessionLives()
    {
        var scheduler = new TestScheduler();
        var (client, server) = Pair(new YamuxOptions { Scheduler = scheduler });

        var roundTrip = await client.PingAsync(CancellationToken.None).WaitAsync(Deadline);
        Assert.Equal(TimeSpan.Zero, roundTrip);
        for (var i = 0; i < 4; i++)
        {
            scheduler.AdvanceBy(TimeSpan.FromSeconds(15).Ticks);
            await Eventually.WaitAsync(() => client.PendingPings == 0, "the keepalive ping answered");
        }

        var opened = await client.OpenStreamAsync(CancellationToken.None);
        await AcceptAfterWriteAsync(opened, server);
        Assert.False(client.Completion.IsCompleted);
    }

    [Fact]
    public async Task Statistics_DataFrames_AreCountedBothWays()
    {
        long sent = 0;
        long received = 0;
        var clientOptions = new YamuxOptions { Scheduler = new TestScheduler(), DataSent = n => Interlocked.Add(ref sent, n) };
        var serverOptions = new YamuxOptions { Scheduler = new TestScheduler(), DataReceived = n => Interlocked.Add(ref received, n) };
        var (client, server) = Pair(clientOptions, serverOptions);
        var opened = await client.OpenStreamAsync(CancellationToken.None);
        var accepted = await AcceptAfterWriteAsync(opened, server);

        var writing = opened.WriteAsync(new byte[700_000]).AsTask();
        await ReadExactlyBytesAsync(accepted, 700_000);
        await writing.WaitAsync(Deadline);

        Assert.Equal(700_001, Interlocked.Read(ref sent));
        Assert.Equal(700_001, Interlocked.Read(ref received));
    }

    [Fact]
    public async Task MaxStreams_SynBeyond_IsAnsweredWithReset()
    {
        var (client, server) = Pair(serverOptions: new YamuxOptions { Scheduler = new TestScheduler(), MaxStreams = 2 });
        var first = await client.OpenStreamAsync(CancellationToken.None);
        var second = await client.OpenStreamAsync(CancellationToken.None);
        var third = await client.OpenStreamAsync(CancellationToken.None);

        var error = await Assert.ThrowsAsync<IOException>(() => third.ReadAsync(new byte[1]).AsTask().WaitAsync(Deadline));
        Assert.Contains("stream reset by peer", error.Message);
        await AcceptAfterWriteAsync(first, server);
        await AcceptAfterWriteAsync(second, server);
    }

    [Fact]
    public async Task AcceptBacklog_Full_FurtherSynsAreReset()
    {
        var (client, server) = Pair(serverOptions: new YamuxOptions { Scheduler = new TestScheduler(), AcceptBacklog = 1 });
        var first = await client.OpenStreamAsync(CancellationToken.None);
        var second = await client.OpenStreamAsync(CancellationToken.None);

        var error = await Assert.ThrowsAsync<IOException>(() => second.ReadAsync(new byte[1]).AsTask().WaitAsync(Deadline));
        Assert.Contains("stream reset by peer", error.Message);
        var accepted = await AcceptAfterWriteAsync(first, server);
        Assert.Equal(first.Id, accepted.Id);
        var third = await client.OpenStreamAsync(CancellationToken.None);
        Assert.Equal(third.Id, (await AcceptAfterWriteAsync(third, server)).Id);
    }

    [Fact]
    public async Task TransportDies_PendingReadsWritesAndAcceptsFailPromptly()
    {
        var (left, right) = DuplexPipeStream.CreatePair();
        var client = YamuxSession.Client(left, new YamuxOptions { Scheduler = new TestScheduler() }, new RecordingLogger());
        var server = YamuxSession.Server(right, new YamuxOptions { Scheduler = new TestScheduler() }, new RecordingLogger());
        _disposables.Add(client);
        _disposables.Add(server);
        var opened = await client.OpenStreamAsync(CancellationToken.None);
        var accepted = await AcceptAfterWriteAsync(opened, server);
        var pendingRead = opened.ReadAsync(new byte[16]).AsTask();
        var blockedWrite = opened.WriteAsync(new byte[1024 * 1024]).AsTask();
        var pendingAccept = client.AcceptStreamAsync(CancellationToken.None);
        await Eventually.WaitAsync(() => opened.SendWindow == 0, "the writer blocked on the window");

        await right.DisposeAsync();

        var readError = await Assert.ThrowsAsync<IOException>(() => pendingRead.WaitAsync(Deadline));
        Assert.Contains("yamux session closed", readError.Message);
        var writeError = await Assert.ThrowsAsync<IOException>(() => blockedWrite.WaitAsync(Deadline));
        Assert.Contains("yamux session closed", writeError.Message);
        await Assert.ThrowsAsync<YamuxSessionClosedException>(() => pendingAccept.WaitAsync(Deadline));
        var clientEnd = await Assert.ThrowsAsync<YamuxSessionClosedException>(() => client.Completion.WaitAsync(Deadline));
        Assert.Matches("transport closed by the peer|transport write failed", clientEnd.Reason);
        await Assert.ThrowsAsync<YamuxSessionClosedException>(() => client.OpenStreamAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Dispose_ResetsStreams_EndsNormally_PeerSeesGoAway()
    {
        var (client, server) = Pair();
        var opened = await client.OpenStreamAsync(CancellationToken.None);
        var accepted = await AcceptAfterWriteAsync(opened, server);
        var pendingRead = opened.ReadAsync(new byte[1]).AsTask();

        await client.DisposeAsync();

        await client.Completion.WaitAsync(Deadline);
        await Assert.ThrowsAsync<IOException>(() => pendingRead.WaitAsync(Deadline));
        await Assert.ThrowsAsync<IOException>(() => accepted.ReadAsync(new byte[1]).AsTask().WaitAsync(Deadline));
        await server.Completion.WaitAsync(Deadline);
    }

    [Fact]
    public async Task Stream_DisposedWhileThePeerNeverFinishes_IsResetAfterTheCloseTimeout()
    {
        var scheduler = new TestScheduler();
        var (client, server) = Pair(new YamuxOptions { Scheduler = scheduler });
        var opened = await client.OpenStreamAsync(CancellationToken.None);
        var accepted = await AcceptAfterWriteAsync(opened, server);

        await opened.DisposeAsync();
        Assert.Equal(0, await accepted.ReadAsync(new byte[1]).AsTask().WaitAsync(Deadline));
        Assert.Equal(1, client.OpenStreams);
        scheduler.AdvanceBy(TimeSpan.FromSeconds(30).Ticks);

        Assert.Equal(0, client.OpenStreams);
        await Eventually.WaitAsync(() => server.OpenStreams == 0, "the reset reached the server");
        var error = await Assert.ThrowsAsync<IOException>(() => accepted.WriteAsync(new byte[1]).AsTask());
        Assert.Contains("stream reset by peer", error.Message);
    }

    [Fact]
    public async Task Stream_DisposedWhileAReadWaits_TheReadEndsAndThePeerReadsZero()
    {
        var (client, server) = Pair();
        var opened = await client.OpenStreamAsync(CancellationToken.None);
        var accepted = await AcceptAfterWriteAsync(opened, server);
        var pendingRead = opened.ReadAsync(new byte[16]).AsTask();

        await opened.DisposeAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => pendingRead.WaitAsync(Deadline));
        Assert.Equal(0, await accepted.ReadAsync(new byte[1]).AsTask().WaitAsync(Deadline));
    }

    private static bool IsRefused(YamuxSession session)
    {
        try
        {
            session.OpenStreamAsync(CancellationToken.None).GetAwaiter().GetResult().Reset();
            return false;
        }
        catch (YamuxSessionClosedException)
        {
            return true;
        }
    }

    private static byte[] Frame(byte version, byte type, ushort flags, uint streamId, uint length)
    {
        var frame = new byte[12];
        frame[0] = version;
        frame[1] = type;
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(2), flags);
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(4), streamId);
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(8), length);
        return frame;
    }

    private static async Task<List<(byte Type, ushort Flags, uint StreamId, uint Length)>> ReadFramesAsync(Stream raw)
    {
        var frames = new List<(byte, ushort, uint, uint)>();
        var header = new byte[12];
        try
        {
            while (true)
            {
                await raw.ReadExactlyAsync(header);
                var length = BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(8));
                frames.Add((header[1], BinaryPrimitives.ReadUInt16BigEndian(header.AsSpan(2)), BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(4)), length));
                if (header[1] == 0 && length > 0)
                    await raw.ReadExactlyAsync(new byte[length]);
            }
        }
        catch (Exception e) when (e is EndOfStreamException or IOException or ObjectDisposedException)
        {
            return frames;
        }
    }

    private static async Task<YamuxStream> AcceptAfterWriteAsync(YamuxStream opened, YamuxSession server)
    {
        await opened.WriteAsync(new byte[] { 42 });
        var accepted = await server.AcceptStreamAsync(CancellationToken.None).WaitAsync(Deadline);
        var one = new byte[1];
        Assert.Equal(1, await accepted.ReadAsync(one).AsTask().WaitAsync(Deadline));
        Assert.Equal(42, one[0]);
        return accepted;
    }

    private static async Task<string> ReadExactlyAsync(Stream stream, int count)
        => System.Text.Encoding.ASCII.GetString(await ReadExactlyBytesAsync(stream, count));

    private static async Task<byte[]> ReadExactlyBytesAsync(Stream stream, int count)
    {
        var buffer = new byte[count];
        await stream.ReadExactlyAsync(buffer).AsTask().WaitAsync(Deadline);
        return buffer;
    }

    private static async Task<byte[]> ReadToEndAsync(Stream stream)
    {
        using var memory = new MemoryStream();
        await stream.CopyToAsync(memory).WaitAsync(Deadline);
        return memory.ToArray();
    }

    private (YamuxSession Client, YamuxSession Server) Pair(YamuxOptions? options = null, YamuxOptions? serverOptions = null)
    {
        options ??= new YamuxOptions { Scheduler = new TestScheduler() };
        var (left, right) = DuplexPipeStream.CreatePair();
        var client = YamuxSession.Client(left, options, new RecordingLogger());
        var server = YamuxSession.Server(right, serverOptions ?? options, new RecordingLogger());
        _disposables.Add(client);
        _disposables.Add(server);
        return (client, server);
    }
}
