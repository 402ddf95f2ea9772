using Agent.Runtime.Ssh.Wire;

namespace Agent.Runtime.Sshd.Session;

/// <summary>
/// The payloads of the session requests (RFC 4254 section 6), read strictly: a field missing or left over is a
/// <see cref="FormatException"/> from <see cref="SshReader"/>, which refuses that one request.
/// </summary>
internal static class SessionRequestPayloads
{
    /// <summary><c>pty-req</c>: TERM, size in cells (pixels ignored) and the encoded terminal modes, not yet decoded.</summary>
    public static (string Term, uint Columns, uint Rows, byte[] Modes) ReadPty(ReadOnlyMemory<byte> data)
    {
        var reader = new SshReader(data.Span);
        var term = reader.ReadString();
        var columns = reader.ReadUInt32();
        var rows = reader.ReadUInt32();
        reader.ReadUInt32();
        reader.ReadUInt32();
        var modes = reader.ReadBinary();
        reader.EnsureEnd("pty-req");
        return (term, columns, rows, modes.ToArray());
    }

    /// <summary><c>env</c>: a name and its value.</summary>
    public static (string Name, string Value) ReadVariable(ReadOnlyMemory<byte> data)
    {
        var reader = new SshReader(data.Span);
        var name = reader.ReadString();
        var value = reader.ReadString();
        reader.EnsureEnd("env");
        return (name, value);
    }

    /// <summary><c>window-change</c>: the new size in cells (pixels ignored).</summary>
    public static (uint Columns, uint Rows) ReadWindowChange(ReadOnlyMemory<byte> data)
    {
        var reader = new SshReader(data.Span);
        var columns = reader.ReadUInt32();
        var rows = reader.ReadUInt32();
        reader.ReadUInt32();
        reader.ReadUInt32();
        reader.EnsureEnd("window-change");
        return (columns, rows);
    }

    /// <summary>A payload of one string: <c>exec</c>'s command, <c>subsystem</c>'s name, <c>signal</c>'s name.</summary>
    public static string ReadSingleString(ReadOnlyMemory<byte> data, string what)
    {
        var reader = new SshReader(data.Span);
        var value = reader.ReadString();
        reader.EnsureEnd(what);
        return value;
    }

    /// <summary>An empty payload (<c>shell</c>).</summary>
    public static void EnsureEnd(ReadOnlyMemory<byte> data, string what) => new SshReader(data.Span).EnsureEnd(what);

    /// <summary>A size from the client, 0 meaning "keep <paramref name="fallback"/>", clamped to what a terminal holds.</summary>
    public static ushort ClampSize(uint value, ushort fallback) => value == 0 ? fallback : (ushort)Math.Min(value, ushort.MaxValue);
}
