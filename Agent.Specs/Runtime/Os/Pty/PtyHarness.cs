using System.Text;
using Agent.Reactive.Effects;
using Agent.Runtime.Os.Pty;
using Agent.Specs.Utilities;
using Microsoft.Extensions.Logging.Abstractions;

namespace Agent.Specs.Runtime.Os.Pty;

/// <summary>
/// Starts real bash processes on real terminals for the specs, records their output and disposes them all at
/// the end. Interactive shells get a private HOME whose profile sets a fixed prompt and no history file.
/// </summary>
internal sealed class PtyHarness : IDisposable
{
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    public const string Prompt = "pty-spec$ ";

    private readonly List<IPtyProcess> _processes = [];

    public PtyHarness()
    {
        File.WriteAllText(Home.Combine(".bash_profile"), $"PS1='{Prompt}'\nunset PROMPT_COMMAND\n");
    }

    public PtyLauncher Launcher { get; } = new(NullLogger<PtyLauncher>.Instance, "/bin/bash");

    public TempDirectory Home { get; } = new();

    public IReadOnlyList<KeyValuePair<string, string>> ShellEnvironment =>
    [
        new("HOME", Home.Path),
        new("HISTFILE", "/dev/null"),
        new("TERM", "xterm-256color"),
    ];

    public IPtyProcess Start(string command, IReadOnlyList<KeyValuePair<string, string>>? environment = null, string? directory = null, ushort columns = 80, ushort rows = 24)
    {
        var process = Launcher.Start(new PtySpec(command, directory ?? Home.Path, environment ?? ShellEnvironment, columns, rows));
        lock (_processes)
            _processes.Add(process);
        return process;
    }

    public (IPtyProcess Process, PtyTranscript Output) StartRecorded(string command, IReadOnlyList<KeyValuePair<string, string>>? environment = null, string? directory = null, ushort columns = 80, ushort rows = 24)
    {
        var process = Start(command, environment, directory, columns, rows);
        var output = new PtyTranscript();
        process.Output.Subscribe(output);
        return (process, output);
    }

    public static ValueTask TypeAsync(IPtyProcess process, string text)
        => process.WriteAsync(Encoding.UTF8.GetBytes(text), CancellationToken.None);

    public static Task WaitForAsync(PtyTranscript output, string text)
        => Eventually.WaitAsync(() => output.Contains(text), $"'{text}' on the terminal; so far: {output.Text}", Deadline);

    /// <summary>Waits until <paramref name="command"/> runs in the foreground of <paramref name="shell"/>'s terminal.</summary>
    public static async Task<int> WaitForForegroundAsync(IPtyProcess shell, string command)
        => await Eventually.WaitAsync(() => Task.FromResult(ProcessTable.ForegroundProcess(shell.ProcessId, command)), pid => pid is not null, $"{command} in the foreground", Deadline) ?? 0;

    public static Task<PtyExit> ExitedAsync(IPtyProcess process) => process.Exited.WaitAsync(Deadline);

    public void Dispose()
    {
        lock (_processes)
        {
            foreach (var process in _processes)
                process.Dispose();
        }

        Home.Dispose();
    }
}
