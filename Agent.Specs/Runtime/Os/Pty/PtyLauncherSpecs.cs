using System.ComponentModel;
using Agent.Reactive.Effects;
using Agent.Runtime.Os.Processes;
using Agent.Runtime.Os.Pty;
using Agent.Specs.Utilities;
using Microsoft.Extensions.Logging.Abstractions;

namespace Agent.Specs.Runtime.Os.Pty;

[Trait("Category", "Pty")]
public sealed class PtyLauncherSpecs : IDisposable
{
    private readonly PtyHarness _harness = new();
    private readonly TempDirectory _directory = new();

    public void Dispose()
    {
        _harness.Dispose();
        _directory.Dispose();
    }

    [Fact]
    public async Task Start_Tty_PrintsTheTerminalName()
    {
        var (process, output) = _harness.StartRecorded("tty");

        await output.Completed.WaitAsync(PtyHarness.Deadline);

        Assert.StartsWith("/dev/pts/", process.TerminalName, StringComparison.Ordinal);
        Assert.Equal(process.TerminalName, output.Text.Trim());
        Assert.Equal(0, (await PtyHarness.ExitedAsync(process)).ExitCode);
    }

    [Fact]
    public async Task Start_TerminalNameVariable_CarriesTheTerminalPath()
    {
        using var process = _harness.Launcher.Start(new PtySpec("echo tty=$SSH_TTY", null, [], 80, 24, TerminalNameVariable: "SSH_TTY"));
        var output = new PtyTranscript();
        using var subscription = process.Output.Subscribe(output);

        await output.Completed.WaitAsync(PtyHarness.Deadline);

        Assert.Equal($"tty={process.TerminalName}", output.Text.Trim());
    }

    [Fact]
    public async Task Start_Command_RunsAsSessionLeaderOwningTheTerminal()
    {
        var (process, output) = _harness.StartRecorded("read -r x");

        var stat = ProcessTable.Read(process.ProcessId);

        Assert.NotNull(stat);
        Assert.Equal(process.ProcessId, stat.Value.Group);
        Assert.Equal(process.ProcessId, stat.Value.TerminalGroup);
        Assert.Equal(process.ProcessId, stat.Value.Session);
        await PtyHarness.TypeAsync(process, "\r");
        await PtyHarness.ExitedAsync(process);
        await output.Completed.WaitAsync(PtyHarness.Deadline);
    }

    [Fact]
    public async Task Start_ExitStatus_IsTheExitCode()
    {
        var (process, output) = _harness.StartRecorded("exit 42");

        var exit = await PtyHarness.ExitedAsync(process);
        await output.Completed.WaitAsync(PtyHarness.Deadline);

        Assert.Equal(new PtyExit(42, null), exit);
        Assert.Equal(42, exit.Code);
    }

    [Fact]
    public async Task Start_Environment_AgentVariablesOverlaidBySpecLaterEntriesWin()
    {
        Environment.SetEnvironmentVariable("PTY_SPEC_FROM_AGENT", "agent");
        Environment.SetEnvironmentVariable("PTY_SPEC_OVERRIDDEN", "agent");
        IReadOnlyList<KeyValuePair<string, string>> environment =
        [
            new("PTY_SPEC_OVERRIDDEN", "spec"),
            new("PTY_SPEC_TWICE", "first"),
            new("PTY_SPEC_TWICE", "second"),
        ];

        var (process, output) = _harness.StartRecorded(
            "printf '<%s|%s|%s|%s>\\n' \"$PTY_SPEC_FROM_AGENT\" \"$PTY_SPEC_OVERRIDDEN\" \"$PTY_SPEC_TWICE\" \"$(pwd -P)\"",
            environment,
            _directory.Path);
        await PtyHarness.ExitedAsync(process);
        await output.Completed.WaitAsync(PtyHarness.Deadline);

        Assert.Contains($"<agent|spec|second|{_directory.Path}>", output.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_MissingWorkingDirectory_StartsInHome()
    {
        var home = LoginShell.ResolveHome();
        var expected = new DirectoryInfo(home).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? Path.TrimEndingDirectorySeparator(home);

        var (process, output) = _harness.StartRecorded("pwd -P", directory: _directory.Combine("missing"));
        await PtyHarness.ExitedAsync(process);
        await output.Completed.WaitAsync(PtyHarness.Deadline);

        Assert.Equal(expected, output.Text.Trim());
    }

    [Fact]
    public async Task Start_EmptyCommand_StartsAnInteractiveLoginShell()
    {
        var (process, output) = _harness.StartRecorded(string.Empty);

        await PtyHarness.TypeAsync(process, "shopt -q login_shell && echo login-$((1+1)); echo $- \r");
        await PtyHarness.WaitForAsync(output, "login-2");
        await PtyHarness.WaitForAsync(output, PtyHarness.Prompt);
        await PtyHarness.TypeAsync(process, "exit 3\r");

        Assert.Equal(3, (await PtyHarness.ExitedAsync(process)).ExitCode);
        Assert.Matches(@"\r\n[a-zA-Z]*i[a-zA-Z]*", output.Text);
    }

    [Fact]
    public void Start_MissingShell_ThrowsNamingTheShell()
    {
        var launcher = new PtyLauncher(NullLogger<PtyLauncher>.Instance, "/nonexistent/pty-spec-shell");

        var error = Assert.Throws<Win32Exception>(() => launcher.Start(new PtySpec("true", null, [], 80, 24)));

        Assert.Contains("/nonexistent/pty-spec-shell", error.Message, StringComparison.Ordinal);
        Assert.Contains("No such file or directory", error.Message, StringComparison.Ordinal);
    }
}
