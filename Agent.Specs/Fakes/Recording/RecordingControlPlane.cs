using System.Net;
using System.Reactive.Concurrency;
using System.Text;
using Agent.Reactive.Effects;
using Agent.Reactive.Protocol;
using Agent.Specs.Fakes.ControlPlane;

namespace Agent.Specs.Fakes.Recording;

/// <summary>
/// The recording endpoints of a control plane: starts answer at once with <c>rec-1</c>, <c>rec-2</c>... (or fail with
/// <see cref="StartFailure"/>); chunks are taken at once, or held until <see cref="ReleaseChunk"/> while
/// <see cref="HoldChunks"/> is set (a slow control plane), or fail with <see cref="ChunkFailure"/>. Every call is kept.
/// </summary>
public sealed class RecordingControlPlane(IScheduler scheduler) : SingleEndpointControlPlane(scheduler, "only the recording endpoints are served")
{
    private readonly Lock _gate = new();
    private readonly List<(string Id, string Data)> _chunks = [];
    private readonly Queue<TaskCompletionSource> _held = new();
    private readonly List<RecordingStartRequest> _starts = [];
    private readonly List<(string Id, RecordingEndRequest End)> _ends = [];

    /// <summary>An old control plane: 404 to every recording call.</summary>
    public static ControlPlaneException NotFound => new(HttpStatusCode.NotFound, "Route not found");

    public Exception? StartFailure { get; set; }

    public Exception? ChunkFailure { get; set; }

    public bool HoldChunks { get; set; }

    public IReadOnlyList<RecordingStartRequest> Starts
    {
        get
        {
            lock (_gate)
                return [.. _starts];
        }
    }

    public IReadOnlyList<(string Id, RecordingEndRequest End)> Ends
    {
        get
        {
            lock (_gate)
                return [.. _ends];
        }
    }

    /// <summary>The chunks taken, in order.</summary>
    public IReadOnlyList<string> Chunks
    {
        get
        {
            lock (_gate)
                return [.. _chunks.Select(chunk => chunk.Data)];
        }
    }

    /// <summary>Everything taken as one cast.</summary>
    public string Cast => string.Concat(Chunks);

    /// <summary>The cast's lines, without their line ends.</summary>
    public IReadOnlyList<string> Lines => Cast.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    public int HeldCount
    {
        get
        {
            lock (_gate)
                return _held.Count;
        }
    }

    public override Task<RecordingStartResponse> StartRecordingAsync(RecordingStartRequest request, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _starts.Add(request);
            return StartFailure is { } failure ? Task.FromException<RecordingStartResponse>(failure) : Task.FromResult(new RecordingStartResponse($"rec-{_starts.Count}"));
        }
    }

    public override Task AppendRecordingAsync(string id, RecordingChunkRequest chunk, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (ChunkFailure is { } failure)
                return Task.FromException(failure);
            _chunks.Add((id, chunk.Data));
            if (!HoldChunks)
                return Task.CompletedTask;
            var held = new TaskCompletionSource();
            _held.Enqueue(held);
            return held.Task;
        }
    }

    public override Task EndRecordingAsync(string id, RecordingEndRequest request, CancellationToken cancellationToken)
    {
        lock (_gate)
            _ends.Add((id, request));
        return Task.CompletedTask;
    }

    /// <summary>Answers the oldest held chunk.</summary>
    public void ReleaseChunk()
    {
        TaskCompletionSource held;
        lock (_gate)
            held = _held.Dequeue();
        held.SetResult();
    }

    /// <summary>The bytes of cast taken.</summary>
    public long Bytes => Encoding.UTF8.GetByteCount(Cast);
}
