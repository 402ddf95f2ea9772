using Agent.Reactive.Protocol;

namespace Agent.Reactive.Scripts;

/// <summary>
/// One PATCH of script logs: the request, how many script lines it carries, and how many dropped lines
/// its leading notice reports (per reason), so success can clear exactly those and a 413 can count the rest.
/// </summary>
internal sealed record ScriptLogBatch(
    StartupLogsRequest Request,
    int Lines,
    long NoticedRejected,
    long NoticedOverflowed);
