using Agent.Runtime.Os.Interop;
using Microsoft.Extensions.Logging;
using Serilog;
using Serilog.Events;
using Serilog.Extensions.Logging;
using Serilog.Formatting.Compact;

namespace Agent.Runtime.Hosting;

/// <summary>
/// The one place Serilog is wired: stderr (human or JSON) plus a size-rotated file in the log directory. Lines written
/// while an SSH connection is served carry its number (<see cref="Sshd.Server.SshConnectionScope"/>): <c>[ssh 7]</c>
/// after the source in human output, an <c>SshConnection</c> property in JSON.
/// Everything else logs through <see cref="Microsoft.Extensions.Logging.ILogger{T}"/>.
/// </summary>
public static class AgentLogging
{
    /// <summary>Bytes a log file may reach before it rotates.</summary>
    public const long FileSizeLimit = 5 * 1024 * 1024;

    /// <summary>
    /// Creates the logger factory of the process. <paramref name="logFile"/> may be null for stderr only. With
    /// <paramref name="ownDirectory"/> the file's directory must belong to this user (the default log directory).
    /// </summary>
    public static ILoggerFactory Create(LogFormat format, LogEventLevel minimumLevel, string? logFile, bool ownDirectory = false)
    {
        var configuration = new LoggerConfiguration()
            .MinimumLevel.Is(minimumLevel)
            .MinimumLevel.Override("Microsoft.AspNetCore", LogEventLevel.Warning)
            .MinimumLevel.Override("Microsoft.Hosting", LogEventLevel.Warning)
            .MinimumLevel.Override("System.Net.Http.HttpClient", LogEventLevel.Warning)
            .Enrich.FromLogContext()
            .Enrich.With(new ConnectionTagEnricher());

        configuration = format == LogFormat.Json
            ? configuration.WriteTo.Console(new CompactJsonFormatter(), standardErrorFromLevel: LogEventLevel.Verbose)
            : configuration.WriteTo.Console(
                outputTemplate: "{Timestamp:HH:mm:ss.fff} {Level:u3} {SourceContext}{ConnectionTag:l}: {Message:lj}{NewLine}{Exception}",
                standardErrorFromLevel: LogEventLevel.Verbose);

        var fileProblem = (string?)null;
        var replaced = (string?)null;
        if (logFile is not null)
        {
            try
            {
                PrivateDirectory.Ensure(Path.GetDirectoryName(Path.GetFullPath(logFile))!, requireOwner: ownDirectory);
                var sink = PrivateLogFileSink.Open(new CompactJsonFormatter(), logFile, FileSizeLimit, out replaced);
                configuration = configuration.WriteTo.Sink(sink);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                fileProblem = e.Message;
            }
        }

        var serilog = configuration.CreateLogger();
        var factory = new SerilogLoggerFactory(serilog, dispose: true);
        var logger = factory.CreateLogger("Agent.Runtime.Hosting");
        if (fileProblem is not null)
            logger.AgentLogSkipped(logFile!, fileProblem);
        if (replaced is not null)
            logger.ReplacedUnsafeLogFile(logFile!, replaced);
        return factory;
    }
}
