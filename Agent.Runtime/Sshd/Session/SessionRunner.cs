using System.ComponentModel;
using Agent.Reactive.Effects;
using Agent.Runtime.Os.Processes;
using Agent.Runtime.Ssh.Channels;
using Agent.Runtime.Ssh.Wire;
using Microsoft.Extensions.Logging;

namespace Agent.Runtime.Sshd.Session;

/// <summary>
/// Runs what a session started, once the request was answered: a process on pipes, a process on a terminal, or a
/// subsystem; then sends <c>exit-status</c> (or <c>exit-signal</c>) and closes the channel. The client closing the
/// channel or the connection (<c>ended</c>) stops it; the process is disposed in every case.
/// </summary>
internal sealed class SessionRunner
{
    private readonly SshChannel _channel;
    private readonly CancellationToken _ended;
    private readonly ILogger _logger;
    private readonly SessionStreams _streams;

    public SessionRunner(SshChannel channel, ILogger logger, CancellationToken ended)
    {
        _channel = channel;
        _ended = ended;
        _logger = logger;
        _streams = new SessionStreams(channel, logger, ended);
    }

    public async Task RunPipedAsync(IPipedProcess process, Task answered, IDisposable? counted)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(_ended);
        try
        {
            await answered;
            var output = _streams.PumpPipesAsync(process, stop.Token);
            _ = _streams.PumpInputAsync(data => process.StandardInput.WriteAsync(data, _ended), () => process.StandardInput.Dispose());
            var exit = await process.Exited.WaitAsync(_ended);
            _logger.SessionExited("session", _channel.LocalId, Describe(exit));
            await FinishOutputAsync(output, stop);
            await FinishAsync(exit);
            _logger.SessionClosed("session", _channel.LocalId);
        }
        catch (OperationCanceledException) when (_ended.IsCancellationRequested)
        {
            _logger.SessionEndedByClient("session", _channel.LocalId);
        }
        catch (IOException e)
        {
            _logger.SessionEnded("session", _channel.LocalId, e.Message);
        }
        catch (Win32Exception e)
        {
            await EndUnwaitedAsync(e);
        }
        finally
        {
            process.Dispose();
            counted?.Dispose();
        }
    }

    public async Task RunTerminalAsync(IPtyProcess terminal, byte[]? motd, Task answered, IDisposable? counted)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(_ended);
        try
        {
            await answered;
            var output = _streams.PumpTerminalAsync(terminal, motd, stop.Token);
            _ = _streams.PumpInputAsync(data => terminal.WriteAsync(data, _ended), () => { });
            var exit = await terminal.Exited.WaitAsync(_ended);
            _logger.SessionExited("terminal session", _channel.LocalId, Describe(exit));
            await FinishOutputAsync(output, stop);
            await FinishAsync(exit);
            _logger.SessionClosed("terminal session", _channel.LocalId);
        }
        catch (OperationCanceledException) when (_ended.IsCancellationRequested)
        {
            _logger.SessionEndedByClient("terminal session", _channel.LocalId);
        }
        catch (IOException e)
        {
            _logger.SessionEnded("terminal session", _channel.LocalId, e.Message);
        }
        catch (Win32Exception e)
        {
            await EndUnwaitedAsync(e);
        }
        finally
        {
            terminal.Dispose();
            counted?.Dispose();
        }
    }

    public async Task RunSubsystemAsync(SshSubsystemHandler handler, Task answered, IDisposable? counted)
    {
        try
        {
            await answered;
            await using var stream = _channel.AsStream();
            int code;
            try
            {
                code = await handler(_channel, stream, stream, _ended);
            }
            catch (Exception e) when (e is not OperationCanceledException || !_ended.IsCancellationRequested)
            {
                _logger.SubsystemFailed(e, _channel.LocalId);
                code = 1;
            }

            await FinishAsync(new PtyExit(code, null));
        }
        catch (OperationCanceledException) when (_ended.IsCancellationRequested)
        {
            _logger.SessionEndedByClient("subsystem", _channel.LocalId);
        }
        catch (IOException e)
        {
            _logger.SessionEnded("subsystem", _channel.LocalId, e.Message);
        }
        finally
        {
            counted?.Dispose();
        }
    }

    // How the session's process ended, for the log.
    private static string Describe(PtyExit exit)
        => exit.Signal is { } signal ? $"signal {SignalNames.ToName(signal)}" : $"status {exit.ExitCode ?? 0}";

    // The process exited: the output while it keeps moving, then at most a grace period more.
    private async Task FinishOutputAsync(Task output, CancellationTokenSource stop)
    {
        await _streams.DrainAsync(output);
        await stop.CancelAsync();
        await Task.WhenAny(output, Task.Delay(SessionStreams.OutputGracePeriod, CancellationToken.None));
    }

    // The reaper could not wait for the child (waitpid failed): there is no exit status to tell, but the channel ends, so
    // the client does not wait for one forever. Disposing the process afterwards stops what may be left of it.
    private async Task EndUnwaitedAsync(Win32Exception error)
    {
        _logger.ProcessNotWaitedFor(_channel.LocalId, error);
        try
        {
            await _channel.CloseAsync(_ended);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException)
        {
            // The connection ended meanwhile.
        }
    }

    private async Task FinishAsync(PtyExit exit)
    {
        if (exit.Signal is { } signal)
        {
            var data = new SshWriter(32).WriteString(SignalNames.ToName(signal)).WriteBoolean(false).WriteString(string.Empty).WriteString(string.Empty);
            await _channel.SendRequestAsync("exit-signal", data.ToArray(), _ended);
        }
        else
        {
            await _channel.SendRequestAsync("exit-status", new SshWriter(4).WriteUInt32((uint)(exit.ExitCode ?? 0)).ToArray(), _ended);
        }

        await _channel.CloseAsync(_ended);
    }
}
