using System.Collections.Concurrent;
using System.Reactive.Disposables;

namespace Agent.Runtime.ControlPlane.Dev;

/// <summary>
/// Agents running in the same process as the control plane (<c>agent dev</c>), reachable directly until the
/// relay exists: by name, the callback that serves a reconnecting-PTY connection.
/// </summary>
internal sealed class LocalAgents
{
    private readonly ConcurrentDictionary<string, Func<Stream, CancellationToken, Task>> _pty = new(StringComparer.Ordinal);

    public IDisposable Attach(string name, Func<Stream, CancellationToken, Task> servePty)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(servePty);
        if (!_pty.TryAdd(name, servePty))
            throw new InvalidOperationException($"an agent called \"{name}\" is attached already");
        return Disposable.Create(() => _pty.TryRemove(new KeyValuePair<string, Func<Stream, CancellationToken, Task>>(name, servePty)));
    }

    public Func<Stream, CancellationToken, Task>? FindPty(string name) => _pty.GetValueOrDefault(name);
}
