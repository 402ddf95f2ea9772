using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Text;
using System.Threading.Channels;
using Agent.Reactive.Ports;
using Agent.Reactive.Sessions;
using Agent.Reactive.Statistics;
using Agent.Runtime.Processes;
using Agent.Runtime.Ssh.Auth;
using Agent.Runtime.Ssh.Channels;
using Agent.Runtime.Ssh.Connection;
using Agent.Runtime.Ssh.Wire;
using Microsoft.Extensions.Logging;

namespace Agent.Runtime.Ssh.Session;

/// <summary>
/// A <c>session</c> channel (RFC 4254 section 6): collects <c>pty-req</c> (its terminal modes are applied to the
/// PTY) and <c>env</c>, then runs one <c>shell</c>, <c>exec</c> or <c>subsystem</c>; passes <c>window-change</c>,
/// <c>signal</c> and <c>break</c> to the process; ends with <c>exit-status</c> (or <c>exit-signal</c>), EOF and
/// CLOSE once the output was sent. When the shell exits but a background child keeps its output open, output is
/// forwarded while it keeps coming and dropped after <see cref="OutputGracePeriod"/> of silence. The peer closing the
/// channel or the connection kills a process that is still running. The login's <see cref="Auth.LoginRestrictions"/>
/// apply: without a PTY permission <c>pty-req</c> fails; a forced command runs instead of the shell, command or
/// subsystem asked for, which it finds in <c>SSH_ORIGINAL_COMMAND</c>.
/// </summary>
[SuppressMessage("Design", "CA1001:Types that own disposable fields should be disposable", Justification = "Its token is observed by tasks that may outlive the session object; no timer or wait handle is held.")]
internal sealed class SshSession : ISshChannelHandler
{
    public const int MaxEnvironmentVariables = 1024;
    public const int MaxEnvironmentValueLength = 64 * 1024;
    public const int MaxMotdBytes = 64 * 1024;
    public const string OriginalCommandVariable = "SSH_ORIGINAL_COMMAND";
    public static readonly TimeSpan OutputGracePeriod = TimeSpan.FromSeconds(1);

    private const int BufferSize = 256 * 1024;
    private const int PtyOutputQueueChunks = 64;
    private const int SignalInterrupt = 2;
    private const ushort DefaultColumns = 80;
    private const ushort DefaultRows = 24;

    private readonly SshChannel _channel;
    private readonly SshConnectionOptions _options;
    private readonly ILogger _logger;
    private readonly List<KeyValuePair<string, string>> _clientEnvironment = [];
    private readonly List<KeyValuePair<string, string>> _extraEnvironment = [];
    private readonly CancellationTokenSource _ended = new();
    private readonly Lock _gate = new();
    private PtyRequest? _pty;
    private ushort _columns = DefaultColumns;
    private ushort _rows = DefaultRows;
    private bool _started;
    private IPipedProcess? _piped;
    private IPtyProcess? _terminal;
    private long _outputMoved;
    private int _writesInFlight;

    public SshSession(SshChannel channel, SshConnectionOptions options, ILogger logger)
    {
        _channel = channel;
        _options = options;
        _logger = logger;
    }

    /// <summary>The task running the process or subsystem, once started.</summary>
    public Task? Running { get; private set; }

    public ValueTask<bool> OnRequestAsync(SshChannelRequest request, CancellationToken cancellationToken)
    {
        switch (request.Type)
        {
            case "pty-req":
                return ValueTask.FromResult(RequestPty(request.Data));
            case "env":
                return ValueTask.FromResult(SetVariable(request.Data));
            case "shell":
                EnsureEnd(request.Data, "shell");
                return ValueTask.FromResult(StartForced(request, "shell", null) ?? Start(request, string.Empty));
            case "exec":
                var command = ReadSingleString(request.Data, "exec");
                return ValueTask.FromResult(StartForced(request, "exec", command) ?? Start(request, command));
            case "subsystem":
                var subsystem = ReadSingleString(request.Data, "subsystem");
                return ValueTask.FromResult(StartForced(request, $"subsystem {subsystem}", subsystem) ?? StartSubsystem(request, subsystem));
            case "window-change":
                return ValueTask.FromResult(ChangeWindow(request.Data));
            case "signal":
                return ValueTask.FromResult(Signal(request.Data));
            case "break":
                return ValueTask.FromResult(Break());
            default:
                return HandleExtensionAsync(request, cancellationToken);
        }
    }

