using System.Globalization;
using System.Runtime.InteropServices;
using Agent.Runtime.Os.Interop;

namespace Agent.Runtime.Os.Processes;

/// <summary>
/// <c>agent agent-exec &lt;oom_score_adj&gt; &lt;nice&gt; &lt;program&gt; &lt;argv...&gt;</c>: the child side of
/// <see cref="PriorityWrapper"/>. Writes <c>/proc/self/oom_score_adj</c>, sets the nice value of the thread that execs,
/// puts every signal back to its default with nothing blocked (the runtime ignores SIGPIPE, and an ignored signal would
/// survive exec), then execs the program in place: same pid, process group, session, terminal, descriptors and
/// environment. A value that cannot be set is said on stderr and the program still runs (as Coder's wrapper does); a
/// program that cannot be executed exits 127 (not found) or 126, as a shell's would.
/// </summary>
internal static unsafe class PriorityExec
{
    private const int LastSignal = 64;

    /// <summary>Runs the wrapper; returns only when the exec failed (the exit code).</summary>
    public static int Run(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args.Length < 5 || args[0] != PriorityWrapper.Command
            || !int.TryParse(args[1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var oomScoreAdj)
            || !int.TryParse(args[2], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var nice))
        {
            Console.Error.WriteLine("agent agent-exec: usage: agent agent-exec OOM_SCORE_ADJ NICE PROGRAM ARGV0 [ARGS...]");
            return 2;
        }

        var program = args[3];
        WriteOomScoreAdj(oomScoreAdj, program);
        if (LibC.SetPriority(LibC.PRIO_PROCESS, 0, nice) != 0)
            Console.Error.WriteLine($"agent: cannot set the nice value {nice} for {program}: {Marshal.GetLastPInvokeErrorMessage()}");
        ResetSignals();

        using var argv = new Utf8StringArray(args[4..]);
        var path = Utf8StringArray.Allocate(program);
        _ = LibC.Execute(path, argv.Pointer);
        var error = Marshal.GetLastPInvokeError();
        NativeMemory.Free(path);
        Console.Error.WriteLine($"agent: cannot run {program}: {Marshal.GetPInvokeErrorMessage(error)}");
        return error == 2 ? 127 : 126;
    }

    private static void WriteOomScoreAdj(int value, string program)
    {
        var text = value.ToString(CultureInfo.InvariantCulture);
        try
        {
            File.WriteAllText("/proc/self/oom_score_adj", text);
        }
        catch (UnauthorizedAccessException)
        {
            // A process that gained capabilities at exec is not dumpable, so its /proc files belong to root: become
            // dumpable for the write (as Coder's wrapper does); exec decides dumpability afresh for the program.
            _ = LibC.ProcessControl(LibC.PR_SET_DUMPABLE, 1, 0, 0, 0);
            try
            {
                File.WriteAllText("/proc/self/oom_score_adj", text);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"agent: cannot set oom_score_adj {value} for {program}: {e.Message}");
            }
        }
        catch (IOException e)
        {
            Console.Error.WriteLine($"agent: cannot set oom_score_adj {value} for {program}: {e.Message}");
        }
    }

    private static void ResetSignals()
    {
        var set = stackalloc byte[LibC.SignalSetSize];
        _ = LibC.SignalEmptySet(set);
        _ = LibC.SignalProcessMask(LibC.SIG_SETMASK, set, null);
        for (var signal = 1; signal <= LastSignal; signal++)
        {
            if (signal is not (LibC.SIGKILL or LibC.SIGSTOP))
                _ = LibC.SetSignalHandler(signal, 0);
        }
    }
}
