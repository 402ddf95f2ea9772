using Agent.Reactive.Protocol;

namespace Agent.Specs.Fakes.Scripts;

/// <summary>One PATCH startup-logs the fake control plane received, at virtual time <see cref="At"/>.</summary>
public sealed record LogPatchAttempt(DateTimeOffset At, StartupLogsRequest Request)
{
    public IEnumerable<string> Output => Request.Logs.Select(log => log.Output);
}
