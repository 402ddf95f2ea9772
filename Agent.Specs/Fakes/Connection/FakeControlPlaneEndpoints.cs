using System.Reactive.Concurrency;
using Agent.Reactive.Effects;

namespace Agent.Specs.Fakes.Connection;

/// <summary>
/// Several control planes in front of one <see cref="FakeControlPlane"/>: each is up or down, and choosing one makes the
/// fake answer (or fail with <see cref="FakeControlPlane.Failure"/>) as that one would. Records every choice and when.
/// </summary>
public sealed class FakeControlPlaneEndpoints(FakeControlPlane plane, IScheduler scheduler, int count) : IControlPlaneEndpoints
{
    private readonly HashSet<int> _down = [];
    private int _current;

    public int Count => count;

    /// <summary>Every <see cref="Use"/>: when, and which one.</summary>
    public List<(DateTimeOffset At, int Index)> Chosen { get; } = [];

    public string Describe(int index) => $"http://cp{index}.example/";

    public void Use(int index)
    {
        Chosen.Add((scheduler.Now, index));
        _current = index;
        Apply();
    }

    /// <summary>Takes control plane <paramref name="index"/> down (its calls fail as an unreachable one's do) or up again.</summary>
    public void SetDown(int index, bool down)
    {
        if (down)
            _down.Add(index);
        else
            _down.Remove(index);
        Apply();
    }

    private void Apply() => plane.Failure = _down.Contains(_current) ? new HttpRequestException($"cp{_current}: connection refused") : null;
}
