using System.Text;
using System.Text.Json;

namespace Agent.Runtime.ControlPlane.Replicas;

/// <summary>
/// Puts the peers' changes together from the channel's payloads: this replica's own are ignored, parts are joined,
/// and each peer's sequence is followed, so a change that was lost (the peer's queue overflowed, its connection
/// failed, a part went missing) shows as a gap. Bounded: one change in assembly per peer, at most
/// <see cref="ReplicaMessage.MaxParts"/> parts, <see cref="MaxPeers"/> peers. Not thread-safe (one listener feeds it).
/// </summary>
internal sealed class ReplicaInbox
{
    /// <summary>Peers followed at once; a stranger beyond them is dropped, as a gap.</summary>
    public const int MaxPeers = 64;

    private readonly Guid _self;
    private readonly Dictionary<Guid, Peer> _peers = [];

    public ReplicaInbox(Guid self) => _self = self;

    /// <summary>Forgets every peer's position: after a reconnect, everything is read from the database anyway.</summary>
    public void Reset() => _peers.Clear();

    /// <summary>Takes one payload.</summary>
    public InboxResult Accept(string payload)
    {
        if (ReplicaMessage.TryParse(payload) is not { } message)
            return InboxResult.Malformed;
        if (message.Sender == _self)
            return InboxResult.Own;
        if (!_peers.TryGetValue(message.Sender, out var peer))
        {
            if (_peers.Count >= MaxPeers)
                return InboxResult.Gap(message.Sender, null);
            if (message.Part != 0)
            {
                // Joined in the middle of a change: what it said was stored before it was sent, and the reload at
                // (re)connect read it; follow the peer from here.
                _peers[message.Sender] = new Peer { Last = message.Sequence };
                return InboxResult.Partial;
            }

            peer = new Peer { Last = message.Sequence - 1 };
            _peers[message.Sender] = peer;
        }

        var gap = false;
        if (message.Part == 0)
        {
            gap = message.Sequence != peer.Last + 1 || peer.Body.Length > 0;
            peer.Body.Clear();
            peer.Sequence = message.Sequence;
            peer.Parts = message.Parts;
            peer.Next = 0;
        }
        else if (message.Sequence != peer.Sequence || message.Part != peer.Next || message.Parts != peer.Parts)
        {
            peer.Body.Clear();
            peer.Last = Math.Max(peer.Last, message.Sequence);
            return InboxResult.Gap(message.Sender, null);
        }

        peer.Body.Append(message.Body);
        peer.Next++;
        if (peer.Next < peer.Parts)
            return gap ? InboxResult.Gap(message.Sender, null) : InboxResult.Partial;
        var json = peer.Body.ToString();
        peer.Body.Clear();
        peer.Last = message.Sequence;
        AgentChange? change;
        try
        {
            change = JsonSerializer.Deserialize(json, ReplicaJsonContext.Default.AgentChange);
        }
        catch (JsonException)
        {
            return InboxResult.Malformed;
        }

        return change is null || string.IsNullOrEmpty(change.Agent)
            ? InboxResult.Malformed
            : gap ? InboxResult.Gap(message.Sender, change) : InboxResult.Change(message.Sender, change);
    }

    private sealed class Peer
    {
        public StringBuilder Body { get; } = new();

        public long Last { get; set; }

        public long Sequence { get; set; }

        public int Parts { get; set; }

        public int Next { get; set; }
    }
}
