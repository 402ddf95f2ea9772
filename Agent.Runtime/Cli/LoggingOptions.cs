using System.CommandLine;
using Agent.Runtime.Hosting;
using Microsoft.Extensions.Logging;
using Serilog.Events;

namespace Agent.Runtime.Cli;

/// <summary>The logging options shared by the long-running commands.</summary>
public sealed class LoggingOptions
{
    public Option<string?> LogDirectory { get; } = new("--log-dir")
    {
        Description = "Directory for agent.log and the script logs (env AGENT_LOG_DIR, CODER_AGENT_LOG_DIR; default: the temp directory)",
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

    public void AddTo(Command command)
    {
        command.Options.Add(LogDirectory);
        command.Options.Add(Format);
        command.Options.Add(Level);
    }

    /// <summary>The log directory: the option, then the environment, then the temp directory.</summary>
    public string ResolveLogDirectory(ParseResult result)
        => result.GetValue(LogDirectory)
            ?? EnvironmentDefaults.First("AGENT_LOG_DIR", "CODER_AGENT_LOG_DIR")
            ?? Path.GetTempPath();

    public ILoggerFactory CreateLoggerFactory(ParseResult result, string logDirectory)
        => AgentLogging.Create(result.GetValue(Format), result.GetValue(Level), Path.Join(logDirectory, "agent.log"));
}
