using Agent.Reactive.Effects;
using Agent.Runtime.Os.Processes;

namespace Agent.Specs.Fakes.Ssh;

/// <summary>
/// Starts nothing: every command "runs" with empty output and ends as <see cref="Exited"/> says (exit 0 by default),
/// so exec requests run no shell (the connection fuzz) or end the way a spec needs.
/// </summary>
internal sealed class FakePipedProcessLauncher : IPipedProcessLauncher
{
    /// <summary>How each started process ends.</summary>
    public Task<PtyExit> Exited { get; init; } = Task.FromResult(new PtyExit(0, null));

    public IPipedProcess Start(string command, IReadOnlyList<KeyValuePair<string, string>> environment, string? workingDirectory)
        => new Process(Exited);

    private sealed class Process(Task<PtyExit> exited) : IPipedProcess
    {
        public int ProcessId => 1;

        public Stream StandardInput { get; } = new MemoryStream();

        public Stream StandardOutput { get; } = new MemoryStream();

        public Stream StandardError { get; } = new MemoryStream();

        public Task<PtyExit> Exited => exited;

        public bool Signal(int signal) => false;

        public void Dispose()
        {
            StandardInput.Dispose();
            StandardOutput.Dispose();
            StandardError.Dispose();
        }
    }
}
