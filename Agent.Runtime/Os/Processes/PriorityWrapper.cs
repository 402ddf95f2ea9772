using System.ComponentModel;
using System.Runtime.InteropServices;
using Agent.Runtime.Os.Interop;

namespace Agent.Runtime.Os.Processes;

/// <summary>
/// The spawn side of process priority management: when <see cref="Configure"/> was given a <see cref="ChildPriority"/>,
/// <see cref="SpawnBuilder"/> starts <c>&lt;launcher&gt; agent-exec &lt;oom_score_adj&gt; &lt;nice&gt; &lt;program&gt;
/// &lt;argv...&gt;</c> instead of the program, so the values are set inside the child before its program runs (posix_spawn
/// cannot set either, and writing them after the spawn would race the program). The setting is process-wide, like the
/// agent's own <c>oom_score_adj</c>, so every spawn path (sessions, exec, subsystems, scripts, metadata, terminals, and any
/// added later) gets it; client commands never configure it.
/// </summary>
internal static class PriorityWrapper
{
    /// <summary>The word that makes the agent's binary the wrapper (Coder's <c>coder agent-exec</c>).</summary>
    public const string Command = "agent-exec";

    private static volatile ChildPriority? _current;

    /// <summary>The priority children get, or null when children start as they are.</summary>
    public static ChildPriority? Current => _current;

    public static void Configure(ChildPriority? priority) => _current = priority;

    /// <summary>
    /// The program and argv that start <paramref name="program"/> with <paramref name="priority"/>. The program is resolved
    /// here (in this process's <c>PATH</c> when <paramref name="searchPath"/>, as <c>posix_spawnp</c> would) and must be
    /// executable, so a missing program still fails the spawn instead of the wrapper.
    /// </summary>
    /// <exception cref="Win32Exception">The program is not there or not executable.</exception>
    public static (string Program, List<string> Arguments) Wrap(ChildPriority priority, string program, IReadOnlyList<string> arguments, bool searchPath)
    {
        ArgumentNullException.ThrowIfNull(priority);
        var resolved = searchPath && !program.Contains('/', StringComparison.Ordinal) ? Search(program) : program;
        var error = CheckExecutable(resolved);
        if (error != 0)
            throw new Win32Exception(error, "posix_spawn " + program + " failed: " + Marshal.GetPInvokeErrorMessage(error));
        List<string> wrapped = [.. priority.Launcher, Command, priority.OomScoreAdj.ToString(System.Globalization.CultureInfo.InvariantCulture),
            priority.Nice.ToString(System.Globalization.CultureInfo.InvariantCulture), resolved, .. arguments];
        return (priority.Launcher[0], wrapped);
    }

    private static string Search(string program)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "/usr/local/bin:/usr/bin:/bin";
        foreach (var directory in path.Split(':'))
        {
            var candidate = Path.Join(directory.Length == 0 ? "." : directory, program);
            if (CheckExecutable(candidate) == 0 && !Directory.Exists(candidate))
                return candidate;
        }

        return program;
    }

    private static unsafe int CheckExecutable(string path)
    {
        var bytes = Utf8StringArray.Allocate(path);
        try
        {
            return LibC.Access(bytes, LibC.X_OK) == 0 ? 0 : Marshal.GetLastPInvokeError();
        }
        finally
        {
            NativeMemory.Free(bytes);
        }
    }
}
