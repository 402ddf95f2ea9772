using System.Runtime.InteropServices;

namespace Agent.Runtime.Hosting;

/// <summary>
/// SIGTERM, SIGINT and SIGHUP: the first asks for a graceful stop (<see cref="Graceful"/> is cancelled:
/// run the shutdown script, report the final state), the second for an immediate one (<see cref="Hard"/>).
/// </summary>
public sealed class ShutdownSignals : IDisposable
{
    private readonly CancellationTokenSource _graceful = new();
    private readonly CancellationTokenSource _hard = new();
    private readonly List<PosixSignalRegistration> _registrations = [];
    private int _received;

    public ShutdownSignals()
    {
        foreach (var signal in new[] { PosixSignal.SIGTERM, PosixSignal.SIGINT, PosixSignal.SIGHUP })
            _registrations.Add(PosixSignalRegistration.Create(signal, OnSignal));
    }

    /// <summary>Cancelled by the first signal.</summary>
    public CancellationToken Graceful => _graceful.Token;

    /// <summary>Cancelled by the second signal.</summary>
    public CancellationToken Hard => _hard.Token;

    /// <summary>The name of the first signal received, for the log.</summary>
    public string? FirstSignal { get; private set; }

    public void Dispose()
    {
        foreach (var registration in _registrations)
            registration.Dispose();
        _graceful.Dispose();
        _hard.Dispose();
    }

    private void OnSignal(PosixSignalContext context)
    {
        // Keep the process alive: the graceful path decides when to exit.
        context.Cancel = true;
        if (Interlocked.Increment(ref _received) == 1)
        {
            FirstSignal = context.Signal.ToString();
            _graceful.Cancel();
        }
        else
        {
            _hard.Cancel();
        }
    }
}
