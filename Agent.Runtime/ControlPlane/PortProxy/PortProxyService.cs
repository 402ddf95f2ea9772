using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;

namespace Agent.Runtime.ControlPlane.PortProxy;

/// <summary>
/// The port proxy as the server composes it: <see cref="Use"/> puts its middleware in the pipeline (right after the
/// loopback Host filter), <see cref="Map"/> adds the dashboard's redirect endpoint.
/// </summary>
public sealed class PortProxyService : IDisposable
{
    private readonly ControlPlaneStore _store;
    private readonly PortProxyRoute _route;
    private readonly PortProxyGrants _grants;
    private readonly PortProxyForwarder _forwarder;
    private readonly Func<Uri> _dashboard;
    private readonly ILogger _logger;

    /// <summary>A proxy to the agents of <paramref name="store"/> through <paramref name="relays"/>; <paramref name="dashboard"/> is the server's announced address once it listens.</summary>
    public PortProxyService(ControlPlaneStore store, RelayHub relays, Func<Uri> dashboard, TimeProvider time, ILogger logger, CancellationToken stopping)
    {
        _store = store;
        _route = new PortProxyRoute(store);
        _grants = new PortProxyGrants(new DashboardSessions(store), time);
        _forwarder = new PortProxyForwarder(relays, logger, stopping);
        _dashboard = dashboard;
        _logger = logger;
    }

    public void Use(IApplicationBuilder app)
        => app.Use(next => new PortProxyMiddleware(next, _store, _route, _grants, _forwarder, _dashboard, _logger).InvokeAsync);

    public void Map(WebApplication app) => new AuthRedirectEndpoint(_route, _grants, _dashboard, _logger).Map(app);

    public void Dispose() => _forwarder.Dispose();
}
