using System.Text;
using Agent.Runtime.Ssh.Wire;
using Microsoft.Extensions.Logging;

namespace Agent.Runtime.Sshd.Sftp;

/// <summary>
/// One SFTP version 3 session: the requests of draft-ietf-secsh-filexfer-02 and OpenSSH's extensions, answered as
/// OpenSSH's sftp-server answers them. <see cref="Handle"/> takes one packet (type onwards) and appends the reply.
/// A packet that breaks the protocol throws <see cref="SshProtocolException"/>: the session ends.
/// </summary>
internal sealed class SftpSession : IDisposable
{
    public const uint ProtocolVersion = 3;

    /// <summary>READDIR sends at most this many entries in one NAME reply (as OpenSSH).</summary>
    public const int MaxNamesPerReply = 100;

    private static readonly (string Name, string Version)[] Extensions =
    [
        ("posix-rename@openssh.com", "1"),
        ("statvfs@openssh.com", "2"),
        ("fstatvfs@openssh.com", "2"),
        ("hardlink@openssh.com", "1"),
        ("fsync@openssh.com", "1"),
        ("lsetstat@openssh.com", "1"),
        ("limits@openssh.com", "1"),
        ("expand-path@openssh.com", "1"),
    ];

    private readonly SftpServerOptions _options;
    private readonly string _home;
    private readonly ILogger _logger;
    private readonly SftpHandleTable _handles;
    private readonly SftpOwnerNames _owners = new();
    private readonly SftpExtendedRequests _extensions;
    private bool _initialized;

    public SftpSession(SftpServerOptions options, string home, ILogger logger)
    {
        _options = options;
        _home = home;
        _logger = logger;
        _handles = new SftpHandleTable(options.MaxOpenHandles, options.HandleBudget);
        _extensions = new SftpExtendedRequests(options, home, _handles, logger);
    }

    /// <summary>The version the client announced in INIT (0 before).</summary>
    public uint ClientVersion { get; private set; }

    public void Handle(ReadOnlySpan<byte> packet, SftpPacketWriter reply)
    {
        var reader = new SshReader(packet);
        var type = (SftpPacketType)reader.ReadByte();
        if (!_initialized)
        {
            if (type != SftpPacketType.Init)
                throw new SshProtocolException($"SFTP request {type} before INIT");
            ClientVersion = reader.ReadUInt32();
            _initialized = true;
            _logger.ClientVersion(ClientVersion);
            reply.Begin(SftpPacketType.Version);
            reply.WriteUInt32(ProtocolVersion);
            foreach (var (name, version) in Extensions)
            {
                reply.WriteString(name);
                reply.WriteString(version);
            }

            reply.End();
            return;
        }

        if (type == SftpPacketType.Init)
            throw new SshProtocolException("a second SFTP INIT");
        var id = reader.ReadUInt32();
        switch (type)
        {
            case SftpPacketType.Open: Open(ref reader, id, reply); break;
            case SftpPacketType.Close: Close(ref reader, id, reply); break;
            case SftpPacketType.Read: Read(ref reader, id, reply); break;
            case SftpPacketType.Write: Write(ref reader, id, reply); break;
            case SftpPacketType.Lstat: StatPath(ref reader, id, reply, followLinks: false); break;
            case SftpPacketType.Stat: StatPath(ref reader, id, reply, followLinks: true); break;
            case SftpPacketType.Fstat: StatHandle(ref reader, id, reply); break;
            case SftpPacketType.Setstat: SetStatPath(ref reader, id, reply, followLinks: true); break;
            case SftpPacketType.Fsetstat: SetStatHandle(ref reader, id, reply); break;
            case SftpPacketType.Opendir: OpenDirectory(ref reader, id, reply); break;
            case SftpPacketType.Readdir: ReadDirectory(ref reader, id, reply); break;
            case SftpPacketType.Remove: Remove(ref reader, id, reply); break;
            case SftpPacketType.Mkdir: MakeDirectory(ref reader, id, reply); break;
            case SftpPacketType.Rmdir: RemoveDirectory(ref reader, id, reply); break;
            case SftpPacketType.Realpath: RealPath(ref reader, id, reply); break;
            case SftpPacketType.Rename: Rename(ref reader, id, reply); break;
            case SftpPacketType.Readlink: ReadLink(ref reader, id, reply); break;
            case SftpPacketType.Symlink: Symlink(ref reader, id, reply); break;
            case SftpPacketType.Extended: Extended(ref reader, id, reply); break;
            default:
                _logger.UnsupportedRequest((byte)type);
                SftpReplies.Status(reply, id, SftpStatusCode.OpUnsupported);
                break;
        }
    }

