using System.Buffers.Binary;

namespace Agent.Runtime.Sshd.Sftp;

/// <summary>
/// The open handles of one session, at most <c>capacity</c> and each taken from the shared <c>budget</c> (when there
/// is one); a handle on the wire is a 4-byte number.
/// </summary>
internal sealed class SftpHandleTable(int capacity, SftpHandleBudget? budget) : IDisposable
{
    private readonly Dictionary<uint, SftpHandle> _handles = [];
    private uint _next;

    public int Count => _handles.Count;

    /// <summary>Registers <paramref name="handle"/>; false (and the caller disposes it) when the table is full.</summary>
    public bool TryAdd(SftpHandle handle, out byte[] name)
    {
        name = [];
        if (_handles.Count >= capacity || (budget is not null && !budget.TryTake()))
            return false;
        do
        {
            _next++;
        }
        while (_handles.ContainsKey(_next));
        _handles[_next] = handle;
        name = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(name, _next);
        return true;
    }

    public bool TryGet<T>(ReadOnlySpan<byte> name, out T handle)
        where T : SftpHandle
    {
        handle = null!;
        if (name.Length != 4 || !_handles.TryGetValue(BinaryPrimitives.ReadUInt32BigEndian(name), out var found) || found is not T typed)
            return false;
        handle = typed;
        return true;
    }

    public bool TryRemove(ReadOnlySpan<byte> name, out SftpHandle handle)
    {
        handle = null!;
        if (name.Length != 4 || !_handles.Remove(BinaryPrimitives.ReadUInt32BigEndian(name), out handle!))
            return false;
        budget?.Release();
        return true;
    }

    public void Dispose()
    {
        foreach (var handle in _handles.Values)
            handle.Dispose();
        budget?.Release(_handles.Count);
        _handles.Clear();
    }
}
