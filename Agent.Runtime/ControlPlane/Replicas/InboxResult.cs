namespace Agent.Runtime.ControlPlane.Replicas;

/// <summary>What <see cref="ReplicaInbox.Accept"/> made of a payload.</summary>
/// <param name="Kind">What happened.</param>
/// <param name="Sender">The peer, for a change or a gap.</param>
/// <param name="Received">The change completed by this payload, if any.</param>
internal sealed record InboxResult(InboxResultKind Kind, Guid Sender, AgentChange? Received)
{
    public static InboxResult Own { get; } = new(InboxResultKind.Own, Guid.Empty, null);

    public static InboxResult Partial { get; } = new(InboxResultKind.Partial, Guid.Empty, null);

    public static InboxResult Malformed { get; } = new(InboxResultKind.Malformed, Guid.Empty, null);

    public static InboxResult Change(Guid sender, AgentChange change) => new(InboxResultKind.Change, sender, change);

    /// <summary>Something of <paramref name="sender"/>'s was lost before this (and <paramref name="change"/>, if any, completed).</summary>
    public static InboxResult Gap(Guid sender, AgentChange? change) => new(InboxResultKind.Gap, sender, change);
}
