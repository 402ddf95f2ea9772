using Microsoft.Extensions.Logging;

namespace Agent.Runtime.Os.Processes;

/// <summary>Starts piped processes with the user's login shell (passwd, else <c>$SHELL</c>, else <c>/bin/sh</c>).</summary>
public sealed class PipedProcessLauncher : IPipedProcessLauncher
{
    private readonly ILogger _logger;
    private readonly string _shell;

    public PipedProcessLauncher(ILogger<PipedProcessLauncher> logger)
        : this(logger, LoginShell.ResolveShell())
    {
    }

    /// <summary>Uses <paramref name="shell"/> instead of the login shell.</summary>
    public PipedProcessLauncher(ILogger<PipedProcessLauncher> logger, string shell)
    {
        ArgumentException.ThrowIfNullOrEmpty(shell);
        _logger = logger;
        _shell = shell;
    }

    /// <summary>The shell every command runs with.</summary>
    public string Shell => _shell;

    public IPipedProcess Start(string command, IReadOnlyList<KeyValuePair<string, string>> environment, string? workingDirectory)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(environment);
        string[] arguments = command.Length == 0 ? [_shell, "-l"] : [_shell, "-c", command];
        var process = PipedProcess.Start(_shell, arguments, ChildProcessSetup.Environment(environment), ChildProcessSetup.WorkingDirectory(workingDirectory), _logger);
        _logger.PipedProcessStarted(_shell, process.ProcessId);
        return process;
    }
}
