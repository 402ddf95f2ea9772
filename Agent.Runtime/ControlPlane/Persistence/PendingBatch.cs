using Agent.Reactive.Protocol;

namespace Agent.Runtime.ControlPlane.Persistence;

/// <summary>What one flush writes; empty parts are not written.</summary>
internal sealed record PendingBatch(
    IReadOnlyDictionary<string, MetadataResult> Metadata,
    IReadOnlyDictionary<Guid, AppHealth> AppHealth,
    Stats? Stats,
    DateTimeOffset? Seen);
