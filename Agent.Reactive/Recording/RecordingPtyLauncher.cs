using System.Reactive.Concurrency;
using Agent.Reactive.Effects;

namespace Agent.Reactive.Recording;

/// <summary>
/// The PTY launcher of sessions that may be recorded (SSH sessions with a PTY, the web terminal): asks the
/// <see cref="SessionRecorder"/> for each one. Unrecorded sessions start as before; <c>on</c> sessions start at once
/// and are recorded from their first byte (the recording's queue holds the output until the control plane took the
/// recording); <c>required</c> sessions start only once the control plane took the recording, and are refused with a
/// message on the terminal and exit status 1 when it does not.
/// </summary>
public sealed class RecordingPtyLauncher : IPtyLauncher
{
    private readonly IPtyLauncher _launcher;
    private readonly SessionRecorder _recorder;
    private readonly IScheduler _scheduler;

    public RecordingPtyLauncher(IPtyLauncher launcher, SessionRecorder recorder, IScheduler scheduler)
    {
        ArgumentNullException.ThrowIfNull(launcher);
        ArgumentNullException.ThrowIfNull(recorder);
        ArgumentNullException.ThrowIfNull(scheduler);
        _launcher = launcher;
        _recorder = recorder;
        _scheduler = scheduler;
    }

    public IPtyProcess Start(PtySpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var decision = _recorder.Begin(spec);
        if (decision.Refusal is { } reason)
            return Refused(decision.Origin!, reason);
        if (decision.Recording is not { } recording)
            return _launcher.Start(spec);
        var origin = decision.Origin!;
        if (recording.Mode == RecordingMode.On)
        {
            try
            {
                return new RecordedPtyProcess(_launcher.Start(spec), recording, origin, _recorder);
            }
            catch
            {
                recording.Complete();
                throw;
            }
        }

        return new PendingPtyProcess(
            recording.Opened,
            () =>
            {
                var why = recording.Failure ?? "the recording did not start";
                _recorder.Logger.SessionRefused(origin.Kind, origin.Who, why);
                return RefusalText(why);
            },
            (columns, rows) => new RecordedPtyProcess(_launcher.Start(spec with { Columns = columns, Rows = rows }), recording, origin, _recorder),
            spec.Columns,
            spec.Rows,
            recording.Complete,
            _scheduler);
    }

    private static string RefusalText(string reason)
        => $"session recording is required in this workspace and it could not start ({reason}): the session is refused";

    private PendingPtyProcess Refused(PtyOrigin origin, string reason)
    {
        _recorder.Logger.SessionRefused(origin.Kind, origin.Who, reason);
        return new PendingPtyProcess(Task.FromResult(false), () => RefusalText(reason), (_, _) => throw new InvalidOperationException("a refused session never starts"), 0, 0, () => { }, _scheduler);
    }
}
