using Agent.Reactive.Protocol;

namespace Agent.Runtime.ControlPlane;

/// <summary>
/// Where session recordings are kept (the database, schema v5): one row per recording and its chunks in order. Bounded
/// by <see cref="RecordingCaps"/>: recordings per agent (the oldest are dropped) and bytes per recording.
/// </summary>
public interface IRecordingStore
{
    /// <summary>Keeps a new recording of <paramref name="agent"/> and returns its ID; drops its oldest beyond the cap.</summary>
    Task<string> StartAsync(string agent, RecordingStartRequest start, RecordingCaps caps, CancellationToken cancellationToken);

    /// <summary>Appends <paramref name="data"/> to the recording, unless it is someone else's, ended, or would pass the cap.</summary>
    Task<RecordingAppend> AppendAsync(string agent, string id, string data, RecordingCaps caps, CancellationToken cancellationToken);

    /// <summary>Marks the recording ended; false when <paramref name="agent"/> has no such recording.</summary>
    Task<bool> EndAsync(string agent, string id, RecordingEndRequest end, CancellationToken cancellationToken);

    /// <summary>The agent's recordings, newest first.</summary>
    Task<IReadOnlyList<RecordingSummary>> ListAsync(string agent, CancellationToken cancellationToken);

    /// <summary>One recording's summary and its cast (the chunks in order), or <c>null</c>.</summary>
    Task<(RecordingSummary Summary, IReadOnlyList<string> Chunks)?> ReadAsync(string agent, string id, CancellationToken cancellationToken);
}
