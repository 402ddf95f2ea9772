using Agent.Reactive.Effects;
using Microsoft.Extensions.Logging;

namespace Agent.Reactive.Connection;

/// <summary>
/// Which control plane each connection attempt goes to: the first one first, then, after every failed attempt or
/// broken connection, the next one in the list, cycling. A connection that holds keeps its control plane. One instance
/// per subscription of the connection loop; with a single control plane (or none given) it never switches.
/// </summary>
internal sealed class EndpointRotation
{
    private readonly IControlPlaneEndpoints? _endpoints;
    private readonly ILogger _logger;
    private int _index = -1;

    public EndpointRotation(IControlPlaneEndpoints? endpoints, ILogger logger)
    {
        _endpoints = endpoints;
        _logger = logger;
    }

    /// <summary>
    /// Chooses the control plane of the next attempt and returns how events name it: <c>null</c> when there is only one,
    /// so a single control plane's events read as they always have.
    /// </summary>
    public string? Next()
    {
        if (_endpoints is null || _endpoints.Count <= 1)
            return null;
        var previous = _index;
        _index = (_index + 1) % _endpoints.Count;
        _endpoints.Use(_index);
        var name = _endpoints.Describe(_index);
        if (previous >= 0)
            _logger.ControlPlaneSwitched(_endpoints.Describe(previous), name, _index + 1, _endpoints.Count);
        return name;
    }
}
