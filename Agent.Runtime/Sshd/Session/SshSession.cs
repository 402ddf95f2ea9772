using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Threading.Channels;
using Agent.Reactive.Effects;
using Agent.Reactive.Shell;
using Agent.Reactive.Statistics;
using Agent.Runtime.Os.Processes;
using Agent.Runtime.Ssh.Auth;
using Agent.Runtime.Ssh.Channels;
using Agent.Runtime.Ssh.Connection;
using Agent.Runtime.Ssh.Wire;
using Microsoft.Extensions.Logging;

namespace Agent.Runtime.Sshd.Session;

/// <summary>
/// A <c>session</c> channel (RFC 4254 section 6): collects <c>pty-req</c> (its terminal modes are applied to the
/// PTY) and <c>env</c>, then runs one <c>shell</c>, <c>exec</c> or <c>subsystem</c>; passes <c>window-change</c>,
/// <c>signal</c> and <c>break</c> to the process; ends with <c>exit-status</c> (or <c>exit-signal</c>), EOF and
/// CLOSE once the output was sent. When the shell exits but a background child keeps its output open, output is
/// forwarded while it keeps coming and dropped after <see cref="SessionStreams.OutputGracePeriod"/> of silence. The
/// peer closing the channel or the connection kills a process that is still running. The login's <see cref="Ssh.Auth.LoginRestrictions"/>
/// apply: without a PTY permission <c>pty-req</c> fails; a forced command runs instead of the shell, command or
/// subsystem asked for, which it finds in <c>SSH_ORIGINAL_COMMAND</c>. This type holds the requests and the state they
/// build; <see cref="SessionRequestPayloads"/> reads them, <see cref="SessionLaunch"/> prepares the process,
/// <see cref="SessionRunner"/> runs it and <see cref="SessionStreams"/> moves its bytes.
/// </summary>
[SuppressMessage("Design", "CA1001:Types that own disposable fields should be disposable", Justification = "Its token is observed by tasks that may outlive the session object; no timer or wait handle is held.")]
internal sealed class SshSession : ISshChannelHandler
{
    public const int MaxEnvironmentVariables = 1024;
    public const int MaxEnvironmentValueLength = 64 * 1024;

    private const int SignalInterrupt = 2;
    private const ushort DefaultColumns = 80;
    private const ushort DefaultRows = 24;

    private readonly SshChannel _channel;
    private readonly SshSessionOptions _options;
    private readonly ILogger _logger;
    private readonly List<KeyValuePair<string, string>> _clientEnvironment = [];
    private readonly List<KeyValuePair<string, string>> _extraEnvironment = [];
    private readonly CancellationTokenSource _ended = new();
    private readonly SessionRunner _runner;
    private readonly SessionLoginWait _loginWait;
    private readonly Lock _gate = new();
    private PtyRequest? _pty;
    private ushort _columns = DefaultColumns;
    private ushort _rows = DefaultRows;
    private bool _started;
    private IPipedProcess? _piped;
    private IPtyProcess? _terminal;

    public SshSession(SshChannel channel, SshSessionOptions options, ILogger logger)
    {
        _channel = channel;
        _options = options;
        _logger = logger;
        _runner = new SessionRunner(channel, logger, _ended.Token);
        _loginWait = new SessionLoginWait(options.LoginGate, channel, logger, _ended.Token);
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
                SessionRequestPayloads.EnsureEnd(request.Data, "shell");
                return _loginWait.StartAsync(request, OutputKind(), () => StartForced(request, "shell", null) ?? Start(request, string.Empty));
            case "exec":
                var command = SessionRequestPayloads.ReadSingleString(request.Data, "exec");
                return _loginWait.StartAsync(request, OutputKind(), () => StartForced(request, "exec", command) ?? Start(request, command));
            case "subsystem":
                var subsystem = SessionRequestPayloads.ReadSingleString(request.Data, "subsystem");
                return _loginWait.StartAsync(request, SessionOutput.Subsystem, () => StartForced(request, $"subsystem {subsystem}", subsystem) ?? StartSubsystem(request, subsystem));
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

    // What a shell or command would write into: a terminal once pty-req was accepted.
    private SessionOutput OutputKind()
    {
        lock (_gate)
            return _pty is null ? SessionOutput.Command : SessionOutput.Terminal;
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
        var (term, columns, rows, encodedModes) = SessionRequestPayloads.ReadPty(data);
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
            _columns = SessionRequestPayloads.ClampSize(columns, DefaultColumns);
            _rows = SessionRequestPayloads.ClampSize(rows, DefaultRows);
            _pty = new PtyRequest(term, _columns, _rows, modes);
            return true;
        }
    }

