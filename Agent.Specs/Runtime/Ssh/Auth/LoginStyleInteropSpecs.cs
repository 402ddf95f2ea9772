
using Agent.Specs.Runtime.Sshd.Forwarding;
using Agent.Specs.Utilities;

namespace Agent.Specs.Runtime.Ssh.Auth;

/// <summary>
/// A login name with a BSD authentication style (<c>ssh 'user:style@host'</c>) is the user <c>user</c>, as sshd reads
/// it: the key is authorized for that user, the session runs with <c>USER=user</c> and the log names <c>user</c>.
/// </summary>
public sealed class LoginStyleInteropSpecs : IDisposable
{
    private readonly TempDirectory _directory = new();

    public LoginStyleInteropSpecs()
    {
        OpenSshClient.Prepare(_directory);
    }

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Login_UserColonStyle_IsTheUserWithoutTheStyle()
    {
        var user = Environment.UserName;
        using var ssh = OpenSshClient.Start(_directory, null, launcher: [], user: $"{user}:style", environment: null, "--", "echo \"user=$USER\"");

        Assert.Equal(0, await ssh.WaitForExitAsync());

        Assert.Contains($"user={user}", ssh.Stdout, StringComparison.Ordinal);
        Assert.Contains($"SSH user {user} from", ssh.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Login_OtherUserColonStyle_IsRefused()
    {
        using var ssh = OpenSshClient.Start(_directory, null, launcher: [], user: $"not-{Environment.UserName}:style", environment: null, "--", "true");

        Assert.Equal(255, await ssh.WaitForExitAsync());

        Assert.Contains($"SSH authentication of user not-{Environment.UserName} from", ssh.Stderr, StringComparison.Ordinal);
    }
}
