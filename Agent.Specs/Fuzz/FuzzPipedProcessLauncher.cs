using Agent.Reactive.Effects;
using Agent.Runtime.Os.Processes;

namespace Agent.Specs.Fuzz;

/// <summary>Starts nothing: every command "runs" with empty output and exits 0, so fuzzed exec requests run no shell.</summary>
internal sealed class FuzzPipedProcessLauncher : IPipedProcessLauncher
{
    public IPipedProcess Start(string command, IReadOnlyList<KeyValuePair<string, string>> environment, string? workingDirectory)
        => new Process();

    private sealed class Process : IPipedProcess
    {
        public int ProcessId => 1;

        public Stream StandardInput { get; } = new MemoryStream();

        public Stream StandardOutput { get; } = new MemoryStream();

        public Stream StandardError { get; } = new MemoryStream();

        public Task<PtyExit> Exited { get; } = Task.FromResult(new PtyExit(0, null));

        public bool Signal(int signal) => false;

        public void Dispose()
        {
            StandardInput.Dispose();
            StandardOutput.Dispose();
            StandardError.Dispose();
        }
    }
}
