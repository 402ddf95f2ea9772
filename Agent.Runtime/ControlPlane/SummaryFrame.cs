using System.Text;
using System.Text.Json;

namespace Agent.Runtime.ControlPlane;

/// <summary>
/// One agent's summary as a formatted Server-Sent Event (<c>event: summary</c>, <c>data:</c> the
/// <see cref="AgentSummary"/> JSON on one line), made once and shared by every client of the all-agents stream.
/// </summary>
internal sealed class SummaryFrame
{
    private static readonly byte[] Head = Encoding.UTF8.GetBytes("event: summary\ndata: ");

    private SummaryFrame(string name, byte[] bytes)
    {
        Name = name;
        Bytes = bytes;
    }

    /// <summary>Compares frames by their bytes: a summary that did not change is not sent again.</summary>
    public static IEqualityComparer<SummaryFrame> SameBytes { get; } = new BytesComparer();

    /// <summary>The agent's name.</summary>
    public string Name { get; }

    /// <summary>The whole event, ending in its blank line.</summary>
    public byte[] Bytes { get; }

    public static SummaryFrame Of(AgentSummary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);

        // One line: the serializer escapes every control character.
        var json = JsonSerializer.SerializeToUtf8Bytes(summary, ControlPlaneJsonContext.Default.AgentSummary);
        var bytes = new byte[Head.Length + json.Length + 2];
        Head.CopyTo(bytes, 0);
        json.CopyTo(bytes, Head.Length);
        bytes[^2] = (byte)'\n';
        bytes[^1] = (byte)'\n';
        return new SummaryFrame(summary.Name, bytes);
    }

    private sealed class BytesComparer : IEqualityComparer<SummaryFrame>
    {
        public bool Equals(SummaryFrame? x, SummaryFrame? y)
            => ReferenceEquals(x, y) || (x is not null && y is not null && x.Name == y.Name && x.Bytes.AsSpan().SequenceEqual(y.Bytes));

        public int GetHashCode(SummaryFrame obj) => obj.Name.GetHashCode(StringComparison.Ordinal);
    }
}
