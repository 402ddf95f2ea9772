using System.Diagnostics.CodeAnalysis;

namespace Agent.Reactive.Linq;

/// <summary>Only the newest element waits: each one replaces the one before it.</summary>
public sealed class LatestWaits<T> : IWaitingRequests<T, T>
{
    private T? _latest;
    private bool _hasLatest;

    public bool HasWaiting => _hasLatest;

    public void Add(T value)
    {
        _latest = value;
        _hasLatest = true;
    }

    public bool TryTake(bool sourceCompleted, [MaybeNullWhen(false)] out T request)
    {
        request = _latest;
        var taken = _hasLatest;
        _latest = default;
        _hasLatest = false;
        return taken;
    }
}
