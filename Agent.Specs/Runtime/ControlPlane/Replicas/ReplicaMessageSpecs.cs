using System.Text;
using Agent.Reactive.Protocol;
using Agent.Runtime.ControlPlane;
using Agent.Runtime.ControlPlane.Replicas;

namespace Agent.Specs.Runtime.ControlPlane.Replicas;

/// <summary>A change on the channel: cut into parts that fit PostgreSQL's 8000-byte payloads, put together again.</summary>
public sealed class ReplicaMessageSpecs
{
    private static readonly DateTimeOffset At = new(2023, 6, 6, 12, 0, 0, TimeSpan.Zero);
    private static readonly Guid Peer = Guid.Parse("6a0c1f3e-0000-4000-8000-000000000001");
    private static readonly Guid Self = Guid.Parse("6a0c1f3e-0000-4000-8000-000000000002");

    [Fact]
    public void Encode_A32KiBMetadataValueOfNonAscii_PartsFit8000BytesAndTheInboxGetsTheValueBack()
    {
        var value = string.Concat(Enumerable.Repeat("é€\u0001\"", ControlPlaneAgent.MaxMetadataBytes / 8));
        var change = new AgentChange("main", AgentChangeKind.Metadata, At) { MetadataKey = "cpu", Metadata = new MetadataResult(At, 0, value, string.Empty) };

        var payloads = ReplicaMessage.Encode(Peer, 1, change);
        var inbox = new ReplicaInbox(Self);
        var results = payloads.Select(inbox.Accept).ToList();

        Assert.True(payloads.Count > 1);
        Assert.All(payloads, payload => Assert.True(Encoding.UTF8.GetByteCount(payload) <= ReplicaMessage.MaxPayloadBytes, $"{Encoding.UTF8.GetByteCount(payload)} bytes"));
        Assert.All(results.SkipLast(1), result => Assert.Equal(InboxResultKind.Partial, result.Kind));
        Assert.Equal(InboxResultKind.Change, results[^1].Kind);
        Assert.Equal(value, results[^1].Received!.Metadata!.Value);
    }

    [Fact]
    public void Encode_ALogBatchBeyondTheParts_GoesAsReloadOfItsAgent()
    {
        var lines = Enumerable.Range(0, 2000).Select(i => new StartupLog(At, new string('\u0001', 400))).ToList();
        var change = new AgentChange("main", AgentChangeKind.Logs, At) { LogSource = LogSources.Startup, Logs = lines };

        var payload = Assert.Single(ReplicaMessage.Encode(Peer, 7, change));
        var received = new ReplicaInbox(Self).Accept(payload);

        Assert.Equal(InboxResultKind.Change, received.Kind);
        Assert.Equal(("main", AgentChangeKind.Reload), (received.Received!.Agent, received.Received.Kind));
    }

    [Theory]
    [InlineData("")]
    [InlineData("hello")]
    [InlineData("v1 not-a-guid 1 0 1 {}")]
    [InlineData("v1 6a0c1f3e000040008000000000000001 1 0 65 {}")]
    [InlineData("v1 6a0c1f3e000040008000000000000001 1 1 1 {}")]
    [InlineData("v1 6a0c1f3e000040008000000000000001 -1 0 1 {}")]
    [InlineData("v1 6a0c1f3e000040008000000000000001 1 0 1 {\"agent\":")]
    [InlineData("v2 6a0c1f3e000040008000000000000001 1 0 1 {}")]
    public void Accept_NotAReplicasChange_Malformed(string payload)
        => Assert.Equal(InboxResultKind.Malformed, new ReplicaInbox(Self).Accept(payload).Kind);
}
