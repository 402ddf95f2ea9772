namespace Agent.Reactive.Protocol;

/// <summary>The URL of a git remote as the credential endpoints match it: without its user part.</summary>
public static class GitRemoteUrl
{
    /// <summary>Longest remote URL the helpers ask about and the control plane looks up; git's are far shorter.</summary>
    public const int MaxLength = 2048;

    /// <summary>
    /// <paramref name="url"/> without <c>user[:password]@</c> in its authority, otherwise unchanged (no slash added, as
    /// Go's <c>url.String()</c> in Coder's askpass keeps it); <paramref name="user"/> is the user part's name, unescaped,
    /// or empty.
    /// </summary>
    public static string WithoutUser(string url, out string user)
    {
        ArgumentNullException.ThrowIfNull(url);
        user = string.Empty;
        var scheme = url.IndexOf("://", StringComparison.Ordinal);
        if (scheme < 0)
            return url;
        var start = scheme + 3;
        var end = url.IndexOfAny(['/', '?', '#'], start);
        if (end < 0)
            end = url.Length;
        var at = url.LastIndexOf('@', end - 1, end - start);
        if (at < 0)
            return url;
        var userInfo = url[start..at];
        var colon = userInfo.IndexOf(':', StringComparison.Ordinal);
        user = Uri.UnescapeDataString(colon < 0 ? userInfo : userInfo[..colon]);
        return url[..start] + url[(at + 1)..];
    }
}
