using Agent.Runtime.Relay.Yamux;
using Agent.Specs.Utilities;
using Microsoft.Reactive.Testing;

namespace Agent.Specs.Runtime.Relay.Yamux;

/// <summary>What a quiet session holds: the control plane keeps one per connected agent, most of them idle.</summary>
public sealed class YamuxIdleMemorySpecs : IAsyncLifetime
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
    public async Task Outbox_AfterTrafficEnds_HoldsNoBuffer()
    {
        var (client, server) = Pair();
        var opened = await client.OpenStreamAsync(CancellationToken.None);
        var payload = new byte[300_000];
        Random.Shared.NextBytes(payload);
        var writing = opened.WriteAsync(payload).AsTask();
        var accepted = await server.AcceptStreamAsync(CancellationToken.None).WaitAsync(Deadline);
        var received = new byte[payload.Length];
        await accepted.ReadExactlyAsync(received).AsTask().WaitAsync(Deadline);
        await writing.WaitAsync(Deadline);
        await accepted.WriteAsync(new byte[100]);
        await opened.ReadExactlyAsync(new byte[100]).AsTask().WaitAsync(Deadline);
        await client.PingAsync(CancellationToken.None).WaitAsync(Deadline);

        Assert.Equal(payload, received);
        await Eventually.WaitAsync(() => client.Outbox.HeldBufferBytes == 0 && server.Outbox.HeldBufferBytes == 0, "both outboxes to give their buffers back", Deadline);
    }

    [Fact]
    public async Task Outbox_ManySmallFrames_GrowsItsBufferAndDeliversThemInOrder()
    {
        var (client, server) = Pair();
        var opened = await client.OpenStreamAsync(CancellationToken.None);
        var writes = Enumerable.Range(0, 2_000).Select(i => BitConverter.GetBytes(i)).ToArray();
        var writing = Task.Run(async () =>
        {
            foreach (var write in writes)
                await opened.WriteAsync(write);
        });
        var accepted = await server.AcceptStreamAsync(CancellationToken.None).WaitAsync(Deadline);
        var received = new byte[writes.Length * 4];
        await accepted.ReadExactlyAsync(received).AsTask().WaitAsync(Deadline);
        await writing.WaitAsync(Deadline);

        Assert.Equal(writes.SelectMany(w => w).ToArray(), received);
    }

    [Fact]
    public void FrameReader_Buffer_IsAtMost4KiB()
    {
        using var reader = new YamuxFrameReader(Stream.Null, CancellationToken.None);

        Assert.True(YamuxFrameReader.BufferSize <= 4 * 1024);
        Assert.Equal(YamuxFrameReader.BufferSize, reader.BufferBytes);
    }

    private (YamuxSession Client, YamuxSession Server) Pair()
    {
        var options = new YamuxOptions { Scheduler = new TestScheduler() };
        var (left, right) = DuplexPipeStream.CreatePair();
        var client = YamuxSession.Client(left, options, new RecordingLogger());
        var server = YamuxSession.Server(right, options, new RecordingLogger());
        _disposables.Add(client);
        _disposables.Add(server);
        return (client, server);
    }
}
