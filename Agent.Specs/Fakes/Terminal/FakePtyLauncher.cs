using Agent.Reactive.Effects;

namespace Agent.Specs.Fakes.Terminal;

/// <summary>Starts <see cref="FakePtyProcess"/>es and keeps them for the spec.</summary>
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

    public FakePtyProcess Last => Started[^1];

    public IPtyProcess Start(PtySpec spec)
    {
        lock (_gate)
        {
            var process = new FakePtyProcess(spec, 1000 + _started.Count);
            _started.Add(process);
            return process;
        }
    }
}
