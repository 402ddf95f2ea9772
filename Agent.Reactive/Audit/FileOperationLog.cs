using Agent.Reactive.Protocol;

namespace Agent.Reactive.Audit;

/// <summary>
/// The file operations of one session, at most <see cref="Capacity"/> (Coder keeps 512); those past it are counted in
/// <see cref="Dropped"/>, so the disconnect report states the overflow. Thread-safe.
/// </summary>
public sealed class FileOperationLog
{
    /// <summary>Coder's cap of file operations per session.</summary>
    public const int DefaultCapacity = 512;

    private readonly Lock _gate = new();
    private readonly List<FileOperation> _operations = [];
    private int _dropped;

    public FileOperationLog(int capacity = DefaultCapacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 0);
        Capacity = capacity;
    }

    public int Capacity { get; }

    /// <summary>Operations past <see cref="Capacity"/>, not kept.</summary>
    public int Dropped
    {
        get
        {
            lock (_gate)
                return _dropped;
        }
    }

    public void Add(FileOperation operation)
    {
        ArgumentNullException.ThrowIfNull(operation);
        lock (_gate)
        {
            if (_operations.Count < Capacity)
                _operations.Add(operation);
            else
                _dropped++;
        }
    }

    /// <summary>What was kept, in order, and how many were dropped.</summary>
    public (IReadOnlyList<FileOperation> Kept, int Dropped) Snapshot()
    {
        lock (_gate)
            return ([.. _operations], _dropped);
    }
}
