using Agent.Runtime.Ssh.Wire;
using Microsoft.Extensions.Logging;

namespace Agent.Runtime.Sshd.Sftp;

/// <summary>
/// OpenSSH's SFTP extensions (its PROTOCOL file, §4): posix-rename, hardlink, statvfs, fstatvfs, fsync, limits and
/// expand-path, as its sftp-server answers them; and the read-only guard every write request passes.
/// </summary>
internal sealed class SftpExtendedRequests(SftpServerOptions options, string home, SftpHandleTable handles, ILogger logger)
{
    private readonly SftpServerOptions _options = options;
    private readonly string _home = home;
    private readonly SftpHandleTable _handles = handles;

    /// <summary>In read-only mode, answers PERMISSION_DENIED to <paramref name="what"/> and returns <c>true</c>.</summary>
    public bool RefuseWrite(SftpPacketWriter reply, uint id, string what)
    {
        if (!_options.ReadOnly)
            return false;
        logger.WriteRefused(what);
        SftpReplies.Status(reply, id, SftpStatusCode.PermissionDenied);
        return true;
    }

    /// <summary>Answers <paramref name="request"/>; <c>false</c> when it is none of these.</summary>
    public bool TryHandle(string request, ref SshReader reader, uint id, SftpPacketWriter reply)
    {
        switch (request)
        {
            case "posix-rename@openssh.com":
            {
                var oldPath = SftpPaths.Resolve(_home, SftpSession.ReadPath(ref reader));
                var newPath = SftpPaths.Resolve(_home, SftpSession.ReadPath(ref reader));
                if (!RefuseWrite(reply, id, request))
                    SftpReplies.Errno(reply, id, SftpFileSystem.Rename(oldPath, newPath));
                break;
            }

            case "hardlink@openssh.com":
            {
                var oldPath = SftpPaths.Resolve(_home, SftpSession.ReadPath(ref reader));
                var newPath = SftpPaths.Resolve(_home, SftpSession.ReadPath(ref reader));
                if (!RefuseWrite(reply, id, request))
                    SftpReplies.Errno(reply, id, SftpFileSystem.Link(oldPath, newPath));
                break;
            }

            case "statvfs@openssh.com":
            {
                var error = SftpFileSystem.FileSystemStatus(SftpPaths.Resolve(_home, SftpSession.ReadPath(ref reader)), out var status);
                if (error != 0)
                    SftpReplies.Errno(reply, id, error);
                else
                    SftpReplies.FileSystem(reply, id, status);
                break;
            }

            case "fstatvfs@openssh.com":
            {
                if (!_handles.TryGet<SftpFileHandle>(reader.ReadBinary(), out var handle))
                {
                    SftpReplies.Status(reply, id, SftpStatusCode.Failure);
                    break;
                }

                var error = SftpFileSystem.FileSystemStatus(handle.File, out var status);
                if (error != 0)
                    SftpReplies.Errno(reply, id, error);
                else
                    SftpReplies.FileSystem(reply, id, status);
                break;
            }

            case "fsync@openssh.com":
            {
                if (!_handles.TryGet<SftpFileHandle>(reader.ReadBinary(), out var handle))
                    SftpReplies.Status(reply, id, SftpStatusCode.NoSuchFile);
                else
                    SftpReplies.Errno(reply, id, SftpFileSystem.Sync(handle.File));
                break;
            }

            case "limits@openssh.com":
                reply.Begin(SftpPacketType.ExtendedReply, id);
                reply.WriteUInt64((ulong)_options.MaxPacketLength);
                reply.WriteUInt64((ulong)_options.MaxReadLength);
                reply.WriteUInt64((ulong)_options.MaxWriteLength);
                reply.WriteUInt64((ulong)_options.HandleLimit);
                reply.End();
                break;

            case "expand-path@openssh.com":
                ExpandPath(SftpSession.ReadPath(ref reader), id, reply);
                break;

            default:
                return false;
        }

        return true;
    }

    private void ExpandPath(string path, uint id, SftpPacketWriter reply)
    {
        if (path.Length == 0 || path == "~")
        {
            path = _home;
        }
        else if (path.StartsWith("~/", StringComparison.Ordinal))
        {
            path = SftpPaths.Resolve(_home, path[2..]);
        }
        else if (path[0] == '~')
        {
            SftpReplies.Status(reply, id, SftpStatusCode.NoSuchFile, "no such user");
            return;
        }

        SftpReplies.RealPath(reply, id, SftpPaths.Resolve(_home, path));
    }
}
