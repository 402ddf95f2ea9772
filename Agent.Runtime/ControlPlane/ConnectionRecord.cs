using Agent.Reactive.Protocol;

namespace Agent.Runtime.ControlPlane;

/// <summary>
/// One connection to an agent as the control plane keeps it (<c>GET /api/v2/workspaceagents/{name}/connections</c>):
/// its connect and disconnect reports merged. A connection whose connect report was lost has no <see cref="ConnectedAt"/>;
/// one still open (or whose disconnect was lost) has no <see cref="DisconnectedAt"/>.
/// </summary>
public sealed record ConnectionRecord(
    Guid Id,
    string Type,
    string Ip,
    string User,
    string Who,
    string What,
    DateTimeOffset? ConnectedAt,
    DateTimeOffset? DisconnectedAt,
    int? StatusCode,
    string? Signal,
    string? Reason,
    IReadOnlyList<FileOperation> FileOperations,
    int FileOperationsDropped);
