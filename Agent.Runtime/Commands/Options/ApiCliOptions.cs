using System.CommandLine;
using System.Net;
using Agent.Runtime.Http;

namespace Agent.Runtime.Commands.Options;

/// <summary>The HTTP API options of <c>agent run</c> and <c>agent dev</c>.</summary>
public sealed class ApiCliOptions
{
    public Option<string?> Address { get; } = new("--api-address")
    {
        Description = "Also serve the agent's HTTP API (listening ports, metrics, events) on HOST:PORT; loopback only (127.0.0.0/8, ::1, localhost); port 0 picks one",
    };

    public void AddTo(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        command.Options.Add(Address);
    }

    /// <summary>The loopback endpoint of <c>--api-address</c>, or <c>null</c> without it (or on a bad value, with <paramref name="error"/>).</summary>
    public IPEndPoint? Parse(ParseResult result, out string? error)
    {
        ArgumentNullException.ThrowIfNull(result);
        error = null;
        var text = result.GetValue(Address);
        if (string.IsNullOrWhiteSpace(text))
            return null;
        try
        {
            return ApiListenAddress.Parse(text);
        }
        catch (FormatException e)
        {
            error = e.Message;
            return null;
        }
    }
}
