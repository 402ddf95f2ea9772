using System.CommandLine;
using Agent.Runtime.Hosting;
using Microsoft.Extensions.Logging;
using Serilog.Events;

namespace Agent.Runtime.Commands.Options;

/// <summary>The logging options shared by the long-running commands.</summary>
public sealed class LoggingOptions
{
    public Option<string?> LogDirectory { get; } = new("--log-dir")
    {
        Description = "Directory for agent.log and the script logs (env AGENT_LOG_DIR, CODER_AGENT_LOG_DIR; default: $XDG_STATE_HOME/agent/logs, i.e. ~/.local/state/agent/logs)",
    };

    public Option<LogFormat> Format { get; } = new("--log-format")
    {
        Description = "Log format on stderr: human or json",
        DefaultValueFactory = _ => LogFormat.Human,
    };

    public Option<LogEventLevel> Level { get; } = new("--log-level")
    {
        Description = "Minimum log level: Verbose, Debug, Information, Warning, Error",
        DefaultValueFactory = _ => LogEventLevel.Information,
    };

    /// <summary>
    /// The private default: <c>$XDG_STATE_HOME/agent/logs</c>, or <c>~/.local/state/agent/logs</c> (created 0700 and
    /// required to belong to this user). Coder's default is the shared temp directory, where another local user can
    /// plant links or read the logs.
    /// </summary>
    public static string DefaultLogDirectory()
    {
        var stateHome = EnvironmentDefaults.First("XDG_STATE_HOME")
            ?? Path.Join(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "state");
        return Path.Join(stateHome, "agent", "logs");
    }

    public void AddTo(Command command)
    {
        command.Options.Add(LogDirectory);
        command.Options.Add(Format);
        command.Options.Add(Level);
    }

    /// <summary>The log directory: the option, then the environment, then <see cref="DefaultLogDirectory"/>.</summary>
    public string ResolveLogDirectory(ParseResult result)
        => result.GetValue(LogDirectory)
            ?? EnvironmentDefaults.First("AGENT_LOG_DIR", "CODER_AGENT_LOG_DIR")
            ?? DefaultLogDirectory();

    public ILoggerFactory CreateLoggerFactory(ParseResult result, string logDirectory)
        => AgentLogging.Create(
            result.GetValue(Format),
            result.GetValue(Level),
            Path.Join(logDirectory, "agent.log"),
            ownDirectory: string.Equals(logDirectory, DefaultLogDirectory(), StringComparison.Ordinal));
}
