using Agent.Reactive.Protocol;
using Agent.Runtime.ControlPlane;

namespace Agent.Specs.Fakes.ControlPlane;

/// <summary>The recording store of <see cref="FakeControlPlaneDatabase"/>: a spec that reaches it fails (recordings are specified on SQLite).</summary>
public sealed class UnusedRecordingStore : IRecordingStore
{
    public Task<string> StartAsync(string agent, RecordingStartRequest start, RecordingCaps caps, CancellationToken cancellationToken) => throw Unused();

    public Task<RecordingAppend> AppendAsync(string agent, string id, string data, RecordingCaps caps, CancellationToken cancellationToken) => throw Unused();

    public Task<bool> EndAsync(string agent, string id, RecordingEndRequest end, CancellationToken cancellationToken) => throw Unused();

    public Task<IReadOnlyList<RecordingSummary>> ListAsync(string agent, CancellationToken cancellationToken) => throw Unused();

    public Task<(RecordingSummary Summary, IReadOnlyList<string> Chunks)?> ReadAsync(string agent, string id, CancellationToken cancellationToken) => throw Unused();

    private static NotSupportedException Unused() => new("session recordings are specified on SQLite, not on the fake database");
}