    public void Dispose() => _handles.Dispose();

    internal static string ReadPath(ref SshReader reader) => SftpFileSystem.Bytes.GetString(reader.ReadBinary());

    /// <summary>As OpenSSH: every change is tried, the last failure is what the reply says.</summary>
    private static int Keep(int previous, int latest) => latest != 0 ? latest : previous;

    private static int RenameIfAbsent(string oldPath, string newPath)
        => SftpFileSystem.Stat(newPath, followLinks: true, out _) == 0 ? SftpNative.EEXIST : SftpFileSystem.Rename(oldPath, newPath);

    private string Resolve(string path) => SftpPaths.Resolve(_home, path);

    // The session's or the connection's handles are all open: FAILURE with the reason, the session goes on.
    private void RefuseHandle(SftpPacketWriter reply, uint id)
    {
        if (_handles.Count >= _options.MaxOpenHandles)
        {
            _logger.SessionHandlesExhausted(_options.ConnectionId, _options.MaxOpenHandles);
            SftpReplies.Status(reply, id, SftpStatusCode.Failure, $"too many open handles: at most {_options.MaxOpenHandles} per session");
            return;
        }

        _logger.ConnectionHandlesExhausted(_options.ConnectionId, _options.HandleLimit);
        SftpReplies.Status(reply, id, SftpStatusCode.Failure, $"too many open handles: at most {_options.HandleLimit} per connection, all SFTP sessions together");
    }

    private bool RefuseWrite(SftpPacketWriter reply, uint id, string what) => _extensions.RefuseWrite(reply, id, what);

    private void Open(ref SshReader reader, uint id, SftpPacketWriter reply)
    {
        var path = Resolve(ReadPath(ref reader));
        var pflags = (SftpOpenFlags)reader.ReadUInt32();
        var attributes = SftpAttributes.Read(ref reader);
        var flags = SftpNativeOpenFlags.From(pflags);
        var mode = attributes.Has(SftpAttributeFlags.Permissions) ? attributes.Permissions & 0xFFF : 0x1B6;
        if ((flags & (SftpNative.O_WRONLY | SftpNative.O_RDWR | SftpNative.O_CREAT | SftpNative.O_TRUNC)) != 0 && RefuseWrite(reply, id, "open for writing"))
            return;
        var error = SftpFileSystem.Open(path, flags, mode, out var file);
        if (error != 0)
        {
            SftpReplies.Errno(reply, id, error);
            return;
        }

        var handle = new SftpFileHandle(path, file!, flags);
        if (!_handles.TryAdd(handle, out var name))
        {
            handle.Dispose();
            RefuseHandle(reply, id);
            return;
        }

        SftpReplies.Handle(reply, id, name);
    }

    private void Close(ref SshReader reader, uint id, SftpPacketWriter reply)
    {
        var name = reader.ReadBinary();
        if (!_handles.TryRemove(name, out var handle))
        {
            SftpReplies.Errno(reply, id, SftpNative.EBADF);
            return;
        }

        handle.Dispose();
        SftpReplies.Status(reply, id, SftpStatusCode.Ok);
    }

