namespace Agent.Runtime.Commands.Options;

/// <summary>The control plane's URL as <c>--url</c> and the URL variables take it: absolute, http or https.</summary>
public static class ControlPlaneUrl
{
    /// <summary>The URL in <paramref name="value"/>, or <c>null</c> with the reason in <paramref name="problem"/>.</summary>
    public static Uri? Parse(string value, out string problem)
    {
        problem = string.Empty;
        if (Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https")
            return uri;
        problem = $"\"{value}\" is not an http(s) URL (for example http://127.0.0.1:7080)";
        return null;
    }
}
