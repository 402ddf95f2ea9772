using Agent.Runtime.Ssh.Channels;

namespace Agent.Runtime.Sshd.Forwarding;

/// <summary>
/// The remote forwards (<c>ssh -R</c>) of one connection, TCP ones keyed <c>tcp:address:port</c> and Unix ones
/// <c>unix:path</c>; at most a bounded number; all closed when the connection ends.
/// </summary>
internal sealed class RemoteForwardTable
{
    private const string ItemKey = "Agent.Ssh.Forwarding.RemoteForwards";

    private readonly Lock _gate = new();
    private readonly Dictionary<string, ForwardListener> _listeners = new(StringComparer.Ordinal);
    private readonly int _max;
    private bool _closed;

    private RemoteForwardTable(int max)
    {
        _max = max;
    }

    /// <summary>Whether another listener may be added (the bound is not reached and the connection is open).</summary>
    public bool HasRoom
    {
        get
        {
            lock (_gate)
                return !_closed && _listeners.Count < _max;
        }
    }

    /// <summary>The table of <paramref name="connection"/>, created (and tied to its end) on first use.</summary>
    public static RemoteForwardTable Of(SshChannelMultiplexer connection, int max)
    {
        if (connection.Items.TryGetValue(ItemKey, out var existing))
            return (RemoteForwardTable)existing;
        var table = new RemoteForwardTable(max);
        if (!connection.Items.TryAdd(ItemKey, table))
            return (RemoteForwardTable)connection.Items[ItemKey];
        connection.Closed.Register(table.CloseAll);
        return table;
    }

    public bool Contains(string key)
    {
        lock (_gate)
            return _listeners.ContainsKey(key);
    }

    /// <summary>Adds and starts <paramref name="listener"/>; false (and the listener disposed) when the key is taken, the table full or closed.</summary>
    public bool TryAdd(string key, ForwardListener listener)
    {
        lock (_gate)
        {
            if (!_closed && _listeners.Count < _max && _listeners.TryAdd(key, listener))
            {
                listener.Start();
                return true;
            }
        }

        listener.Dispose();
        return false;
    }

    public bool Remove(string key)
    {
        ForwardListener? listener;
        lock (_gate)
        {
            if (!_listeners.Remove(key, out listener))
                return false;
        }

        listener.Dispose();
        return true;
    }

    private void CloseAll()
    {
        List<ForwardListener> listeners;
        lock (_gate)
        {
            _closed = true;
            listeners = [.. _listeners.Values];
            _listeners.Clear();
        }

        foreach (var listener in listeners)
            listener.Dispose();
    }
}
