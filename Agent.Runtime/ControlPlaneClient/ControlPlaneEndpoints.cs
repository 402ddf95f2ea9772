using Agent.Reactive.Effects;

namespace Agent.Runtime.ControlPlaneClient;

/// <summary>
/// The control planes an agent was given (<c>agent run --url A,B</c>), at most <see cref="MaxCount"/>, and the one it talks
/// to now: <see cref="Current"/>, which the connection loop sets through <see cref="Use"/> and every call of
/// <see cref="HttpControlPlaneClient"/> and every relay connection reads. Safe to read from any thread.
/// </summary>
public sealed class ControlPlaneEndpoints : IControlPlaneEndpoints
{
    /// <summary>The most control planes one agent may be given.</summary>
    public const int MaxCount = 16;

    private readonly Uri[] _urls;
    private readonly Lock _gate = new();
    private int _current;
    private TaskCompletionSource _moved = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ControlPlaneEndpoints(IReadOnlyList<Uri> urls)
    {
        ArgumentNullException.ThrowIfNull(urls);
        ArgumentOutOfRangeException.ThrowIfLessThan(urls.Count, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(urls.Count, MaxCount);
        foreach (var url in urls)
        {
            ArgumentNullException.ThrowIfNull(url);
            if (!url.IsAbsoluteUri)
                throw new ArgumentException($"\"{url}\" is not an absolute URL", nameof(urls));
        }

        _urls = [.. urls];
    }

    /// <summary>The control planes in the order they are tried.</summary>
    public IReadOnlyList<Uri> All => _urls;

    /// <summary>The first one: what the agent's sessions get as <c>CODER_AGENT_URL</c>.</summary>
    public Uri First => _urls[0];

    /// <summary>The one the agent talks to now.</summary>
    public Uri Current => _urls[Volatile.Read(ref _current)];

    public int Count => _urls.Length;

    /// <summary>One control plane.</summary>
    public static ControlPlaneEndpoints Of(Uri url) => new([url]);

    /// <summary>
    /// <see cref="Current"/> with a task that completes when <see cref="Use"/> next moves to another control plane: how a
    /// relay connected to this one knows to follow.
    /// </summary>
    public (Uri Url, Task Moved) Watch()
    {
        lock (_gate)
            return (_urls[_current], _moved.Task);
    }

    /// <summary>Its URL without any user information.</summary>
    public string Describe(int index)
        => _urls[index].GetComponents(UriComponents.HttpRequestUrl, UriFormat.UriEscaped);

    public void Use(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, _urls.Length);
        TaskCompletionSource moved;
        lock (_gate)
        {
            if (index == _current)
                return;
            Volatile.Write(ref _current, index);
            moved = _moved;
            _moved = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        moved.SetResult();
    }
}