    private void Read(ref SshReader reader, uint id, SftpPacketWriter reply)
    {
        var name = reader.ReadBinary();
        var offset = reader.ReadUInt64();
        var length = (int)Math.Min(reader.ReadUInt32(), (uint)_options.MaxReadLength);
        if (!_handles.TryGet<SftpFileHandle>(name, out var handle))
        {
            SftpReplies.Status(reply, id, SftpStatusCode.Failure);
            return;
        }

        if (offset > long.MaxValue)
        {
            SftpReplies.Errno(reply, id, SftpNative.EINVAL);
            return;
        }

        if (!handle.CanRead)
        {
            SftpReplies.Errno(reply, id, SftpNative.EBADF);
            return;
        }

        reply.Begin(SftpPacketType.Data, id);
        var lengthAt = reply.Length;
        reply.WriteUInt32(0);
        int read;
        try
        {
            read = length == 0 ? 0 : RandomAccess.Read(handle.File, reply.GetSpan(length), (long)offset);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            reply.Abandon();
            _logger.ReadFailed(handle.Path, e.Message);
            SftpReplies.Status(reply, id, SftpReplies.FromException(e));
            return;
        }

        if (read == 0 && length > 0)
        {
            reply.Abandon();
            SftpReplies.Status(reply, id, SftpStatusCode.Eof);
            return;
        }

        reply.Advance(read);
        reply.PatchUInt32(lengthAt, (uint)read);
        reply.End();
    }

    private void Write(ref SshReader reader, uint id, SftpPacketWriter reply)
    {
        var name = reader.ReadBinary();
        var offset = reader.ReadUInt64();
        var data = reader.ReadBinary();
        if (!_handles.TryGet<SftpFileHandle>(name, out var handle))
        {
            SftpReplies.Status(reply, id, SftpStatusCode.Failure);
            return;
        }

        if (offset > long.MaxValue)
        {
            SftpReplies.Errno(reply, id, SftpNative.EINVAL);
            return;
        }

        if (!handle.CanWrite)
        {
            SftpReplies.Errno(reply, id, SftpNative.EBADF);
            return;
        }

        try
        {
            RandomAccess.Write(handle.File, data, (long)offset);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentOutOfRangeException)
        {
            // .NET reports EFBIG (an offset beyond the file system's largest file) as ArgumentOutOfRangeException.
            _logger.WriteFailed(handle.Path, e.Message);
            SftpReplies.Status(reply, id, SftpReplies.FromException(e));
            return;
        }

        SftpReplies.Status(reply, id, SftpStatusCode.Ok);
    }

    private void StatPath(ref SshReader reader, uint id, SftpPacketWriter reply, bool followLinks)
    {
        var path = Resolve(ReadPath(ref reader));
        var error = SftpFileSystem.Stat(path, followLinks, out var status);
        if (error != 0)
            SftpReplies.Errno(reply, id, error);
        else
            SftpReplies.Attributes(reply, id, status);
    }

    private void StatHandle(ref SshReader reader, uint id, SftpPacketWriter reply)
    {
        if (!_handles.TryGet<SftpFileHandle>(reader.ReadBinary(), out var handle))
        {
            SftpReplies.Status(reply, id, SftpStatusCode.Failure);
            return;
        }

        var error = SftpFileSystem.Stat(handle.File, out var status);
        if (error != 0)
            SftpReplies.Errno(reply, id, error);
        else
            SftpReplies.Attributes(reply, id, status);
    }

    private void SetStatPath(ref SshReader reader, uint id, SftpPacketWriter reply, bool followLinks)
    {
        var path = Resolve(ReadPath(ref reader));
        var a = SftpAttributes.Read(ref reader);
        if (RefuseWrite(reply, id, "setstat"))
            return;
        if (!followLinks && a.Has(SftpAttributeFlags.Size))
        {
            SftpReplies.Status(reply, id, SftpStatusCode.BadMessage);
            return;
        }

        var error = 0;
        if (a.Has(SftpAttributeFlags.Size))
            error = Keep(error, SftpFileSystem.Truncate(path, a.Size));
        if (a.Has(SftpAttributeFlags.Permissions))
            error = Keep(error, SftpFileSystem.ChangeMode(path, a.Permissions, followLinks));
        if (a.Has(SftpAttributeFlags.AccessModificationTime))
            error = Keep(error, SftpFileSystem.SetTimes(path, a.AccessTime, a.ModificationTime, followLinks));
        if (a.Has(SftpAttributeFlags.UidGid))
            error = Keep(error, SftpFileSystem.ChangeOwner(path, a.Uid, a.Gid, followLinks));
        SftpReplies.Errno(reply, id, error);
    }

