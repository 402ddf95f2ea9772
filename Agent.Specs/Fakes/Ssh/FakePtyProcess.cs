using System.Reactive.Subjects;
using System.Text;
using Agent.Reactive.Ports;

namespace Agent.Specs.Fakes.Ssh;

/// <summary>A terminal process the spec drives: it emits output, records input, resizes and signals.</summary>
public sealed class FakePtyProcess : IPtyProcess
{
    private readonly Subject<ReadOnlyMemory<byte>> _output = new();
    private readonly TaskCompletionSource<PtyExit> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _gate = new();
    private readonly MemoryStream _input = new();
    private readonly List<(ushort Columns, ushort Rows)> _resizes = [];
    private readonly List<int> _signals = [];

    public FakePtyProcess(PtySpec spec)
    {
        Spec = spec;
    }

    public PtySpec Spec { get; }

    public int ProcessId => 4242;

    public string TerminalName => "/dev/pts/42";

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

    public IReadOnlyList<(ushort Columns, ushort Rows)> Resizes
    {
        get
        {
            lock (_gate)
                return [.. _resizes];
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

    public void Emit(string text) => _output.OnNext(Encoding.UTF8.GetBytes(text));

    public void Exit(PtyExit exit)
    {
        _output.OnCompleted();
        _exited.TrySetResult(exit);
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
            _resizes.Add((columns, rows));
    }

    public void Signal(int signal)
    {
        lock (_gate)
            _signals.Add(signal);
    }

    public void Dispose()
    {
        Disposed = true;
        _exited.TrySetResult(new PtyExit(null, 1));
    }
}
