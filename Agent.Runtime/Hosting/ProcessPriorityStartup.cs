using Agent.Runtime.Os.Processes;
using Microsoft.Extensions.Logging;

namespace Agent.Runtime.Hosting;

/// <summary>
/// Turns process priority management on (or off) for a serving agent (<c>agent run</c>, <c>agent dev</c>,
/// <c>agent ssh-server</c>) from Coder's <c>CODER_PROC_*</c> variables, with this agent's own executable as the wrapper.
/// </summary>
public static class ProcessPriorityStartup
{
    public static void Apply(ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(loggerFactory);
        _ = ProcessPriority.Apply(
            ProcessPrioritySettings.Read(Environment.GetEnvironmentVariable),
            AgentLauncher.Command(),
            loggerFactory.CreateLogger(typeof(ProcessPriority).FullName!));
    }
}