    private bool SetVariable(ReadOnlyMemory<byte> data)
    {
        var (name, value) = SessionRequestPayloads.ReadVariable(data);
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
        var (columns, rows) = SessionRequestPayloads.ReadWindowChange(data);
        IPtyProcess? terminal;
        lock (_gate)
        {
            _columns = SessionRequestPayloads.ClampSize(columns, _columns);
            _rows = SessionRequestPayloads.ClampSize(rows, _rows);
            terminal = _terminal;
        }

        if (terminal is null)
            return _pty is not null;
        terminal.Resize(_columns, _rows);
        return true;
    }

    private bool Signal(ReadOnlyMemory<byte> data)
    {
        var name = SessionRequestPayloads.ReadSingleString(data, "signal");
        if (SignalNames.ToNumber(name) is not { } number)
        {
            _logger.UnknownSignal(name);
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
            _logger.RequestDeclined(request.Type);
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
            _logger.UnknownSubsystem(name);
            return false;
        }

        lock (_gate)
        {
            if (_started)
                return false;
            _started = true;
        }

        var audited = SessionAudit.Begin(_options, _channel, _clientEnvironment, "subsystem", name);
        if (SessionAudit.Blocks(_options, name, null))
        {
            Running = SessionAudit.RefuseAsync(_channel, audited, $"subsystem {name}", _logger, request.Answered, _ended.Token);
            return true;
        }

        var counted = _options.Counters?.SessionStarted(SessionLaunch.KindOf(_clientEnvironment));
        _logger.SubsystemStarted(name, _channel.Connection.UserName, _channel.Connection.RemoteEndPoint);
        Running = _runner.RunSubsystemAsync(SessionAudit.Reporting(handler, audited), request.Answered, counted);
        SessionAudit.Track(audited, Running, null, _ended.Token);
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

        var audited = SessionAudit.Begin(_options, _channel, _clientEnvironment, command.Length == 0 ? "shell" : "exec", command.Length == 0 ? null : command);
        if (SessionAudit.Blocks(_options, null, command))
        {
            Running = SessionAudit.RefuseAsync(_channel, audited, $"exec {command}", _logger, request.Answered, _ended.Token);
            return true;
        }

        var snapshot = _options.EnvironmentSource();
        var environment = SessionLaunch.Environment(snapshot, _channel, _clientEnvironment, _extraEnvironment, _options.AddresslessClient, forced, originalCommand, pty);
        var directory = SessionLaunch.WorkingDirectory(snapshot);
        var counted = _options.Counters?.SessionStarted(SessionLaunch.KindOf(_clientEnvironment));
        try
        {
            if (pty is not null)
            {
                var motd = command.Length == 0 ? SessionLaunch.ReadMotd(_options.MotdFile, snapshot, _logger) : null;
                var terminal = _options.PtyLauncher.Start(new PtySpec(command, directory, environment, _columns, _rows, TerminalNameVariable: "SSH_TTY", Modes: pty.Modes, Origin: new PtyOrigin("ssh", $"{_channel.Connection.UserName} from {_channel.Connection.RemoteEndPoint?.ToString() ?? "the relay"}")));
                lock (_gate)
                    _terminal = terminal;
                Running = _runner.RunTerminalAsync(terminal, motd, request.Answered, counted);
                SessionAudit.Track(audited, Running, terminal.Exited, _ended.Token);
            }
            else
            {
                var piped = _options.ProcessLauncher.Start(command, environment, directory);
                lock (_gate)
                    _piped = piped;
                Running = _runner.RunPipedAsync(piped, request.Answered, counted);
                SessionAudit.Track(audited, Running, piped.Exited, _ended.Token);
            }
        }
        catch (Exception e)
        {
            counted?.Dispose();
            audited?.Close(reason: $"could not start: {e.Message}");
            _logger.SessionStartFailed(e, command.Length == 0 ? "shell" : "command");
            return false;
        }

        _logger.SessionStarted(command.Length == 0 ? "shell" : "exec", _channel.Connection.UserName, _channel.Connection.RemoteEndPoint, pty is null ? string.Empty : " on a terminal");
        if (_ended.IsCancellationRequested)
            OnClosed();
        return true;
    }
}
