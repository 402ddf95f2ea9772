using Agent.Reactive.Ports;

namespace Agent.Specs.Fakes.Ssh;

/// <summary>Hands out <see cref="FakePtyProcess"/>es and keeps them for the spec.</summary>
public sealed class FakePtyLauncher : IPtyLauncher
{
    private readonly Lock _gate = new();
    private readonly List<FakePtyProcess> _started = [];

    public IReadOnlyList<FakePtyProcess> Started
    {
        get
        {
            lock (_gate)
                return [.. _started];
        }
    }

    public IPtyProcess Start(PtySpec spec)
    {
        var process = new FakePtyProcess(spec);
        lock (_gate)
            _started.Add(process);
        return process;
    }
}
