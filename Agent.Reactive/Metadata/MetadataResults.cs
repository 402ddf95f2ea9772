using System.Globalization;
using System.Text;
using Agent.Reactive.Effects;
using Agent.Reactive.Protocol;

namespace Agent.Reactive.Metadata;

/// <summary>Builds the posted result of a collection, with the error texts of Coder's agent.</summary>
internal static class MetadataResults
{
    /// <summary>Output beyond this many bytes is cut off (Coder's <c>10 &lt;&lt; 10</c>).</summary>
    public const int MaxOutputBytes = 10 << 10;

    /// <summary>
    /// The value is the captured output; the error joins (one per line, like Go's <c>errors.Join</c>)
    /// a non-zero exit status and the truncation notice, behind Coder's <c>run cmd: </c> prefix.
    /// </summary>
    public static MetadataResult FromCommand(DateTimeOffset collectedAt, CommandResult result)
    {
        var errors = new List<string>(2);
        if (result.ExitCode != 0)
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"exit status {result.ExitCode}"));
        if (result.TotalOutputBytes > MaxOutputBytes)
        {
            errors.Add(string.Create(
                CultureInfo.InvariantCulture,
                $"output truncated from {result.TotalOutputBytes} to {MaxOutputBytes} bytes"));
        }

        var output = result.Output.Length > MaxOutputBytes ? result.Output[..MaxOutputBytes] : result.Output;
        var error = errors.Count == 0 ? string.Empty : "run cmd: " + string.Join('\n', errors);
        return new MetadataResult(collectedAt, 0, Encoding.UTF8.GetString(output.Span), error);
    }

    /// <summary>A collection that timed out or could not start: no value, only the reason.</summary>
    public static MetadataResult FromFailure(DateTimeOffset collectedAt, Exception error)
    {
        var reason = error is TimeoutException ? "context deadline exceeded" : error.Message;
        return new MetadataResult(collectedAt, 0, string.Empty, "run cmd: " + reason);
    }
}
