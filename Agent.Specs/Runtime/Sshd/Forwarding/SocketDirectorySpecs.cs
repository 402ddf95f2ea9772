using Agent.Runtime.Sshd.Forwarding;
using Agent.Specs.Utilities;

namespace Agent.Specs.Runtime.Sshd.Forwarding;

/// <summary>The checks on a directory forwarded sockets go in, by the agent's own user (root in the specs).</summary>
public sealed class SocketDirectorySpecs : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void TryEnsure_Missing_MadeWithMode0700()
    {
        var path = _directory.Combine(".X11-unix");

        Assert.True(SocketDirectory.TryEnsure(path, SocketDirectoryKind.X11, out var made, out var reason), reason);
        Assert.Equal(path, made);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(path));
    }

    [Theory]
    [InlineData(true, "0755", true)]
    [InlineData(true, "0777", false)]
    [InlineData(true, "1777", true)] // Owned by root (the agent's user here) with the sticky bit: the system's /tmp/.X11-unix.
    [InlineData(true, "0775", false)]
    [InlineData(false, "0700", true)]
    [InlineData(false, "0750", false)]
    public void TryEnsure_ExistingOwnDirectory_AcceptedOnlyWhenOthersCannotWrite(bool x11, string mode, bool accepted)
    {
        var kind = x11 ? SocketDirectoryKind.X11 : SocketDirectoryKind.Private;
        var path = _directory.Combine("sockets");
        Directory.CreateDirectory(path);
        File.SetUnixFileMode(path, (UnixFileMode)Convert.ToInt32(mode, 8));

        var result = SocketDirectory.TryEnsure(path, kind, out _, out var reason);

        Assert.True(accepted == result, $"mode {mode} as {kind}: {reason}");
        if (!accepted)
            Assert.Contains($"has mode {mode}", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void TryEnsure_SymbolicLinkToAPrivateDirectory_Refused()
    {
        var target = _directory.Combine("real");
        Directory.CreateDirectory(target);
        File.SetUnixFileMode(target, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var link = _directory.Combine(".X11-unix");
        File.CreateSymbolicLink(link, target);

        Assert.False(SocketDirectory.TryEnsure(link, SocketDirectoryKind.X11, out _, out var reason));
        Assert.Equal($"{link} is a symbolic link", reason);
    }

    [Fact]
    public void TryEnsure_AFileInItsPlace_Refused()
    {
        var path = _directory.Combine(".X11-unix");
        File.WriteAllText(path, string.Empty);

        Assert.False(SocketDirectory.TryEnsure(path, SocketDirectoryKind.X11, out _, out var reason));
        Assert.Equal($"{path} is not a directory", reason);
    }
}
