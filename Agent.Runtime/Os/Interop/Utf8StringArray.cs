using System.Runtime.InteropServices;
using System.Text;

namespace Agent.Runtime.Os.Interop;

/// <summary>A NULL-terminated array of NUL-terminated UTF-8 strings in native memory (argv, envp).</summary>
internal sealed unsafe class Utf8StringArray : IDisposable
{
    private readonly byte** _pointers;
    private readonly int _count;
    private bool _disposed;

    public Utf8StringArray(IReadOnlyList<string> values)
    {
        foreach (var value in values)
            EnsureNoNul(value);
        _count = values.Count;
        _pointers = (byte**)NativeMemory.AllocZeroed((nuint)(_count + 1), (nuint)sizeof(byte*));
        for (var i = 0; i < _count; i++)
            _pointers[i] = Allocate(values[i]);
    }

    public byte** Pointer => _pointers;

    /// <summary>Copies <paramref name="value"/> into native memory with a trailing NUL; free with <see cref="NativeMemory.Free"/>.</summary>
    public static byte* Allocate(string value)
    {
        EnsureNoNul(value);
        var length = Encoding.UTF8.GetByteCount(value);
        var bytes = (byte*)NativeMemory.Alloc((nuint)length + 1);
        Encoding.UTF8.GetBytes(value, new Span<byte>(bytes, length));
        bytes[length] = 0;
        return bytes;
    }

    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        for (var i = 0; i < _count; i++)
            NativeMemory.Free(_pointers[i]);
        NativeMemory.Free(_pointers);
    }

    private static void EnsureNoNul(string value)
    {
        if (value.Contains('\0', StringComparison.Ordinal))
            throw new ArgumentException("A string passed to a process cannot contain NUL characters.", nameof(value));
    }
}
