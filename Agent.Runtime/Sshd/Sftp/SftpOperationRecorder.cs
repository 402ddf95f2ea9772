using System.Text;
using Agent.Reactive.Audit;
using Agent.Reactive.Protocol;
using Agent.Runtime.Ssh.Wire;

namespace Agent.Runtime.Sshd.Sftp;

/// <summary>
/// Records an SFTP session's file operations into its <see cref="FileOperationLog"/> from each request and the reply the
/// server gave it (so the server itself stays as it was): a file handle is one <c>open-read</c>/<c>open-write</c>
/// operation with the bytes read and written through it, recorded when it is closed (or when the session ends with it
/// open); <c>remove</c>, <c>rename</c>, <c>mkdir</c>, <c>rmdir</c>, <c>setstat</c>, <c>symlink</c> and <c>link</c> are
/// recorded as asked. Refused ones are recorded as failed. Paths are cut at <see cref="MaxPathLength"/> characters.
/// </summary>
internal sealed class SftpOperationRecorder(FileOperationLog log, TimeProvider time) : IDisposable
{
    /// <summary>Longer paths are cut, so that 512 operations stay a bounded report.</summary>
    public const int MaxPathLength = 512;

    private const uint Read = 1;
    private const uint Write = 2;
    private const uint Append = 4;

    private readonly Dictionary<string, OpenFile> _files = new(StringComparer.Ordinal);

    /// <summary>Takes one request (type onwards) and the reply written for it (length prefix onwards).</summary>
    public void Observe(ReadOnlySpan<byte> request, ReadOnlySpan<byte> reply)
    {
        if (reply.Length < 9)
            return;
        try
        {
            var reader = new SshReader(request);
            var type = (SftpPacketType)reader.ReadByte();
            if (type == SftpPacketType.Init)
                return;
            reader.ReadUInt32();
            var answer = new SshReader(reply[4..]);
            var replyType = (SftpPacketType)answer.ReadByte();
            answer.ReadUInt32();
            var ok = replyType != SftpPacketType.Status || answer.ReadUInt32() == 0;
            Record(type, ref reader, replyType, ref answer, ok);
        }
        catch (SshProtocolException)
        {
            // A request the server refused as malformed: it has nothing to record.
        }
    }

    /// <summary>The session ended: handles still open are recorded with what went through them.</summary>
    public void Dispose()
    {
        foreach (var file in _files.Values)
            log.Add(file.Operation());
        _files.Clear();
    }

    private static string Text(ReadOnlySpan<byte> bytes)
    {
        var text = Encoding.UTF8.GetString(bytes);
        return text.Length <= MaxPathLength ? text : text[..MaxPathLength];
    }

    private void Record(SftpPacketType type, ref SshReader request, SftpPacketType replyType, ref SshReader reply, bool ok)
    {
        switch (type)
        {
            case SftpPacketType.Open:
                var path = Text(request.ReadBinary());
                var flags = request.ReadUInt32();
                var operation = (flags & (Write | Append)) != 0 ? "open-write" : (flags & Read) != 0 ? "open-read" : "open";
                if (replyType == SftpPacketType.Handle)
                    _files[Convert.ToHexString(reply.ReadBinary())] = new OpenFile(time.GetUtcNow(), operation, path);
                else
                    Add(operation, path, null, ok);
                break;
            case SftpPacketType.Read when replyType == SftpPacketType.Data && _files.TryGetValue(Convert.ToHexString(request.ReadBinary()), out var reading):
                reading.BytesRead += reply.ReadBinary().Length;
                break;
            case SftpPacketType.Write when ok && _files.TryGetValue(Convert.ToHexString(request.ReadBinary()), out var writing):
                request.ReadUInt64();
                writing.BytesWritten += request.ReadBinary().Length;
                break;
            case SftpPacketType.Close when _files.Remove(Convert.ToHexString(request.ReadBinary()), out var closed):
                log.Add(closed.Operation());
                break;
            case SftpPacketType.Fsetstat when _files.TryGetValue(Convert.ToHexString(request.ReadBinary()), out var changed):
                Add("setstat", changed.Path, null, ok);
                break;
            case SftpPacketType.Remove or SftpPacketType.Rmdir or SftpPacketType.Mkdir or SftpPacketType.Setstat:
                Add(type.ToString().ToLowerInvariant(), Text(request.ReadBinary()), null, ok);
                break;
            case SftpPacketType.Rename:
                Add("rename", Text(request.ReadBinary()), Text(request.ReadBinary()), ok);
                break;
            case SftpPacketType.Symlink:
                // OpenSSH sends the target first, then the link (the draft's order reversed); recorded as sent.
                Add("symlink", Text(request.ReadBinary()), Text(request.ReadBinary()), ok);
                break;
            case SftpPacketType.Extended:
                var name = request.ReadString();
                if (name is "posix-rename@openssh.com" or "hardlink@openssh.com")
                    Add(name.StartsWith("posix", StringComparison.Ordinal) ? "rename" : "link", Text(request.ReadBinary()), Text(request.ReadBinary()), ok);
                break;
        }
    }

    private void Add(string operation, string path, string? target, bool ok)
        => log.Add(new FileOperation(time.GetUtcNow(), operation, path, target, Failed: !ok));

    private sealed class OpenFile(DateTimeOffset at, string operation, string path)
    {
        public string Path => path;

        public long BytesRead { get; set; }

        public long BytesWritten { get; set; }

        public FileOperation Operation() => new(at, operation, path, BytesRead: BytesRead, BytesWritten: BytesWritten);
    }
}
