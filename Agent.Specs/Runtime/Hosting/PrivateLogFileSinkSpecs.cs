using Agent.Runtime.Hosting;
using Agent.Specs.Utilities;
using Serilog.Events;
using Serilog.Formatting.Compact;
using Serilog.Parsing;

namespace Agent.Specs.Runtime.Hosting;

public sealed class PrivateLogFileSinkSpecs
{
    [Fact]
    public void Emit_PastTheLimit_RotatesToOnePreviousFile()
    {
        using var directory = new TempDirectory();
        var path = directory.Combine("agent.log");
        using (var sink = PrivateLogFileSink.Open(new CompactJsonFormatter(), path, 1024, out _))
        {
            for (var i = 0; i < 100; i++)
                sink.Emit(Event($"line {i}"));
        }

        Assert.InRange(new FileInfo(path).Length, 1, 1024);
        Assert.InRange(new FileInfo(PrivateLogFileSink.RotatedPath(path)).Length, 1, 1024);
        Assert.Contains("line 99", File.ReadAllText(path), StringComparison.Ordinal);
        Assert.Equal(2, Directory.GetFiles(directory.Path).Length);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
    }

    private static LogEvent Event(string text)
        => new(DateTimeOffset.UnixEpoch, LogEventLevel.Information, null, new MessageTemplateParser().Parse(text), []);
}
