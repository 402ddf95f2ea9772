using Agent.Runtime.ControlPlaneClient;

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

    /// <summary>
    /// The comma-separated control planes in <paramref name="value"/> (spaces around each are ignored), each one an
    /// http(s) URL as <see cref="Parse"/> takes it, none twice, at most <see cref="ControlPlaneEndpoints.MaxCount"/>; or
    /// <c>null</c> with the reason, naming the element at fault, in <paramref name="problem"/>.
    /// </summary>
    public static ControlPlaneEndpoints? ParseList(string value, out string problem)
    {
        ArgumentNullException.ThrowIfNull(value);
        var elements = value.Split(',', StringSplitOptions.TrimEntries);
        if (elements.Length > ControlPlaneEndpoints.MaxCount)
        {
            problem = $"{elements.Length} control plane URLs, at most {ControlPlaneEndpoints.MaxCount} are allowed";
            return null;
        }

        var urls = new List<Uri>(elements.Length);
        for (var i = 0; i < elements.Length; i++)
        {
            if (elements[i].Length == 0 && elements.Length > 1)
            {
                problem = $"URL number {i + 1} of the list \"{value}\" is empty";
                return null;
            }

            if (Parse(elements[i], out problem) is not { } url)
                return null;
            if (urls.Contains(url))
            {
                problem = $"\"{elements[i]}\" is in the list twice";
                return null;
            }

            urls.Add(url);
        }

        problem = string.Empty;
        return new ControlPlaneEndpoints(urls);
    }
}
