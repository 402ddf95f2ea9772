namespace Agent.Specs.Runtime.Os.Processes;

/// <summary>Reads process facts from /proc.</summary>
internal static class ProcFs
{
    /// <summary>The state letter (R, S, Z, ...) of <paramref name="pid"/>, or null when no such process exists.</summary>
    public static char? State(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[stat.LastIndexOf(')') + 2];
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>Gone, or a zombie waiting for init: either way nothing runs any more.</summary>
    public static bool IsDead(int pid) => State(pid) is null or 'Z' or 'X';

    public static bool WaitUntilDead(int pid, TimeSpan deadline) => SpinWait.SpinUntil(() => IsDead(pid), deadline);
}
