using Agent.Reactive.Protocol;

namespace Agent.Reactive.Audit;

/// <summary>
/// A connection reported open by an <see cref="IConnectionAudit"/>: <see cref="Close"/> reports its end, once (later calls
/// do nothing), with the file operations <see cref="Files"/> collected meanwhile.
/// </summary>
public sealed class AuditedConnection
{
    private readonly ConnectionReport _opened;
    private readonly Func<DateTimeOffset> _now;
    private readonly Action<ConnectionReport> _report;
    private int _closed;

    internal AuditedConnection(ConnectionReport opened, Func<DateTimeOffset> now, Action<ConnectionReport> report)
    {
        _opened = opened;
        _now = now;
        _report = report;
    }

    public Guid Id => _opened.Id;

    /// <summary>The file operations of this connection (SFTP, scp), reported with its end.</summary>
    public FileOperationLog Files { get; } = new();

    /// <summary>Whether <see cref="Close"/> was called.</summary>
    public bool IsClosed => Volatile.Read(ref _closed) != 0;

    /// <summary>Reports the end: the exit status, or the signal, or the reason (the client left, a refusal).</summary>
    public void Close(int statusCode = 0, string? signal = null, string? reason = null)
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0)
            return;
        var (operations, dropped) = Files.Snapshot();
        _report(_opened with
        {
            Action = ConnectionActions.Disconnect,
            Timestamp = _now(),
            StatusCode = statusCode,
            Signal = signal,
            Reason = reason,
            FileOperations = operations.Count == 0 ? null : operations,
            FileOperationsDropped = dropped,
        });
    }
}
