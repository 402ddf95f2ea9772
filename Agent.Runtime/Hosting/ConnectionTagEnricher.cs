using System.Globalization;
using Agent.Runtime.Sshd.Server;
using Serilog.Core;
using Serilog.Events;

namespace Agent.Runtime.Hosting;

/// <summary>
/// Gives every event a <c>ConnectionTag</c> for the human-readable output: <c> [ssh 7]</c> for lines written while SSH
/// connection 7 is served (its <see cref="SshConnectionScope"/>); other events get none, and an output template renders a
/// missing property as nothing. JSON output carries the scope's <see cref="SshConnectionScope.Property"/> as well.
/// </summary>
internal sealed class ConnectionTagEnricher : ILogEventEnricher
{
    public const string Property = "ConnectionTag";

    public void Enrich(LogEvent logEvent, ILogEventPropertyFactory propertyFactory)
    {
        if (logEvent.Properties.TryGetValue(SshConnectionScope.Property, out var value) && value is ScalarValue { Value: { } id })
            logEvent.AddPropertyIfAbsent(propertyFactory.CreateProperty(Property, string.Create(CultureInfo.InvariantCulture, $" [ssh {id}]")));
    }
}
