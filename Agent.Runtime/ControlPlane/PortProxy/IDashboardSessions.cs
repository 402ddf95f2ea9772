using Microsoft.AspNetCore.Http;

namespace Agent.Runtime.ControlPlane.PortProxy;

/// <summary>The dashboard's sign-in as the proxy needs it: whose session a request carries, and whether it still lives.</summary>
public interface IDashboardSessions
{
    /// <summary>A key of the dashboard session the request's cookie proves (stable for the session, never the cookie itself), or <c>null</c>.</summary>
    string? SessionOf(HttpRequest request);

    /// <summary>Whether the session of <paramref name="session"/> (a key from <see cref="SessionOf"/>) is neither expired nor signed out.</summary>
    bool IsActive(string session);
}
