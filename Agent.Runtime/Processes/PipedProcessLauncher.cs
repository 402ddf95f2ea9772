using System.Collections;
using Microsoft.Extensions.Logging;

namespace Agent.Runtime.Processes;

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
        var process = PipedProcess.Start(_shell, arguments, BuildEnvironment(environment), ChooseDirectory(workingDirectory), _logger);
        _logger.LogDebug("Started {Shell} as process {Pid} with pipes", _shell, process.ProcessId);
        return process;
    }

    private static List<string> BuildEnvironment(IReadOnlyList<KeyValuePair<string, string>> overrides)
    {
        var merged = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in Environment.GetEnvironmentVariables())
            merged[(string)entry.Key] = (string?)entry.Value ?? string.Empty;
        foreach (var pair in overrides)
            merged[pair.Key] = pair.Value;

        var result = new List<string>(merged.Count);
        foreach (var pair in merged)
        {
            // A name with '=' or a NUL anywhere cannot be expressed in envp; such entries are left out.
            if (pair.Key.Length == 0 || pair.Key.Contains('=', StringComparison.Ordinal)
                || pair.Key.Contains('\0', StringComparison.Ordinal) || pair.Value.Contains('\0', StringComparison.Ordinal))
                continue;
            result.Add(pair.Key + "=" + pair.Value);
        }

        return result;
    }

    private static string ChooseDirectory(string? requested)
    {
        if (!string.IsNullOrEmpty(requested) && Directory.Exists(requested))
            return requested;
        var home = LoginShell.ResolveHome();
        return Directory.Exists(home) ? home : "/";
    }
}
