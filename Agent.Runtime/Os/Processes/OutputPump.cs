using System.Diagnostics.CodeAnalysis;
using System.IO.Pipes;
using Microsoft.Extensions.Logging;
using Microsoft.Win32.SafeHandles;

namespace Agent.Runtime.Os.Processes;

/// <summary>
/// Drains a pipe until end of file with asynchronous reads (the runtime's I/O poller: no thread waits on the pipe):
/// every chunk goes to the output file (when there is one) and then to the sink. <see cref="Detach"/> finishes the
/// sink early (a background job still holds the pipe): from then on the pump only writes the file, until the last
/// writer closes the pipe, then it closes the pipe and the file. A leaked background job costs a pending read.
/// </summary>
[SuppressMessage("Design", "CA1001:Types that own disposable fields should be disposable", Justification = "The pump closes its pipe itself at end of file; nobody else may.")]
internal sealed class OutputPump
{
    private const int ChunkSize = 64 * 1024;

    private readonly AnonymousPipeClientStream _pipe;
    private readonly ILogger _logger;
    private readonly object _gate = new();
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private FileStream? _file;
    private IOutputSink? _sink;

    public OutputPump(int fd, FileStream? file, IOutputSink sink, ILogger logger)
    {
        _pipe = new AnonymousPipeClientStream(PipeDirection.In, new SafePipeHandle(fd, ownsHandle: true));
        _file = file;
        _sink = sink;
        _logger = logger;
        _ = DrainAsync();
    }

    /// <summary>Completes at end of file, after the sink was finished and the pipe and file were closed.</summary>
    public Task Completion => _completion.Task;

    /// <summary>Finishes the sink now; later output only goes to the file. Idempotent.</summary>
    public void Detach()
    {
        lock (_gate)
            FinishSink();
    }

    private async Task DrainAsync()
    {
        var buffer = new byte[ChunkSize];
        try
        {
            while (true)
            {
                int read;
                try
                {
                    read = await _pipe.ReadAsync(buffer).ConfigureAwait(false);
                }
                catch (IOException exception)
                {
                    _logger.OutputReadFailed(exception.Message);
                    break;
                }

                if (read == 0)
                    break;

                lock (_gate)
                {
                    WriteFile(buffer.AsSpan(0, (int)read));
                    WriteSink(buffer.AsSpan(0, (int)read));
                }
            }
        }
        catch (Exception exception)
        {
            _logger.OutputPumpFailed(exception);
        }
        finally
        {
            lock (_gate)
            {
                FinishSink();
                _file?.Dispose();
                _file = null;
            }

            await _pipe.DisposeAsync().ConfigureAwait(false);
            _completion.TrySetResult();
        }
    }

    private void WriteFile(ReadOnlySpan<byte> chunk)
    {
        if (_file is null)
            return;
        try
        {
            _file.Write(chunk);
        }
        catch (IOException exception)
        {
            _logger.OutputFileFailed(exception, _file.Name);
            _file.Dispose();
            _file = null;
        }
    }

    private void WriteSink(ReadOnlySpan<byte> chunk)
    {
        try
        {
            _sink?.Write(chunk);
        }
        catch (Exception exception)
        {
            // Keep draining: a pipe nobody reads would block the script, or kill it with SIGPIPE once closed.
            _logger.OutputSinkFailed(exception);
            FinishSink();
        }
    }

    private void FinishSink()
    {
        var sink = _sink;
        _sink = null;
        try
        {
            sink?.Finish();
        }
        catch (Exception exception)
        {
            _logger.OutputSinkFinishFailed(exception);
        }
    }
}