    public void OnClosed()
    {
        _ended.Cancel();
        IPipedProcess? piped;
        IPtyProcess? terminal;
        lock (_gate)
        {
            piped = _piped;
            terminal = _terminal;
        }

        // The peer is gone: a process still running is killed (its task disposes it again, harmlessly).
        if (piped is not null && !piped.Exited.IsCompleted)
            piped.Dispose();
        if (terminal is not null && !terminal.Exited.IsCompleted)
            terminal.Dispose();
    }

    private static string ReadSingleString(ReadOnlyMemory<byte> data, string what)
    {
        var reader = new SshReader(data.Span);
        var value = reader.ReadString();
        reader.EnsureEnd(what);
        return value;
    }

    private static void EnsureEnd(ReadOnlyMemory<byte> data, string what) => new SshReader(data.Span).EnsureEnd(what);

    private static ushort ClampSize(uint value, ushort fallback) => value == 0 ? fallback : (ushort)Math.Min(value, ushort.MaxValue);

    private static SessionKind KindOf(IReadOnlyList<KeyValuePair<string, string>> clientEnvironment)
    {
        var value = clientEnvironment.LastOrDefault(p => p.Key == SessionEnvironment.SessionTypeVariable).Value;
        return value switch
        {
            "vscode" => SessionKind.VsCode,
            "jetbrains" => SessionKind.JetBrains,
            _ => SessionKind.Ssh,
        };
    }

    // Under a forced command the client's variables could change what it runs (BASH_ENV, LD_PRELOAD, PATH): only the
    // locale passes, as Debian's sshd AcceptEnv LANG LC_*.
    private static List<KeyValuePair<string, string>> LocaleOnly(IReadOnlyList<KeyValuePair<string, string>> clientEnvironment)
        => [.. clientEnvironment.Where(p => p.Key == "LANG" || p.Key.StartsWith("LC_", StringComparison.Ordinal) || p.Key == SessionEnvironment.SessionTypeVariable)];

