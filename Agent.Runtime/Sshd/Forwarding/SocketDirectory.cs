using Agent.Runtime.Os.Interop;
using Agent.Runtime.Sshd.Sftp;

namespace Agent.Runtime.Sshd.Forwarding;

/// <summary>
/// The directories forwarded sockets are made in (X11's <c>$TMPDIR/.X11-unix</c>, agent forwarding's private
/// directory). A missing one is made 0700. An existing one is examined with <c>lstat</c> (a symbolic link is never
/// followed) and used only when no other user can replace or read what is in it: a real directory owned by the
/// agent's user and writable by nobody else (<see cref="SocketDirectoryKind.Private"/>: no access for others at all),
/// or for X11 also the system's <c>/tmp/.X11-unix</c> (owned by root with the sticky bit, mode 1777, as X expects).
/// </summary>
internal static class SocketDirectory
{
    private const uint OwnerOnly = 0x1C0; // 0700
    private const uint GroupOrOtherWrite = 0x12; // 0022
    private const uint GroupOrOtherAny = 0x3F; // 0077
    private const uint Sticky = 0x200; // 01000

    /// <summary>Makes <paramref name="path"/> (0700) when missing and checks it; false with the reason when it is not safe.</summary>
    public static bool TryEnsure(string path, SocketDirectoryKind kind, out string directory, out string reason)
    {
        directory = Path.GetFullPath(path);
        if (SftpFileSystem.MakeDirectory(directory, OwnerOnly) is var error and not 0 and not SftpNative.EEXIST)
        {
            reason = $"cannot create {directory} (errno {error})";
            return false;
        }

        // Checked after creating too: another user may have made it first.
        return IsSafe(directory, kind, out reason);
    }

    private static bool IsSafe(string directory, SocketDirectoryKind kind, out string reason)
    {
        var error = SftpFileSystem.Stat(directory, followLinks: false, out var status);
        reason = error != 0 ? $"cannot examine {directory} (errno {error})"
            : status.IsSymbolicLink ? $"{directory} is a symbolic link"
            : !status.IsDirectory ? $"{directory} is not a directory"
            : Refusal(directory, status, kind);
        return reason.Length == 0;
    }

    private static string Refusal(string directory, SftpFileStatus status, SocketDirectoryKind kind)
    {
        var uid = PrivateFile.CurrentUser;
        var mode = status.Mode & 0xFFF;
        var octal = Convert.ToString(mode, 8).PadLeft(4, '0');
        if (kind == SocketDirectoryKind.X11 && status.Uid == 0 && (mode & Sticky) != 0)
            return string.Empty;
        if (status.Uid == uid)
        {
            var forbidden = kind == SocketDirectoryKind.Private ? GroupOrOtherAny : GroupOrOtherWrite;
            return (mode & forbidden) == 0 ? string.Empty
                : $"{directory} has mode {octal}: {(kind == SocketDirectoryKind.Private ? "other users may use it (0700 expected)" : "other users may write to it")}";
        }

        return $"{directory} belongs to uid {status.Uid}, not to the agent's user (uid {uid})";
    }
}
