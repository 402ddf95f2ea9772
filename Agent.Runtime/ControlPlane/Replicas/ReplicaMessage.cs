using System.Globalization;
using System.Text.Json;

namespace Agent.Runtime.ControlPlane.Replicas;

/// <summary>
/// One part of one change on the channel: <c>v1 sender sequence part parts body</c>. A change whose JSON passes
/// <see cref="MaxPartChars"/> is cut into up to <see cref="MaxParts"/> parts sent back to back; a larger one (a big
/// batch of log lines, always stored first) goes as <see cref="AgentChangeKind.Reload"/>: read the agent's rows.
/// </summary>
/// <param name="Sender">The sending replica.</param>
/// <param name="Sequence">The sender's number of the change, one more than its previous change.</param>
/// <param name="Part">Which part, from 0.</param>
/// <param name="Parts">How many parts the change has.</param>
/// <param name="Body">This part of the change's JSON.</param>
public sealed record ReplicaMessage(Guid Sender, long Sequence, int Part, int Parts, string Body)
{
    /// <summary>PostgreSQL's limit on a notification's payload is 8000 bytes.</summary>
    public const int MaxPayloadBytes = 8000;

    /// <summary>Characters of JSON per part, leaving room for the header.</summary>
    public const int MaxPartChars = 7800;

    /// <summary>Parts of one change at most (about 500 KB of JSON; a metadata value of 32 KiB needs a few).</summary>
    public const int MaxParts = 64;

    private const string Version = "v1";

    /// <summary>The parts of change number <paramref name="sequence"/> of <paramref name="sender"/>, in order.</summary>
    public static IReadOnlyList<string> Encode(Guid sender, long sequence, AgentChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        var json = JsonSerializer.Serialize(change, ReplicaJsonContext.Default.AgentChange);
        if (json.Length > MaxPartChars * MaxParts)
            json = JsonSerializer.Serialize(new AgentChange(change.Agent, AgentChangeKind.Reload, change.At), ReplicaJsonContext.Default.AgentChange);
        var parts = (json.Length + MaxPartChars - 1) / MaxPartChars;
        return Enumerable.Range(0, parts)
            .Select(part => string.Create(
                CultureInfo.InvariantCulture,
                $"{Version} {sender:N} {sequence} {part} {parts} {json.AsSpan(part * MaxPartChars, Math.Min(MaxPartChars, json.Length - (part * MaxPartChars)))}"))
            .ToList();
    }

    /// <summary>Reads one payload; <c>null</c> when it is not one (another program on the channel, a newer version).</summary>
    public static ReplicaMessage? TryParse(string payload)
    {
        ArgumentNullException.ThrowIfNull(payload);
        var fields = payload.Split(' ', 6);
        if (fields.Length != 6 || fields[0] != Version
            || !Guid.TryParseExact(fields[1], "N", out var sender)
            || !long.TryParse(fields[2], NumberStyles.None, CultureInfo.InvariantCulture, out var sequence)
            || !int.TryParse(fields[3], NumberStyles.None, CultureInfo.InvariantCulture, out var part)
            || !int.TryParse(fields[4], NumberStyles.None, CultureInfo.InvariantCulture, out var parts)
            || parts is < 1 or > MaxParts || part >= parts || fields[5].Length > MaxPartChars)
            return null;
        return new ReplicaMessage(sender, sequence, part, parts, fields[5]);
    }
}