    private static byte[] ToCrLf(byte[] text)
    {
        var result = new List<byte>(text.Length + 64);
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == (byte)'\n' && (i == 0 || text[i - 1] != (byte)'\r'))
                result.Add((byte)'\r');
            result.Add(text[i]);
        }

        return [.. result];
    }

    private static string WorkingDirectory(SshSessionEnvironmentSnapshot snapshot)
    {
        var home = snapshot.Environment.HomeDirectory;
        var directory = snapshot.Manifest.Directory;
        if (directory.Length > 0)
        {
            directory = EnvironmentExpansion.Expand(directory, snapshot.Environment.GetVariable);
            if (directory == "~" || directory.StartsWith("~/", StringComparison.Ordinal))
                directory = Path.Join(home, directory[1..]);
            if (Directory.Exists(directory))
                return directory;
        }

        return home;
    }

    // A forced command (command= or a certificate's force-command) in place of what was asked; null when there is none.
    // An empty one is run as "true", as sshd runs `sh -c ""`: an empty command here would be the login shell.
    private bool? StartForced(SshChannelRequest request, string requested, string? original)
    {
        var restrictions = _channel.Connection.Restrictions;
        if (restrictions.ForcedCommand is not { } forced)
            return null;
        _logger.ForcedCommandRuns(_channel.Connection.Id, _channel.Connection.RemoteEndPoint, requested);
        return Start(request, forced.Trim().Length == 0 ? "true" : forced, forced: true, original);
    }

    private bool RequestPty(ReadOnlyMemory<byte> data)
    {
        var reader = new SshReader(data.Span);
        var term = reader.ReadString();
        var columns = reader.ReadUInt32();
        var rows = reader.ReadUInt32();
        reader.ReadUInt32();
        reader.ReadUInt32();

        var encodedModes = reader.ReadBinary();
        reader.EnsureEnd("pty-req");
        if (!_channel.Connection.Restrictions.Pty)
        {
            _logger.RefusedByRestrictions(_channel.Connection.Id, _channel.Connection.RemoteEndPoint, "pty-req", "no-pty");
            return false;
        }

        // A malformed modes blob refuses this request only: the client may go on without a terminal.
        IReadOnlyList<TerminalMode> modes;
        try
        {
            modes = TerminalModes.Parse(encodedModes, out var stoppedAt);
            if (stoppedAt is { } opcode)
                _logger.TerminalModesStopped(_channel.LocalId, opcode);
        }
        catch (FormatException e)
        {
            _logger.MalformedTerminalModes(_channel.LocalId, e.Message);
            return false;
        }

        lock (_gate)
        {
            if (_started || _pty is not null)
                return false;
            _columns = ClampSize(columns, DefaultColumns);
            _rows = ClampSize(rows, DefaultRows);
            _pty = new PtyRequest(term, _columns, _rows, modes);
            return true;
        }
    }

    private bool SetVariable(ReadOnlyMemory<byte> data)
    {
        var reader = new SshReader(data.Span);
        var name = reader.ReadString();
        var value = reader.ReadString();
        reader.EnsureEnd("env");
        lock (_gate)
        {
            if (_started || name.Length == 0 || value.Length > MaxEnvironmentValueLength || _clientEnvironment.Count >= MaxEnvironmentVariables)
                return false;
            _clientEnvironment.Add(new KeyValuePair<string, string>(name, value));
            return true;
        }
    }

    private bool ChangeWindow(ReadOnlyMemory<byte> data)
    {
        var reader = new SshReader(data.Span);
        var columns = reader.ReadUInt32();
        var rows = reader.ReadUInt32();
        reader.ReadUInt32();
        reader.ReadUInt32();
        reader.EnsureEnd("window-change");
        IPtyProcess? terminal;
        lock (_gate)
        {
            _columns = ClampSize(columns, _columns);
            _rows = ClampSize(rows, _rows);
            terminal = _terminal;
        }

        if (terminal is null)
            return _pty is not null;
        terminal.Resize(_columns, _rows);
        return true;
    }

    private bool Signal(ReadOnlyMemory<byte> data)
    {
        var name = ReadSingleString(data, "signal");
        if (SignalNames.ToNumber(name) is not { } number)
        {
            _logger.LogDebug("Ignoring unknown signal {Name}", name);
            return false;
        }

        return SendSignal(number);
    }

    // RFC 4335: a break is an interrupt here; without a running process it is declined.
    private bool Break() => SendSignal(SignalInterrupt);

    private bool SendSignal(int number)
    {
        IPipedProcess? piped;
        IPtyProcess? terminal;
        lock (_gate)
        {
            piped = _piped;
            terminal = _terminal;
        }

        if (piped is not null)
            return piped.Signal(number);
        if (terminal is null)
            return false;
        terminal.Signal(number);
        return true;
    }

    private async ValueTask<bool> HandleExtensionAsync(SshChannelRequest request, CancellationToken cancellationToken)
    {
        if (!_options.SessionRequests.TryGetValue(request.Type, out var handler))
        {
            _logger.LogDebug("Declining session request {Type}", request.Type);
            return false;
        }

        List<KeyValuePair<string, string>> added = [];
        var result = await handler(new SshSessionRequest(_channel, request, added), cancellationToken);
        lock (_gate)
            _extraEnvironment.AddRange(added);
        return result;
    }

    private bool StartSubsystem(SshChannelRequest request, string name)
    {
        if (!_options.Subsystems.TryGetValue(name, out var handler))
        {
            _logger.LogInformation("Declining unknown subsystem {Name}", name);
            return false;
        }

        lock (_gate)
        {
            if (_started)
                return false;
            _started = true;
        }

        var counted = _options.Counters?.SessionStarted(KindOf(_clientEnvironment));
        _logger.LogInformation("SSH subsystem {Name} for {User} from {Remote}", name, _channel.Connection.UserName, _channel.Connection.RemoteEndPoint);
        Running = RunSubsystemAsync(handler, request.Answered, counted);
        return true;
    }

    private bool Start(SshChannelRequest request, string command, bool forced = false, string? originalCommand = null)
    {
        PtyRequest? pty;
        lock (_gate)
        {
            if (_started)
                return false;
            _started = true;
            pty = _pty;
        }

        var snapshot = _options.EnvironmentSource();
        var environment = new List<KeyValuePair<string, string>>(
            SessionEnvironment.Build(snapshot.Manifest, snapshot.Environment, snapshot.AgentToken, forced ? LocaleOnly(_clientEnvironment) : _clientEnvironment, ClientAddresses()));
        environment.AddRange(_channel.Connection.Restrictions.Environment); // the key's environment=, over the client's (as sshd)
        environment.AddRange(_extraEnvironment);
        if (originalCommand is not null)
            environment.Add(new KeyValuePair<string, string>(OriginalCommandVariable, originalCommand));
        if (pty is not null && pty.Term.Length > 0)
            environment.Add(new KeyValuePair<string, string>("TERM", pty.Term));
        var directory = WorkingDirectory(snapshot);
        var counted = _options.Counters?.SessionStarted(KindOf(_clientEnvironment));
        try
        {
            if (pty is not null)
            {
                var motd = command.Length == 0 ? ReadMotd(snapshot) : null;
                var terminal = _options.PtyLauncher.Start(new PtySpec(command, directory, environment, _columns, _rows, TerminalNameVariable: "SSH_TTY", Modes: pty.Modes));
                lock (_gate)
                    _terminal = terminal;
                Running = RunTerminalAsync(terminal, motd, request.Answered, counted);
            }
            else
            {
                var piped = _options.ProcessLauncher.Start(command, environment, directory);
                lock (_gate)
                    _piped = piped;
                Running = RunPipedAsync(piped, request.Answered, counted);
            }
        }
        catch (Exception e)
        {
            counted?.Dispose();
            _logger.LogWarning(e, "Cannot start the SSH session's {What}", command.Length == 0 ? "shell" : "command");
            return false;
        }

        _logger.LogInformation(
            "SSH {What} for {User} from {Remote}{Pty}",
            command.Length == 0 ? "shell" : "exec",
            _channel.Connection.UserName,
            _channel.Connection.RemoteEndPoint,
            pty is null ? string.Empty : " on a terminal");
        if (_ended.IsCancellationRequested)
            OnClosed();
        return true;
    }

    private (string Client, string Connection)? ClientAddresses()
    {
        if (_channel.Connection.RemoteEndPoint is not IPEndPoint remote || _channel.Connection.LocalEndPoint is not IPEndPoint local)
            return _options.AddresslessClient;
        return ($"{remote.Address} {remote.Port} {local.Port}", $"{remote.Address} {remote.Port} {local.Address} {local.Port}");
    }

    private byte[]? ReadMotd(SshSessionEnvironmentSnapshot snapshot)
    {
        var path = _options.MotdFile ?? snapshot.Manifest.MotdFile;
        if (string.IsNullOrEmpty(path) || File.Exists(Path.Join(snapshot.Environment.HomeDirectory, ".hushlogin")))
            return null;
        try
        {
            using var file = File.OpenRead(path);
            var buffer = new byte[MaxMotdBytes];
            var length = file.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
            return length == 0 ? null : ToCrLf(buffer[..length]);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _logger.LogDebug("No message of the day from {Path}: {Reason}", path, e.Message);
            return null;
        }
    }

    private async Task RunPipedAsync(IPipedProcess process, Task answered, IDisposable? counted)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(_ended.Token);
        try
        {
            await answered;
            var output = Task.WhenAll(
                PumpOutputAsync(process.StandardOutput, extended: false, stop.Token),
                PumpOutputAsync(process.StandardError, extended: true, stop.Token));
            _ = PumpInputAsync(data => process.StandardInput.WriteAsync(data, _ended.Token), () => process.StandardInput.Dispose());
            var exit = await process.Exited.WaitAsync(_ended.Token);
            await DrainAsync(output);
            await stop.CancelAsync();
            await Task.WhenAny(output, Task.Delay(OutputGracePeriod, CancellationToken.None));
            await FinishAsync(exit);
        }
        catch (OperationCanceledException) when (_ended.IsCancellationRequested)
        {
            _logger.LogDebug("SSH session on channel {Channel} ended by the client", _channel.LocalId);
        }
        catch (IOException e)
        {
            _logger.LogDebug("SSH session on channel {Channel} ended: {Reason}", _channel.LocalId, e.Message);
        }
        finally
        {
            process.Dispose();
            counted?.Dispose();
        }
    }

    private async Task RunTerminalAsync(IPtyProcess terminal, byte[]? motd, Task answered, IDisposable? counted)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(_ended.Token);
        var queue = Channel.CreateBounded<ReadOnlyMemory<byte>>(new BoundedChannelOptions(PtyOutputQueueChunks) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
        IDisposable? subscription = null;
        try
        {
            await answered;
            if (motd is not null)
                queue.Writer.TryWrite(motd);

            // The terminal has no backpressure of its own: a full queue holds its reading thread until the
            // client's window lets output through, or the queue is completed when the session ends.
            subscription = terminal.Output.Subscribe(
                chunk =>
                {
                    if (queue.Writer.TryWrite(chunk))
                        return;
                    try
                    {
                        queue.Writer.WriteAsync(chunk, stop.Token).AsTask().GetAwaiter().GetResult();
                    }
                    catch (Exception e) when (e is ChannelClosedException or OperationCanceledException)
                    {
                        // The session is over; the rest of the output has nowhere to go.
                    }
                },
                _ => queue.Writer.TryComplete(),
                () => queue.Writer.TryComplete());
            var output = PumpQueueAsync(queue.Reader, stop.Token);
            _ = PumpInputAsync(data => terminal.WriteAsync(data, _ended.Token), () => { });
            var exit = await terminal.Exited.WaitAsync(_ended.Token);
            await DrainAsync(output);
            await stop.CancelAsync();
            queue.Writer.TryComplete();
            await Task.WhenAny(output, Task.Delay(OutputGracePeriod, CancellationToken.None));
            await FinishAsync(exit);
        }
        catch (OperationCanceledException) when (_ended.IsCancellationRequested)
        {
            _logger.LogDebug("SSH terminal session on channel {Channel} ended by the client", _channel.LocalId);
        }
        catch (IOException e)
        {
            _logger.LogDebug("SSH terminal session on channel {Channel} ended: {Reason}", _channel.LocalId, e.Message);
        }
        finally
        {
            queue.Writer.TryComplete();
            subscription?.Dispose();
            terminal.Dispose();
            counted?.Dispose();
        }
    }

    private async Task RunSubsystemAsync(SshSubsystemHandler handler, Task answered, IDisposable? counted)
    {
        try
        {
            await answered;
            await using var stream = _channel.AsStream();
            int code;
            try
            {
                code = await handler(_channel, stream, stream, _ended.Token);
            }
            catch (Exception e) when (e is not OperationCanceledException || !_ended.IsCancellationRequested)
            {
                _logger.LogWarning(e, "The SSH subsystem on channel {Channel} failed", _channel.LocalId);
                code = 1;
            }

            await FinishAsync(new PtyExit(code, null));
        }
        catch (OperationCanceledException) when (_ended.IsCancellationRequested)
        {
            _logger.LogDebug("SSH subsystem on channel {Channel} ended by the client", _channel.LocalId);
        }
        catch (IOException e)
        {
            _logger.LogDebug("SSH subsystem on channel {Channel} ended: {Reason}", _channel.LocalId, e.Message);
        }
        finally
        {
            counted?.Dispose();
        }
    }

    // After the process exited: wait for the end of its output while output keeps moving (or waits for the
    // client's window); after a grace period without either, a background child holds the pipe: stop.
    private async Task DrainAsync(Task output)
    {
        while (!output.IsCompleted)
        {
            var before = Interlocked.Read(ref _outputMoved);
            await Task.WhenAny(output, Task.Delay(OutputGracePeriod, _ended.Token));
            _ended.Token.ThrowIfCancellationRequested();
            if (Interlocked.Read(ref _outputMoved) == before && Volatile.Read(ref _writesInFlight) == 0)
            {
                _logger.LogDebug("The session's process exited but its output is still open (a background job?); not waiting for it");
                return;
            }
        }
    }

    private async Task FinishAsync(PtyExit exit)
    {
        var token = _ended.Token;
        if (exit.Signal is { } signal)
        {
            var data = new SshWriter(32).WriteString(SignalNames.ToName(signal)).WriteBoolean(false).WriteString(string.Empty).WriteString(string.Empty);
            await _channel.SendRequestAsync("exit-signal", data.ToArray(), token);
        }
        else
        {
            await _channel.SendRequestAsync("exit-status", new SshWriter(4).WriteUInt32((uint)(exit.ExitCode ?? 0)).ToArray(), token);
        }

        await _channel.CloseAsync(token);
    }

    private async Task PumpOutputAsync(Stream source, bool extended, CancellationToken cancellationToken)
    {
        var buffer = new byte[BufferSize];
        try
        {
            while (true)
            {
                var read = await source.ReadAsync(buffer, cancellationToken);
                if (read == 0)
                    return;
                await WriteOutputAsync(buffer.AsMemory(0, read), extended, cancellationToken);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException)
        {
            // The session ended or the grace period is over.
        }
    }

    private async Task PumpQueueAsync(ChannelReader<ReadOnlyMemory<byte>> queue, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var chunk in queue.ReadAllAsync(cancellationToken))
                await WriteOutputAsync(chunk, extended: false, cancellationToken);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException)
        {
            // The session ended or the grace period is over.
        }
    }

    private async Task WriteOutputAsync(ReadOnlyMemory<byte> chunk, bool extended, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _writesInFlight);
        try
        {
            if (extended)
                await _channel.WriteExtendedAsync(chunk, cancellationToken);
            else
                await _channel.WriteAsync(chunk, cancellationToken);
        }
        finally
        {
            Interlocked.Add(ref _outputMoved, chunk.Length);
            Interlocked.Decrement(ref _writesInFlight);
        }
    }

    // Client data to the process until the client's EOF (then `complete`) or until writing fails (it exited). Each
    // piece is written from the channel's own buffer (lent until the next read, which credits it to the client).
    private async Task PumpInputAsync(Func<ReadOnlyMemory<byte>, ValueTask> write, Action complete)
    {
        try
        {
            while (true)
            {
                var chunk = await _channel.ReadChunkAsync(_ended.Token);
                if (chunk.IsEmpty)
                    break;
                await write(chunk);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException)
        {
            // The process stopped reading (exited) or the session ended.
        }
        finally
        {
            try
            {
                complete();
            }
            catch (IOException)
            {
                // Closing a pipe whose reader is gone.
            }
        }
    }
}
