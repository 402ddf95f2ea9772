using Microsoft.AspNetCore.Http;

namespace Agent.Runtime.Http;

/// <summary>How logs name the client of a request: <c>address:port</c>, or a local socket.</summary>
internal static class ClientAddress
{
    public static string Of(HttpContext context)
        => context.Connection.RemoteIpAddress is { } address ? $"{address}:{context.Connection.RemotePort}" : "a local socket";
}
