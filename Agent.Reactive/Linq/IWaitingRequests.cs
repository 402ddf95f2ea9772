using System.Diagnostics.CodeAnalysis;

namespace Agent.Reactive.Linq;

/// <summary>
/// What waits behind the request in flight of <see cref="AgentObservable.OneInFlight{TSource, TRequest, TResult}"/>. The operator calls every
/// member under its lock, one call at a time.
/// </summary>
/// <typeparam name="TSource">The elements that arrive.</typeparam>
/// <typeparam name="TRequest">The requests taken from them.</typeparam>
public interface IWaitingRequests<in TSource, TRequest>
{
    /// <summary>Whether an element arrived that no request has taken yet.</summary>
    bool HasWaiting { get; }

    /// <summary>Keeps <paramref name="value"/> (or what it replaces) for a later request.</summary>
    void Add(TSource value);

    /// <summary>
    /// The next request to send, if any. <paramref name="sourceCompleted"/> says that nothing more will arrive, so
    /// that a final request (e.g. a closing notice) can be made once; false ends the operator then.
    /// </summary>
    bool TryTake(bool sourceCompleted, [MaybeNullWhen(false)] out TRequest request);
}
