using Microsoft.AspNetCore.Http;

namespace Agent.Runtime.ControlPlane.PortProxy;

/// <summary>Until the dashboard's sign-in is composed: no request carries a session, so only a user token opens the proxy.</summary>
internal sealed class NoDashboardSessions : IDashboardSessions
{
    public static NoDashboardSessions Instance { get; } = new();

    public string? SessionOf(HttpRequest request) => null;

    public bool IsActive(string session) => false;
}
