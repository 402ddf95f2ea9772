using System.Reactive;
using System.Reactive.Concurrency;
using System.Reactive.Disposables;
using System.Reactive.Linq;
using System.Reactive.Subjects;
using Agent.Reactive.Effects;
using Agent.Reactive.Monitoring;
using Agent.Reactive.Statistics;
using Microsoft.Extensions.Logging;

namespace Agent.Reactive.Terminal;

/// <summary>
/// One reconnecting terminal: the process's output feeds the replay ring and every attached client's backlog
/// under one lock (attach = snapshot of the ring under the lock that registers the client); activity (attach,
/// detach, input, output) is throttled into the inactivity timer, which ends the process when it fires with no
/// client attached.
/// </summary>
internal sealed class TerminalSession
{
    private readonly Lock _gate = new();
    private readonly List<TerminalConnection> _clients = [];
    private readonly ISubject<Unit> _activity = Subject.Synchronize(new Subject<Unit>());
    private readonly CompositeDisposable _subscriptions = [];
    private readonly IPtyProcess _process;
    private readonly ReplayRing _ring;
    private readonly TerminalSessions _owner;
    private readonly TerminalOptions _options;
    private readonly IScheduler _scheduler;
    private readonly ILogger _logger;
    private bool _accepting = true;
    private bool _ended;
    private int _processDisposed;

    public TerminalSession(string id, IPtyProcess process, TerminalSessions owner)
    {
        Id = id;
        _process = process;
        _owner = owner;
        _options = owner.Options;
        _scheduler = owner.Scheduler;
        _logger = owner.Logger;
        _ring = new ReplayRing(_options.ReplayBytes);
    }

    public string Id { get; }

    public int ProcessId => _process.ProcessId;

    /// <summary>Completes with the process's exit status when it has ended.</summary>
    public Task<PtyExit> Exited => _process.Exited;

    /// <summary>Starts the inactivity timer and reading the output.</summary>
    public void Start()
    {
        _subscriptions.Add(_activity
            .Throttle(_options.InactivityTimeout, _scheduler)
            .Subscribe(_ => OnQuiet()));
        _activity.OnNext(Unit.Default);
        _subscriptions.Add(_process.Output.Subscribe(OnOutput, OnFailed, OnCompleted));
    }

    /// <summary>A new client, its backlog primed with the replay; <c>null</c> when the session is ending.</summary>
    public TerminalConnection? TryAttach(TerminalAttachRequest request)
    {
        TerminalConnection connection;
        int clients;
        lock (_gate)
        {
            if (!_accepting)
                return null;
            if (_clients.Count >= _options.MaxClientsPerSession)
                throw new TerminalCapacityException($"the terminal already has {_clients.Count} clients");
            connection = new TerminalConnection(this, _options.ClientBacklogBytes, _owner.Counters.SessionStarted(SessionKind.ReconnectingPty));
            if (_ring.Length > 0)
                connection.TryEnqueue(_ring.ToArray());
            _clients.Add(connection);
            clients = _clients.Count;
        }

        _activity.OnNext(Unit.Default);
        Resize(request.Columns, request.Rows);
        _owner.Publish(new TerminalAttached(_scheduler.Now, Id, clients));
        _logger.Attached(Id, clients);
        return connection;
    }

    public void Detach(TerminalConnection connection)
    {
        bool removed;
        int clients;
        lock (_gate)
        {
            removed = _clients.Remove(connection);
            clients = _clients.Count;
        }

        connection.Close(overflowed: false);
        if (!removed)
            return;
        _activity.OnNext(Unit.Default);
        _owner.Publish(new TerminalDetached(_scheduler.Now, Id, clients, "left"));
        _logger.Detached(Id, clients);
    }

    public ValueTask WriteInputAsync(ReadOnlyMemory<byte> input, CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _ended) || input.IsEmpty)
            return ValueTask.CompletedTask;
        _activity.OnNext(Unit.Default);
        return _process.WriteAsync(input, cancellationToken);
    }

    public void Resize(ushort columns, ushort rows)
    {
        if (columns == 0 || rows == 0 || Volatile.Read(ref _ended))
            return;
        _process.Resize(columns, rows);
    }

    /// <summary>Ends the process (agent shutdown); the clients are closed when its output ends.</summary>
    public void End()
    {
        lock (_gate)
            _accepting = false;
        DisposeProcess();
    }

    private void OnOutput(ReadOnlyMemory<byte> chunk)
    {
        List<TerminalConnection>? overflowed = null;
        int clients;
        lock (_gate)
        {
            if (_ended)
                return;
            _ring.Append(chunk.Span);
            for (var i = _clients.Count - 1; i >= 0; i--)
            {
                if (_clients[i].TryEnqueue(chunk))
                    continue;
                (overflowed ??= []).Add(_clients[i]);
                _clients.RemoveAt(i);
            }

            clients = _clients.Count;
        }

        _activity.OnNext(Unit.Default);
        if (overflowed is null)
            return;
        foreach (var slow in overflowed)
        {
            slow.Close(overflowed: true);
            _logger.ClientTooSlow(Id, _options.ClientBacklogBytes);
            _owner.Publish(new TerminalDetached(_scheduler.Now, Id, clients, "too slow"));
        }
    }

    private void OnFailed(Exception error)
    {
        _logger.ReadFailed(error, Id);
        OnCompleted();
    }

    private void OnCompleted()
    {
        List<TerminalConnection> clients;
        lock (_gate)
        {
            if (_ended)
                return;
            Volatile.Write(ref _ended, true);
            _accepting = false;
            clients = [.. _clients];
            _clients.Clear();
            _ring.Clear();
        }

        // The backlogs are FIFO: each client still gets the final output before its connection closes.
        foreach (var client in clients)
            client.Close(overflowed: false);
        _owner.Forget(this);
        _subscriptions.Dispose();
        DisposeProcess();
        _process.Exited.ContinueWith(
            exited =>
            {
                int? code = exited.IsCompletedSuccessfully ? exited.Result.Code : null;
                _logger.Ended(Id, code);
                _owner.Publish(new TerminalClosed(_scheduler.Now, Id, code));
            },
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    private void OnQuiet()
    {
        lock (_gate)
        {
            if (!_accepting || _clients.Count > 0)
                return;
            _accepting = false;
        }

        _logger.Inactive(Id, _options.InactivityTimeout);
        _owner.Forget(this);
        DisposeProcess();
    }

    private void DisposeProcess()
    {
        if (Interlocked.Exchange(ref _processDisposed, 1) == 0)
            _process.Dispose();
    }
}
