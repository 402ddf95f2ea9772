using Agent.Runtime.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Agent.Runtime.Http;

/// <summary>
/// Middleware of a loopback listener: a request over TCP whose <c>Host</c> is not a loopback name or address
/// (<see cref="LoopbackHost"/>) is answered <c>421 Misdirected Request</c> and goes no further. A web page whose
/// own name an attacker pointed at 127.0.0.1 (DNS rebinding) sends its own name as Host and is refused here.
/// Requests over a Unix socket (the agent API's, which the relay uses) carry no meaningful Host and pass.
/// </summary>
internal sealed class LoopbackHostFilter
{
    private readonly RequestDelegate _next;
    private readonly ILogger _logger;
    private readonly LogThrottle _refusals = new(BrowserGuardLog.Interval);

    public LoopbackHostFilter(RequestDelegate next, ILogger logger)
    {
        _next = next;
        _logger = logger;
    }

    public Task InvokeAsync(HttpContext context)
    {
        if (context.Connection.LocalIpAddress is null || LoopbackHost.IsLoopback(context.Request.Host))
            return _next(context);
        _logger.HostRefused(_refusals, context);
        return ApiResponses.WriteErrorAsync(
            context,
            StatusCodes.Status421MisdirectedRequest,
            "Host not allowed.",
            "This server listens on loopback and answers only requests for localhost, *.localhost, 127.0.0.0/8 or [::1].");
    }
}
