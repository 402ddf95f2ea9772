using System.Collections.Concurrent;
using System.Diagnostics;
using Agent.Specs.Utilities;

namespace Agent.Specs.Integration;

/// <summary>A real child process of a spec: its output lines are kept, it is killed with the spec.</summary>
public sealed class RunningProcess : IDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    private RunningProcess(Process process, string name)
    {
        _process = process;
        Name = name;
    }

    public string Name { get; }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public string Output => string.Join('\n', _output);

    public static RunningProcess Start(ProcessStartInfo info, string name)
    {
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var running = new RunningProcess(process, name);
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) running._output.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) running._output.Enqueue(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return running;
    }

    public Task WaitForOutputAsync(string text, TimeSpan? timeout = null)
        => Eventually.WaitAsync(() => _output.Any(line => line.Contains(text, StringComparison.Ordinal)), $"{Name} to print \"{text}\"\n--- output ---\n{Output}", timeout);

    /// <summary>Sends a signal by name (TERM, INT, KILL) the way an init system would.</summary>
    public void Signal(string signal)
    {
        using var kill = Process.Start("kill", $"-{signal} {_process.Id}");
        kill.WaitForExit();
    }

    public async Task<int> WaitForExitAsync(TimeSpan? timeout = null)
    {
        using var cancel = new CancellationTokenSource(timeout ?? Eventually.DefaultTimeout);
        try
        {
            await _process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"{Name} did not exit\n--- output ---\n{Output}");
        }

        return _process.ExitCode;
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        _process.Dispose();
    }
}
