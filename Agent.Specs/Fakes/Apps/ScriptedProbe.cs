using System.Reactive.Concurrency;
using Agent.Reactive.Effects;
using Agent.Specs.Utilities;

namespace Agent.Specs.Fakes.Apps;

/// <summary>An HTTP probe answered by the spec; records each GET and whether it was cancelled before it ended.</summary>
public sealed class ScriptedProbe(IScheduler scheduler, Func<Uri, int, CancellationToken, Task<int>> answer) : IHttpProbe
{
    public List<(Uri Url, TimeSpan Timeout, TimeSpan At)> Requests { get; } = [];

    public int Cancelled { get; private set; }

    /// <summary>A GET that ends only when cancelled.</summary>
    public Task<int> Hanging(CancellationToken cancellationToken)
        => Pending.UntilCancelled<int>(cancellationToken, () => Cancelled++);

    public Task<int> GetStatusAsync(Uri url, TimeSpan timeout, CancellationToken cancellationToken)
    {
        Requests.Add((url, timeout, TimeSpan.FromTicks(scheduler.Now.UtcTicks)));
        var number = Requests.Count(request => request.Url == url);
        return answer(url, number, cancellationToken);
    }
}
