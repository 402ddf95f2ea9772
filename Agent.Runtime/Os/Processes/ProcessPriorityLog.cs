using Microsoft.Extensions.Logging;

namespace Agent.Runtime.Os.Processes;

/// <summary>Log events of process priority management (event ids 6720–6724).</summary>
internal static partial class ProcessPriorityLog
{
    [LoggerMessage(EventId = 6720, Level = LogLevel.Information, Message = "Process priority management on: children get oom_score_adj {ChildScore} and nice {Nice}; the agent's own oom_score_adj is {OwnScore}")]
    public static partial void PriorityManagementOn(this ILogger logger, int childScore, int nice, int ownScore);

    [LoggerMessage(EventId = 6721, Level = LogLevel.Information, Message = "Process priority management off ({Variable}); children start with the agent's oom_score_adj and nice value")]
    public static partial void PriorityManagementOff(this ILogger logger, string variable);

    [LoggerMessage(EventId = 6722, Level = LogLevel.Information, Message = "Lowered the agent's own oom_score_adj from {From} to {To}")]
    public static partial void OwnScoreLowered(this ILogger logger, int from, int to);

    [LoggerMessage(EventId = 6723, Level = LogLevel.Information, Message = "The agent's own oom_score_adj stays {OwnScore} (it needs CAP_SYS_RESOURCE, which root usually has: {Reason}); only the children's is raised")]
    public static partial void OwnScoreUnchanged(this ILogger logger, string reason, int ownScore);

    [LoggerMessage(EventId = 6724, Level = LogLevel.Warning, Message = "Ignored {Problem}; using the default")]
    public static partial void PrioritySettingIgnored(this ILogger logger, string problem);
}
