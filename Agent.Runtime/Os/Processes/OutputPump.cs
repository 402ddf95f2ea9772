using System.Runtime.InteropServices;
using Agent.Runtime.Os.Interop;
using Microsoft.Extensions.Logging;

namespace Agent.Runtime.Os.Processes;

/// <summary>
/// Drains a pipe on a dedicated thread until end of file: every chunk goes to the output file (when there is
/// one) and then to the sink. <see cref="Detach"/> finishes the sink early (a background job still holds the
/// pipe): from then on the thread only writes the file, until the last writer closes the pipe, then it closes
/// the pipe and the file. One thread per pump, 256 KiB of stack, so a leaked background job costs one thread.
/// </summary>
internal sealed unsafe class OutputPump
{
    private const int ChunkSize = 64 * 1024;
    private const int ThreadStackSize = 256 * 1024;

    private readonly int _fd;
    private readonly ILogger _logger;
    private readonly object _gate = new();
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private FileStream? _file;
    private IOutputSink? _sink;

    public OutputPump(int fd, FileStream? file, IOutputSink sink, ILogger logger)
    {
        _fd = fd;
        _file = file;
        _sink = sink;
        _logger = logger;
        var thread = new Thread(Drain, ThreadStackSize) { IsBackground = true, Name = "output pipe " + fd };
        thread.Start();
    }

    /// <summary>Completes at end of file, after the sink was finished and the pipe and file were closed.</summary>
    public Task Completion => _completion.Task;

    /// <summary>Finishes the sink now; later output only goes to the file. Idempotent.</summary>
    public void Detach()
    {
        lock (_gate)
            FinishSink();
    }

    private void Drain()
    {
        var buffer = new byte[ChunkSize];
        try
        {
            while (true)
            {
                nint read;
                fixed (byte* bytes = buffer)
                    read = LibC.Read(_fd, bytes, ChunkSize);
                if (read == 0)
                    break;
                if (read < 0)
                {
                    var error = Marshal.GetLastPInvokeError();
                    if (error == LibC.EINTR)
                        continue;
                    _logger.LogWarning("Reading process output failed with errno {Errno}; treating it as end of output", error);
                    break;
                }

                lock (_gate)
                {
                    WriteFile(buffer.AsSpan(0, (int)read));
                    WriteSink(buffer.AsSpan(0, (int)read));
                }
            }
        }
        catch (Exception exception)
        {
            _logger.LogError(exception, "Reading process output failed; the rest of the output is discarded");
        }
        finally
        {
            lock (_gate)
            {
                FinishSink();
                _file?.Dispose();
                _file = null;
            }

            _ = LibC.Close(_fd);
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
            _logger.LogWarning(exception, "Writing the output file {Path} failed; it stays incomplete", _file.Name);
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
            _logger.LogError(exception, "Process output handling failed; the rest goes to the output file only");
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
            _logger.LogError(exception, "Finishing the process output failed");
        }
    }
}
