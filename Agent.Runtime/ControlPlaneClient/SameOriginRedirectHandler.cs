using System.Net;

namespace Agent.Runtime.ControlPlaneClient;

/// <summary>
/// Follows redirects itself so that the request's headers, which carry the token (<c>Coder-Session-Token</c>), only
/// ever go back to the origin (scheme, host, port) they were meant for. A GET or HEAD redirected within the origin is
/// sent again with the same headers, at most <see cref="MaxRedirects"/> times; a redirect to another origin is not
/// followed and fails with an <see cref="HttpRequestException"/> naming both origins; a redirected request with a body
/// is answered with the redirect itself. The inner handler must not follow redirects (<see cref="TokenHttpClient"/>).
/// </summary>
public sealed class SameOriginRedirectHandler : DelegatingHandler
{
    /// <summary>Redirects followed for one request (browsers allow 20; a control plane needs one or two).</summary>
    public const int MaxRedirects = 5;

    public SameOriginRedirectHandler(HttpMessageHandler inner)
        : base(inner)
    {
    }

    /// <summary>The origin of <paramref name="uri"/> as people write it: <c>scheme://host:port</c>.</summary>
    public static string Origin(Uri uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        return uri.GetComponents(UriComponents.SchemeAndServer | UriComponents.StrongPort, UriFormat.UriEscaped);
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var current = request;
        try
        {
            for (var hops = 0; ; hops++)
            {
                var response = await base.SendAsync(current, cancellationToken).ConfigureAwait(false);
                if (!IsRedirect(response.StatusCode) || response.Headers.Location is not { } location || current.RequestUri is not { } from)
                    return response;
                var target = location.IsAbsoluteUri ? location : new Uri(from, location);
                if (Origin(target) != Origin(from))
                {
                    response.Dispose();
                    throw new HttpRequestException(
                        $"{Origin(from)} redirected to {Origin(target)}; a redirect to another origin is not followed, so the token is not sent there");
                }

                if (current.Method != HttpMethod.Get && current.Method != HttpMethod.Head)
                    return response;
                if (hops == MaxRedirects)
                {
                    response.Dispose();
                    throw new HttpRequestException($"{Origin(from)} redirected more than {MaxRedirects} times");
                }

                response.Dispose();
                var next = new HttpRequestMessage(current.Method, target) { Version = current.Version, VersionPolicy = current.VersionPolicy };
                foreach (var header in current.Headers)
                    next.Headers.TryAddWithoutValidation(header.Key, header.Value);
                if (!ReferenceEquals(current, request))
                    current.Dispose();
                current = next;
            }
        }
        finally
        {
            if (!ReferenceEquals(current, request))
                current.Dispose();
        }
    }

    private static bool IsRedirect(HttpStatusCode status)
        => status is HttpStatusCode.MovedPermanently or HttpStatusCode.Found or HttpStatusCode.SeeOther
            or HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect;
}
