using System.Text;
using Agent.Runtime.Relay.Sse;

namespace Agent.Specs.Runtime.Relay.Sse;

public sealed class ServerSentEventsReaderSpecs
{
    private const string Sample =
        "\uFEFF: ping\r\n\r\nevent: lifecycle\r\ndata: {\"state\":\"ready\"}\r\n\r\n"
        + "data: first\ndata:second\ndata:  third\n\n"
        + "event: log\rdata: caf\u00e9 \u2713\r\r"
        + "id: 7\nretry: 1500\nevent: only-type\n\n"
        + "data\n\n";

    private static readonly ServerSentEvent[] SampleEvents =
    [
        new("lifecycle", "{\"state\":\"ready\"}"),
        new("message", "first\nsecond\n third"),
        new("log", "caf\u00e9 \u2713"),
        new("message", string.Empty, "7", TimeSpan.FromMilliseconds(1500)),
    ];

    [Fact]
    public void Feed_WholeStream_DispatchesEachEventAsTheStandardSays()
        => Assert.Equal(SampleEvents, new ServerSentEventsReader().Feed(Encoding.UTF8.GetBytes(Sample)));

    [Fact]
    public void Feed_CutAtEveryByte_GivesTheSameEvents()
    {
        var bytes = Encoding.UTF8.GetBytes(Sample);
        for (var cut = 0; cut <= bytes.Length; cut++)
        {
            var reader = new ServerSentEventsReader();
            var events = reader.Feed(bytes.AsSpan(0, cut)).Concat(reader.Feed(bytes.AsSpan(cut))).ToList();
            Assert.Equal(SampleEvents, events);
        }
    }

    [Fact]
    public void Feed_OneByteAtATime_GivesTheSameEvents()
    {
        var reader = new ServerSentEventsReader();
        var events = Encoding.UTF8.GetBytes(Sample).SelectMany(b => reader.Feed([b])).ToList();
        Assert.Equal(SampleEvents, events);
    }

    [Fact]
    public void Feed_CrLfSplitAcrossChunks_IsOneLineEnd()
    {
        var reader = new ServerSentEventsReader();
        Assert.Empty(reader.Feed("data: a\r".AsSpan()));
        Assert.Empty(reader.Feed("\ndata: b\r".AsSpan()));
        Assert.Equal([new ServerSentEvent("message", "a\nb")], reader.Feed("\n\r\n".AsSpan()));
    }

    [Fact]
    public void Feed_CommentsAndEventsWithoutData_DispatchNothing()
    {
        var reader = new ServerSentEventsReader();
        Assert.Empty(reader.Feed(": ping\n\n: another\n\nevent: lonely\n\nunknown: field\n\n".AsSpan()));
        Assert.Equal([new ServerSentEvent("message", "x")], reader.Feed("data: x\n\n".AsSpan()));
    }

    [Fact]
    public void Feed_EventType_IsForgottenAfterEachDispatch()
    {
        var events = new ServerSentEventsReader().Feed("event: a\ndata: 1\n\ndata: 2\n\n".AsSpan());
        Assert.Equal([new ServerSentEvent("a", "1"), new ServerSentEvent("message", "2")], events);
    }

    [Fact]
    public void Feed_IdWithNul_IsIgnoredAndBadRetryIsIgnored()
    {
        var events = new ServerSentEventsReader().Feed("id: 1\ndata: a\n\nid: 2\0\nretry: 10x\ndata: b\n\n".AsSpan());
        Assert.Equal([new ServerSentEvent("message", "a", "1"), new ServerSentEvent("message", "b", "1")], events);
    }

    [Fact]
    public async Task ReadAllAsync_UnfinishedLastEvent_IsDropped()
    {
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes("data: done\n\ndata: unfinished\n"));
        var events = new List<ServerSentEvent>();
        await foreach (var serverSentEvent in ServerSentEventsReader.ReadAllAsync(stream))
            events.Add(serverSentEvent);
        Assert.Equal([new ServerSentEvent("message", "done")], events);
    }

    [Fact]
    public void Feed_LineLongerThanTheBound_Throws()
    {
        var reader = new ServerSentEventsReader(maxLength: 16);
        Assert.Single(reader.Feed("data: 0123456789\n\n".AsSpan()));
        Assert.Throws<InvalidDataException>(() => reader.Feed("data: 0123456789ab".AsSpan()));
    }

    [Fact]
    public void Feed_EndlessCommentWithoutLineEnd_Throws()
    {
        var reader = new ServerSentEventsReader(maxLength: 1024);
        var chunk = new string('x', 100);
        Assert.Throws<InvalidDataException>(() =>
        {
            for (var i = 0; i < 20; i++)
                reader.Feed(chunk.AsSpan());
        });
    }

    [Fact]
    public void Feed_EventDataLongerThanTheBound_Throws()
    {
        var reader = new ServerSentEventsReader(maxLength: 32);
        Assert.Throws<InvalidDataException>(() => reader.Feed(string.Concat(Enumerable.Repeat("data: 0123456789\n", 4)).AsSpan()));
    }

    [Fact]
    public void Feed_DefaultBound_AcceptsALineOfOneMebibyte()
    {
        var data = new string('a', ServerSentEventsReader.DefaultMaxLength - "data: ".Length);
        var events = new ServerSentEventsReader().Feed(Encoding.UTF8.GetBytes($"data: {data}\n\n"));
        Assert.Equal(data.Length, Assert.Single(events).Data.Length);
    }
}
