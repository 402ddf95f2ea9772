using System.Text;
using Agent.Runtime.Os.Interop;
using Serilog.Core;
using Serilog.Debugging;
using Serilog.Events;
using Serilog.Formatting;

namespace Agent.Runtime.Hosting;

/// <summary>
/// <c>agent.log</c>: every event as one formatted line, in a file opened with <see cref="PrivateFile"/> (no link
/// followed, 0600 on the descriptor, another user's file replaced). At <see cref="AgentLogging.FileSizeLimit"/> the
/// file is renamed to <c>agent.log.1</c> (replacing the previous one) and a new one is started, so at most two files
/// are kept. Problems after the start go to Serilog's self-log: logging never throws into the agent.
/// </summary>
public sealed class PrivateLogFileSink : ILogEventSink, IDisposable
{
    private readonly ITextFormatter _formatter;
    private readonly string _path;
    private readonly long _limit;
    private readonly Lock _gate = new();
    private readonly StringWriter _line = new(System.Globalization.CultureInfo.InvariantCulture);
    private FileStream? _file;
    private long _length;

    private PrivateLogFileSink(ITextFormatter formatter, string path, long limit, FileStream file)
    {
        _formatter = formatter;
        _path = path;
        _limit = limit;
        _file = file;
        _length = file.Length;
    }

    /// <summary>The rotated file beside <paramref name="path"/>.</summary>
    public static string RotatedPath(string path) => path + ".1";

    /// <summary>
    /// Opens <paramref name="path"/> for appending. Throws <see cref="IOException"/> when it cannot be opened safely;
    /// <paramref name="replaced"/> says what unsafe thing was at the path and was removed.
    /// </summary>
    public static PrivateLogFileSink Open(ITextFormatter formatter, string path, long limit, out string? replaced)
    {
        ArgumentNullException.ThrowIfNull(formatter);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        var file = new FileStream(PrivateFile.OpenForWrite(path, append: true, out replaced), FileAccess.Write, bufferSize: 0);
        return new PrivateLogFileSink(formatter, path, limit, file);
    }

    public void Emit(LogEvent logEvent)
    {
        ArgumentNullException.ThrowIfNull(logEvent);
        lock (_gate)
        {
            if (_file is null)
                return;
            _line.GetStringBuilder().Clear();
            _formatter.Format(logEvent, _line);
            var bytes = Encoding.UTF8.GetBytes(_line.GetStringBuilder().ToString());
            try
            {
                if (_length > 0 && _length + bytes.Length > _limit)
                    Rotate();
                _file?.Write(bytes);
                _length += bytes.Length;
            }
            catch (IOException e)
            {
                SelfLog.WriteLine("agent.log: cannot write {0}: {1}", _path, e.Message);
            }
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _file?.Dispose();
            _file = null;
        }
    }

    // The full file becomes agent.log.1 and a new private file is opened; when the rename is refused, the current
    // file is emptied instead, so the size stays bounded either way.
    private void Rotate()
    {
        try
        {
            File.Move(_path, RotatedPath(_path), overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            SelfLog.WriteLine("agent.log: cannot rotate {0}: {1}; starting it over", _path, e.Message);
            _file!.SetLength(0);
            _length = 0;
            return;
        }

        _file!.Dispose();
        _file = null;
        _file = new FileStream(PrivateFile.OpenForWrite(_path, append: true, out _), FileAccess.Write, bufferSize: 0);
        _length = 0;
    }
}