    private void SetStatHandle(ref SshReader reader, uint id, SftpPacketWriter reply)
    {
        var name = reader.ReadBinary();
        var a = SftpAttributes.Read(ref reader);
        if (RefuseWrite(reply, id, "fsetstat"))
            return;
        if (!_handles.TryGet<SftpFileHandle>(name, out var handle))
        {
            SftpReplies.Status(reply, id, SftpStatusCode.Failure);
            return;
        }

        var error = 0;
        if (a.Has(SftpAttributeFlags.Size))
            error = Keep(error, SftpFileSystem.Truncate(handle.File, a.Size));
        if (a.Has(SftpAttributeFlags.Permissions))
            error = Keep(error, SftpFileSystem.ChangeMode(handle.File, a.Permissions));
        if (a.Has(SftpAttributeFlags.AccessModificationTime))
            error = Keep(error, SftpFileSystem.SetTimes(handle.File, a.AccessTime, a.ModificationTime));
        if (a.Has(SftpAttributeFlags.UidGid))
            error = Keep(error, SftpFileSystem.ChangeOwner(handle.File, a.Uid, a.Gid));
        SftpReplies.Errno(reply, id, error);
    }

    private void OpenDirectory(ref SshReader reader, uint id, SftpPacketWriter reply)
    {
        var path = Resolve(ReadPath(ref reader));
        var error = SftpFileSystem.OpenDirectory(path, out var directory);
        if (error != 0)
        {
            SftpReplies.Errno(reply, id, error);
            return;
        }

        var handle = new SftpDirectoryHandle(path, directory);
        if (!_handles.TryAdd(handle, out var name))
        {
            handle.Dispose();
            RefuseHandle(reply, id);
            return;
        }

        SftpReplies.Handle(reply, id, name);
    }

    private void ReadDirectory(ref SshReader reader, uint id, SftpPacketWriter reply)
    {
        if (!_handles.TryGet<SftpDirectoryHandle>(reader.ReadBinary(), out var handle))
        {
            SftpReplies.Status(reply, id, SftpStatusCode.Failure);
            return;
        }

        var now = DateTimeOffset.UtcNow;
        var budget = _options.MaxPacketLength / 2;
        reply.Begin(SftpPacketType.Name, id);
        var start = reply.Length;
        reply.WriteUInt32(0);
        uint count = 0;
        while (count < MaxNamesPerReply && reply.Length - start < budget)
        {
            var error = SftpFileSystem.ReadDirectory(handle.Directory, out var entry);
            if (error != 0 || entry is null)
                break;
            var full = handle.Path.EndsWith('/') ? handle.Path + entry : handle.Path + "/" + entry;
            if (SftpFileSystem.Stat(full, followLinks: false, out var status) != 0)
                continue;
            var longName = SftpLongName.Format(entry, status, _owners.User(status.Uid), _owners.Group(status.Gid), now);
            reply.WriteString(SftpFileSystem.Bytes.GetBytes(entry));
            reply.WriteString(SftpFileSystem.Bytes.GetBytes(longName));
            status.ToAttributes().Write(reply);
            count++;
        }

        if (count == 0)
        {
            reply.Abandon();
            SftpReplies.Status(reply, id, SftpStatusCode.Eof);
            return;
        }

        reply.PatchUInt32(start, count);
        reply.End();
    }

    private void Remove(ref SshReader reader, uint id, SftpPacketWriter reply)
    {
        var path = Resolve(ReadPath(ref reader));
        if (!RefuseWrite(reply, id, "remove"))
            SftpReplies.Errno(reply, id, SftpFileSystem.Unlink(path));
    }

