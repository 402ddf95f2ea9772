using Agent.Runtime.ControlPlane;
using Agent.Runtime.ControlPlane.Replicas;

namespace Agent.Specs.Runtime.ControlPlane.Replicas;

/// <summary>The peers' changes in sequence: this replica's own ignored, a lost change seen as a gap.</summary>
public sealed class ReplicaInboxSpecs
{
    private static readonly DateTimeOffset At = new(2023, 6, 6, 12, 0, 0, TimeSpan.Zero);
    private static readonly Guid Peer = Guid.Parse("6a0c1f3e-0000-4000-8000-000000000001");
    private static readonly Guid Self = Guid.Parse("6a0c1f3e-0000-4000-8000-000000000002");
    private readonly ReplicaInbox _inbox = new(Self);

    [Fact]
    public void Accept_OwnChange_Ignored()
        => Assert.Equal(InboxResultKind.Own, _inbox.Accept(Seen(Self, 1)).Kind);

    [Fact]
    public void Accept_PeersChangesInSequence_EachAChange()
        => Assert.Equal(
            [InboxResultKind.Change, InboxResultKind.Change, InboxResultKind.Change],
            new[] { 5L, 6, 7 }.Select(sequence => _inbox.Accept(Seen(Peer, sequence)).Kind));

    [Fact]
    public void Accept_ASequenceNumberSkipped_GapWithTheChange()
    {
        _inbox.Accept(Seen(Peer, 1));

        var result = _inbox.Accept(Seen(Peer, 3));

        Assert.Equal((InboxResultKind.Gap, Peer), (result.Kind, result.Sender));
        Assert.Equal("main", result.Received?.Agent);
    }

    [Fact]
    public void Accept_APartMissing_Gap()
    {
        var value = new string('x', 3 * ReplicaMessage.MaxPartChars);
        var parts = ReplicaMessage.Encode(Peer, 2, new AgentChange("main", AgentChangeKind.Metadata, At) { MetadataKey = "cpu", Metadata = new(At, 0, value, string.Empty) });
        _inbox.Accept(Seen(Peer, 1));

        _inbox.Accept(parts[0]);
        var result = _inbox.Accept(parts[2]);

        Assert.Equal(InboxResultKind.Gap, result.Kind);
        Assert.Null(result.Received);
    }

    [Fact]
    public void Accept_AfterReset_AnyNumberStartsTheSequence()
    {
        _inbox.Accept(Seen(Peer, 1));
        _inbox.Reset();

        Assert.Equal(InboxResultKind.Change, _inbox.Accept(Seen(Peer, 40)).Kind);
    }

    private static string Seen(Guid sender, long sequence)
        => Assert.Single(ReplicaMessage.Encode(sender, sequence, new AgentChange("main", AgentChangeKind.Seen, At)));
}
