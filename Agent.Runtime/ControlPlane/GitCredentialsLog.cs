using Microsoft.Extensions.Logging;

namespace Agent.Runtime.ControlPlane;

/// <summary>What the control plane reports about the git credentials it serves to agents (event ids 5100–5109).</summary>
internal static partial class GitCredentialsLog
{
    [LoggerMessage(EventId = 5100, Level = LogLevel.Information, Message = "Agent {Agent}: served the git SSH key")]
    public static partial void GitSshKeyServed(this ILogger logger, string agent);

    [LoggerMessage(EventId = 5101, Level = LogLevel.Warning, Message = "Agent {Agent}: asked for the git SSH key, but the workspace file has no git_ssh_key")]
    public static partial void GitSshKeyMissing(this ILogger logger, string agent);

    [LoggerMessage(EventId = 5102, Level = LogLevel.Information, Message = "Agent {Agent}: served the git credentials of provider {Provider} for {Url}")]
    public static partial void GitAuthServed(this ILogger logger, string agent, string provider, string url);

    [LoggerMessage(EventId = 5103, Level = LogLevel.Warning, Message = "Agent {Agent}: no git provider matches {Url}")]
    public static partial void GitAuthNoMatch(this ILogger logger, string agent, string url);

    [LoggerMessage(EventId = 5104, Level = LogLevel.Warning, Message = "Agent {Agent}: the regex of git provider {Provider} ran out of time on a URL of {Length} characters; counted as no match")]
    public static partial void GitAuthMatchTimedOut(this ILogger logger, string agent, string provider, int length);
}
