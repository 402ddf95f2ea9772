using System.Globalization;
using Agent.Runtime.Os.Interop;
using Microsoft.Extensions.Logging;

namespace Agent.Runtime.Os.Processes;

/// <summary>
/// Keeps the agent alive when its workspace runs out of memory or CPU: every child gets a high <c>oom_score_adj</c>
/// (<see cref="ChildOomScoreAdj"/>, or 1000 when the agent's own is already that high, so a child never ranks below the
/// agent) and the agent's nice value + <see cref="NiceIncrement"/> (at most 19), set in the child before its program runs
/// (<see cref="PriorityWrapper"/>). The agent lowers its own <c>oom_score_adj</c> to <see cref="AgentOomScoreAdj"/> when
/// the kernel lets it (<c>CAP_SYS_RESOURCE</c>, which root has unless a container dropped it); when it does not, the agent keeps its own and only raises the
/// children's. -500, not -1000: the agent stays killable if it is the one that leaks.
/// </summary>
internal static class ProcessPriority
{
    public const int AgentOomScoreAdj = -500;
    public const int ChildOomScoreAdj = 998;
    public const int NiceIncrement = 5;

    private const string OwnScorePath = "/proc/self/oom_score_adj";

    /// <summary>Applies <paramref name="settings"/> to this process and its future children; returns what children get.</summary>
    public static ChildPriority? Apply(ProcessPrioritySettings settings, IReadOnlyList<string> launcher, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(launcher);
        foreach (var problem in settings.Problems)
            logger.PrioritySettingIgnored(problem);
        if (!settings.Enabled || !OperatingSystem.IsLinux())
        {
            PriorityWrapper.Configure(null);
            logger.PriorityManagementOff(ProcessPrioritySettings.EnabledVariable);
            return null;
        }

        var own = LowerOwnScore(logger);
        var child = new ChildPriority(
            launcher,
            settings.OomScoreAdj ?? (own >= ChildOomScoreAdj ? 1000 : ChildOomScoreAdj),
            settings.Nice ?? Math.Min(19, OwnNice() + NiceIncrement));
        PriorityWrapper.Configure(child);
        logger.PriorityManagementOn(child.OomScoreAdj, child.Nice, own);
        return child;
    }

    private static int LowerOwnScore(ILogger logger)
    {
        int own;
        try
        {
            own = int.Parse(File.ReadAllText(OwnScorePath).Trim(), CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            logger.OwnScoreUnchanged(e.Message, 0);
            return 0;
        }

        if (own <= AgentOomScoreAdj)
            return own;
        try
        {
            File.WriteAllText(OwnScorePath, AgentOomScoreAdj.ToString(CultureInfo.InvariantCulture));
            logger.OwnScoreLowered(own, AgentOomScoreAdj);
            return AgentOomScoreAdj;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            logger.OwnScoreUnchanged(e.Message, own);
            return own;
        }
    }

    private static int OwnNice()
    {
        var nice = LibC.GetPriority(LibC.PRIO_PROCESS, 0);
        return nice is >= -20 and <= 19 ? nice : 0;
    }
}
