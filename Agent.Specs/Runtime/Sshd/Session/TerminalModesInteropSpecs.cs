
using Agent.Specs.Runtime.Sshd.Forwarding;
using Agent.Specs.Utilities;

namespace Agent.Specs.Runtime.Sshd.Session;

/// <summary>
/// OpenSSH's <c>ssh -tt</c> run on a terminal whose settings differ from the defaults (<c>stty erase ^H intr ^B
/// -echo</c>) sends them in its <c>pty-req</c>; the session's own terminal (<c>agent ssh-server --inetd</c> behind
/// <c>ProxyCommand</c>) has them, as <c>stty -a</c> there shows.
/// </summary>
[Trait("Category", "Pty")]
public sealed class TerminalModesInteropSpecs : IDisposable
{
    // A terminal for ssh: the child gets a new pseudo-terminal as stdin/stdout/stderr, its output is copied to stdout.
    private const string PtyWrapper = """
        import os, pty, sys
        pid, fd = pty.fork()
        if pid == 0:
            os.execvp(sys.argv[1], sys.argv[1:])
        while True:
            try:
                data = os.read(fd, 65536)
            except OSError:
                break
            if not data:
                break
            os.write(1, data)
        sys.exit(os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]))
        """;

    private readonly TempDirectory _directory = new();

    public TerminalModesInteropSpecs()
    {
        OpenSshClient.Prepare(_directory);
    }

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task SshTt_FromATerminalWithOtherSettings_TheSessionsTerminalHasThem()
    {
        string[] launcher = ["/usr/bin/python3", "-c", PtyWrapper, "sh", "-c", "stty erase ^H intr ^B -echo && exec \"$0\" \"$@\""];
        using var ssh = OpenSshClient.Start(_directory, null, launcher, user: null, environment: null, "-tt", "--", "stty -a");

        Assert.Equal(0, await ssh.WaitForExitAsync());

        var output = ssh.Stdout;
        Assert.Contains("intr = ^B;", output, StringComparison.Ordinal);
        Assert.Contains("erase = ^H;", output, StringComparison.Ordinal);
        Assert.Contains(" -echo ", output, StringComparison.Ordinal);
    }
}