    private void MakeDirectory(ref SshReader reader, uint id, SftpPacketWriter reply)
    {
        var path = Resolve(ReadPath(ref reader));
        var a = SftpAttributes.Read(ref reader);
        var mode = a.Has(SftpAttributeFlags.Permissions) ? a.Permissions & 0xFFF : 0x1FF;
        if (!RefuseWrite(reply, id, "mkdir"))
            SftpReplies.Errno(reply, id, SftpFileSystem.MakeDirectory(path, mode));
    }

    private void RemoveDirectory(ref SshReader reader, uint id, SftpPacketWriter reply)
    {
        var path = Resolve(ReadPath(ref reader));
        if (!RefuseWrite(reply, id, "rmdir"))
            SftpReplies.Errno(reply, id, SftpFileSystem.RemoveDirectory(path));
    }

    private void RealPath(ref SshReader reader, uint id, SftpPacketWriter reply)
    {
        var path = ReadPath(ref reader);
        SftpReplies.RealPath(reply, id, Resolve(path.Length == 0 ? "." : path));
    }

    /// <summary>
    /// SFTP v3 rename: never replaces the target. Regular files are linked then unlinked (race-free), other files
    /// renamed when nothing is at the target — OpenSSH's way.
    /// </summary>
    private void Rename(ref SshReader reader, uint id, SftpPacketWriter reply)
    {
        var oldPath = Resolve(ReadPath(ref reader));
        var newPath = Resolve(ReadPath(ref reader));
        if (RefuseWrite(reply, id, "rename"))
            return;
        var error = SftpFileSystem.Stat(oldPath, followLinks: false, out var status);
        if (error != 0)
        {
            SftpReplies.Errno(reply, id, error);
            return;
        }

        if (status.IsRegular)
        {
            error = SftpFileSystem.Link(oldPath, newPath);
            if (error is SftpNative.EOPNOTSUPP or SftpNative.ENOSYS or SftpNative.EXDEV)
            {
                SftpReplies.Errno(reply, id, RenameIfAbsent(oldPath, newPath));
                return;
            }

            if (error != 0)
            {
                SftpReplies.Errno(reply, id, error);
                return;
            }

            error = SftpFileSystem.Unlink(oldPath);
            if (error != 0)
                SftpFileSystem.Unlink(newPath);
            SftpReplies.Errno(reply, id, error);
            return;
        }

        SftpReplies.Errno(reply, id, RenameIfAbsent(oldPath, newPath));
    }

    private void ReadLink(ref SshReader reader, uint id, SftpPacketWriter reply)
    {
        var path = Resolve(ReadPath(ref reader));
        var error = SftpFileSystem.ReadLink(path, out var target);
        if (error != 0)
            SftpReplies.Errno(reply, id, error);
        else
            SftpReplies.Names(reply, id, target);
    }

    /// <summary>OpenSSH's order (PROTOCOL 4.1): target path first, then the link path.</summary>
    private void Symlink(ref SshReader reader, uint id, SftpPacketWriter reply)
    {
        var target = ReadPath(ref reader);
        var linkPath = Resolve(ReadPath(ref reader));
        if (!RefuseWrite(reply, id, "symlink"))
            SftpReplies.Errno(reply, id, SftpFileSystem.Symlink(target, linkPath));
    }

    // draft-ietf-secsh-filexfer-02 §8 SSH_FXP_EXTENDED: byte 200, uint32 id, string extended-request, request-specific data
    private void Extended(ref SshReader reader, uint id, SftpPacketWriter reply)
    {
        var request = Encoding.ASCII.GetString(reader.ReadBinary());
        if (request == "lsetstat@openssh.com")
        {
            SetStatPath(ref reader, id, reply, followLinks: false);
        }
        else if (!_extensions.TryHandle(request, ref reader, id, reply))
        {
            _logger.UnsupportedExtension(request);
            SftpReplies.Status(reply, id, SftpStatusCode.OpUnsupported);
        }
    }
}
