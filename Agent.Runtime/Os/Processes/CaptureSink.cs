namespace Agent.Runtime.Os.Processes;

/// <summary>Keeps the first bytes of the output up to a limit and counts all of them.</summary>
internal sealed class CaptureSink : IOutputSink
{
    private readonly int _limit;
    private byte[] _kept = [];
    private int _keptLength;

    public CaptureSink(int limit)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        _limit = limit;
    }

    public long TotalBytes { get; private set; }

    public ReadOnlyMemory<byte> Kept => _kept.AsMemory(0, _keptLength);

    public void Write(ReadOnlySpan<byte> chunk)
    {
        TotalBytes += chunk.Length;
        var take = Math.Min(chunk.Length, _limit - _keptLength);
        if (take <= 0)
            return;
        if (_keptLength + take > _kept.Length)
            Array.Resize(ref _kept, (int)Math.Min(_limit, Math.Max(_keptLength + take, Math.Max(4096L, _kept.Length * 2L))));
        chunk[..take].CopyTo(_kept.AsSpan(_keptLength));
        _keptLength += take;
    }

    public void Finish()
    {
    }
}
