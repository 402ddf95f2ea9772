using System.Reactive.Subjects;
using System.Text;
using System.Threading.Channels;
using Agent.Reactive.Effects;

namespace Agent.Specs.Fakes.Terminal;

/// <summary>
/// A process on a pretend terminal: the spec emits output, sees input and resizes, and ends it. Disposing ends
/// it as a hang-up would (output completes, exit by signal 1).
/// </summary>
public sealed class FakePtyProcess : IPtyProcess
{
    private readonly Lock _gate = new();
    private readonly ReplaySubject<ReadOnlyMemory<byte>> _output = new(); // output waits for its reader, as in a real PTY
    private readonly TaskCompletionSource<PtyExit> _exited = new(); // continuations inline: virtual-time specs see the exit at once
    private readonly Channel<byte[]> _pulled = Channel.CreateUnbounded<byte[]>(); // the same output for ReadAsync
    private readonly MemoryStream _input = new();
    private ReadOnlyMemory<byte> _pulledRest;
    private readonly List<(ushort Columns, ushort Rows)> _sizes = [];
    private readonly List<int> _signals = [];

    public FakePtyProcess(PtySpec spec, int processId)
    {
        Spec = spec;
        ProcessId = processId;
    }

    public PtySpec Spec { get; }

    public int ProcessId { get; }

    public string TerminalName => $"/dev/pts/{ProcessId}";

    public IObservable<ReadOnlyMemory<byte>> Output => _output;

    public Task<PtyExit> Exited => _exited.Task;

    public bool Disposed { get; private set; }

    public string Input
    {
        get
        {
            lock (_gate)
                return Encoding.UTF8.GetString(_input.ToArray());
        }
    }

    public IReadOnlyList<(ushort Columns, ushort Rows)> Sizes
    {
        get
        {
            lock (_gate)
                return [.. _sizes];
        }
    }

    public IReadOnlyList<int> Signals
    {
        get
        {
            lock (_gate)
                return [.. _signals];
        }
    }

    /// <summary>Output as the real reader would produce it: one owned chunk.</summary>
    public void Emit(string text) => Emit(Encoding.UTF8.GetBytes(text));

    public void Emit(byte[] bytes)
    {
        _output.OnNext(bytes);
        _pulled.Writer.TryWrite(bytes);
    }

    /// <summary>The process exits with <paramref name="code"/> after the output so far.</summary>
    public void Exit(int code) => Exit(new PtyExit(code, null));

    /// <summary>The process ends as <paramref name="exit"/> says (a code or a signal) after the output so far.</summary>
    public void Exit(PtyExit exit)
    {
        _exited.TrySetResult(exit);
        _output.OnCompleted();
        _pulled.Writer.TryComplete();
    }

    public async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        if (_pulledRest.IsEmpty)
        {
            if (!await _pulled.Reader.WaitToReadAsync(cancellationToken) || !_pulled.Reader.TryRead(out var chunk))
                return 0;
            _pulledRest = chunk;
        }

        var count = Math.Min(buffer.Length, _pulledRest.Length);
        _pulledRest[..count].CopyTo(buffer);
        _pulledRest = _pulledRest[count..];
        return count;
    }

    public ValueTask WriteAsync(ReadOnlyMemory<byte> input, CancellationToken cancellationToken)
    {
        lock (_gate)
            _input.Write(input.Span);
        return ValueTask.CompletedTask;
    }

    public void Resize(ushort columns, ushort rows)
    {
        lock (_gate)
            _sizes.Add((columns, rows));
    }

    public void Signal(int signal)
    {
        lock (_gate)
            _signals.Add(signal);
    }

    public void Dispose()
    {
        if (Disposed)
            return;
        Disposed = true;
        _output.OnCompleted();
        _pulled.Writer.TryComplete();
        _exited.TrySetResult(new PtyExit(null, 1));
    }
}
