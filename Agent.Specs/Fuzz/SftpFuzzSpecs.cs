using System.Buffers.Binary;
using System.Text;
using Agent.Runtime.Sshd.Sftp;
using Agent.Specs.Utilities;

namespace Agent.Specs.Fuzz;

/// <summary>
/// SFTP packets (INIT, then requests of every type with paths, handles, attributes and extensions) into
/// <see cref="SftpServer"/> over a fresh directory with a file, a directory and a link. The property: every request is
/// answered or the session ends with the protocol-error exit status, never an exception. The specs run as root, so
/// an input with any string that could leave the directory (absolute, <c>~</c>, <c>..</c>) is skipped, whatever
/// its alignment.
/// </summary>
[Collection(FuzzCollection.Name)]
public sealed class SftpFuzzSpecs
{
    // On tmpfs when there is one: a session's directory is made and removed per input, 40 times faster than on disk.
    private static readonly string Root = Directory.Exists("/dev/shm") ? "/dev/shm" : Path.GetTempPath();
    private static long _next;

    internal static FuzzTarget Target { get; } = new(
        "sftp-packets",
        [Session(Files()), Session(Directories()), Session(Extensions())],
        RunAsync)
    {
        Dictionary = [.. FuzzDictionaries.Ssh, .. FuzzDictionaries.Tokens("statvfs@openssh.com", "fstatvfs@openssh.com", "posix-rename@openssh.com", "hardlink@openssh.com", "fsync@openssh.com", "lsetstat@openssh.com", "limits@openssh.com", "expand-path@openssh.com", "\0\0\0\x01f", "\0\0\0\x01d", "\0\0\0\x04\0\0\0\x01")],
        MaxInputBytes = 16 * 1024,
        Skip = LeavesTheDirectory,
    };

    [Fact]
    public async Task Serve_MutatedPackets_AnsweredOrProtocolErrorExit()
        => await FuzzSpec.RunAsync(Target);

    /// <summary>True when some 32-bit length at some offset frames a string that is absolute, starts with <c>~</c> or holds <c>..</c>.</summary>
    internal static bool LeavesTheDirectory(byte[] input)
    {
        for (var at = 0; at + 4 < input.Length; at++)
        {
            var length = BinaryPrimitives.ReadUInt32BigEndian(input.AsSpan(at));
            if (length == 0 || length > (uint)(input.Length - at - 4))
                continue;
            var text = input.AsSpan(at + 4, (int)length);
            if (text[0] is (byte)'/' or (byte)'~' || text.IndexOf(".."u8) >= 0)
                return true;
        }

        return false;
    }

    private static async Task<FuzzOutcome> RunAsync(byte[] input, CancellationToken cancellationToken)
    {
        var home = Path.Join(Root, $"agent-sftp-fuzz-{Environment.ProcessId}-{Interlocked.Increment(ref _next)}");
        Directory.CreateDirectory(Path.Join(home, "d"));
        await File.WriteAllTextAsync(Path.Join(home, "f"), "hello\n", cancellationToken);
        await File.WriteAllTextAsync(Path.Join(home, "d", "g"), "g\n", cancellationToken);
        File.CreateSymbolicLink(Path.Join(home, "l"), "f");
        try
        {
            var connection = new ChunkedInputStream(input);
            var status = await SftpServer.ServeAsync(connection, connection, new SftpServerOptions { HomeDirectory = home, MaxOpenHandles = 8 }, new RecordingLogger(), cancellationToken);
            return status == 0 ? FuzzOutcome.Accepted : FuzzOutcome.Refused;
        }
        finally
        {
            await DeleteAsync(home);
        }
    }

