namespace Agent.Reactive.Effects;

/// <summary>Issues the GET of an app health check.</summary>
public interface IHttpProbe
{
    /// <summary>Returns the HTTP status code; throws on transport errors and when <paramref name="timeout"/> passes.</summary>
    Task<int> GetStatusAsync(Uri url, TimeSpan timeout, CancellationToken cancellationToken);
}
