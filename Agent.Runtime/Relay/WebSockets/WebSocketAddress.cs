namespace Agent.Runtime.Relay.WebSockets;

/// <summary>WebSocket addresses below a control plane's URL.</summary>
public static class WebSocketAddress
{
    /// <summary>
    /// <paramref name="path"/> (relative, already escaped) below <paramref name="baseAddress"/>, whose path prefix is
    /// kept, with the ws/wss scheme of its http/https (or ws/wss) one and <paramref name="query"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The base address is not http(s) or ws(s).</exception>
    public static Uri Below(Uri baseAddress, string path, string query = "")
    {
        ArgumentNullException.ThrowIfNull(baseAddress);
        ArgumentNullException.ThrowIfNull(path);
        var scheme = baseAddress.Scheme switch
        {
            "http" or "ws" => "ws",
            "https" or "wss" => "wss",
            _ => throw new ArgumentException($"the control plane URL must be http(s) or ws(s), not {baseAddress.Scheme}", nameof(baseAddress)),
        };
        var builder = new UriBuilder(baseAddress)
        {
            Scheme = scheme,
            Port = baseAddress.IsDefaultPort ? -1 : baseAddress.Port,
            Path = $"{baseAddress.AbsolutePath.TrimEnd('/')}/{path.TrimStart('/')}",
            Query = query,
            Fragment = string.Empty,
        };
        return builder.Uri;
    }
}