    /// <summary>Deletes a session's directory; names that are not UTF-8 (the session may make them) need <c>rm</c>, .NET cannot name them.</summary>
    private static async Task DeleteAsync(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            using var rm = System.Diagnostics.Process.Start("rm", ["-rf", "--", directory]);
            await rm.WaitForExitAsync();
        }
    }

    private static byte[] Session(params byte[][] requests) => [.. Packet(w => w.U32(3), SftpPacketType.Init, null), .. requests.SelectMany(r => r)];

    private static byte[] Files()
        =>
        [
            .. Packet(w => w.Str("f").U32((uint)(SftpOpenFlags.Read | SftpOpenFlags.Write)).U32(0), SftpPacketType.Open, 1),
            .. Packet(w => w.Handle(1).U64(2).Bin("LLO"u8), SftpPacketType.Write, 2),
            .. Packet(w => w.Handle(1).U64(0).U32(4096), SftpPacketType.Read, 3),
            .. Packet(w => w.Handle(1), SftpPacketType.Fstat, 4),
            .. Packet(w => w.Handle(1).U32(0x0F).U64(3).U32(0).U32(0).U32(0x1A4).U32(1).U32(2), SftpPacketType.Fsetstat, 5),
            .. Packet(w => w.Str("fsync@openssh.com").Handle(1), SftpPacketType.Extended, 6),
            .. Packet(w => w.Handle(1), SftpPacketType.Close, 7),
            .. Packet(w => w.Str("n").U32((uint)(SftpOpenFlags.Write | SftpOpenFlags.Create | SftpOpenFlags.Truncate | SftpOpenFlags.Exclusive)).U32(4).U32(0x180), SftpPacketType.Open, 8),
            .. Packet(w => w.Handle(2).U64(1 << 20).Bin(new byte[300]), SftpPacketType.Write, 9),
            .. Packet(w => w.Handle(2), SftpPacketType.Close, 10),
            .. Packet(w => w.Str("n").U32(0x80000005).U64(7).U32(0x1ED).U32(1).Bin("k"u8).Bin("v"u8), SftpPacketType.Setstat, 11),
            .. Packet(w => w.Str("n"), SftpPacketType.Remove, 12),
        ];

    private static byte[] Directories()
        =>
        [
            .. Packet(w => w.Str("."), SftpPacketType.Opendir, 1),
            .. Packet(w => w.Handle(1), SftpPacketType.Readdir, 2),
            .. Packet(w => w.Handle(1), SftpPacketType.Readdir, 3),
            .. Packet(w => w.Handle(1), SftpPacketType.Close, 4),
            .. Packet(w => w.Str("e").U32(4).U32(0x1C0), SftpPacketType.Mkdir, 5),
            .. Packet(w => w.Str("f").Str("e/f"), SftpPacketType.Rename, 6),
            .. Packet(w => w.Str("k").Str("e/f"), SftpPacketType.Symlink, 7),
            .. Packet(w => w.Str("k"), SftpPacketType.Readlink, 8),
            .. Packet(w => w.Str("k"), SftpPacketType.Lstat, 9),
            .. Packet(w => w.Str("l"), SftpPacketType.Stat, 10),
            .. Packet(w => w.Str("d/./g"), SftpPacketType.Realpath, 11),
            .. Packet(w => w.Str("e/f"), SftpPacketType.Remove, 12),
            .. Packet(w => w.Str("e"), SftpPacketType.Rmdir, 13),
            .. Packet(w => w.U32(7), (SftpPacketType)99, 14),
        ];

    private static byte[] Extensions()
        =>
        [
            .. Packet(w => w.Str("statvfs@openssh.com").Str("."), SftpPacketType.Extended, 1),
            .. Packet(w => w.Str("posix-rename@openssh.com").Str("f").Str("d/h"), SftpPacketType.Extended, 2),
            .. Packet(w => w.Str("hardlink@openssh.com").Str("d/h").Str("x"), SftpPacketType.Extended, 3),
            .. Packet(w => w.Str("lsetstat@openssh.com").Str("l").U32(8).U32(5).U32(6), SftpPacketType.Extended, 4),
            .. Packet(w => w.Str("limits@openssh.com"), SftpPacketType.Extended, 5),
            .. Packet(w => w.Str("expand-path@openssh.com").Str("d"), SftpPacketType.Extended, 6),
            .. Packet(w => w.Str("d").U32((uint)SftpOpenFlags.Read).U32(0), SftpPacketType.Open, 7),
            .. Packet(w => w.Str("fstatvfs@openssh.com").Handle(1), SftpPacketType.Extended, 8),
            .. Packet(w => w.Str("no-such@example.com"), SftpPacketType.Extended, 9),
        ];

    private static byte[] Packet(Action<SftpPacketWriter> fields, SftpPacketType type, uint? id)
    {
        var writer = new SftpPacketWriter(256);
        if (id is { } value)
            writer.Begin(type, value);
        else
            writer.Begin(type);
        fields(writer);
        writer.End();
        return writer.Written.ToArray();
    }
}

/// <summary>Chained field writers for building SFTP requests.</summary>
internal static class SftpFuzzWriter
{
    public static SftpPacketWriter Str(this SftpPacketWriter writer, string value)
    {
        writer.WriteString(Encoding.UTF8.GetBytes(value));
        return writer;
    }

    public static SftpPacketWriter Handle(this SftpPacketWriter writer, uint handle)
    {
        Span<byte> name = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(name, handle);
        writer.WriteString(name);
        return writer;
    }

    public static SftpPacketWriter U32(this SftpPacketWriter writer, uint value)
    {
        writer.WriteUInt32(value);
        return writer;
    }

    public static SftpPacketWriter U64(this SftpPacketWriter writer, ulong value)
    {
        writer.WriteUInt64(value);
        return writer;
    }

    public static SftpPacketWriter Bin(this SftpPacketWriter writer, ReadOnlySpan<byte> value)
    {
        writer.WriteString(value);
        return writer;
    }
}
