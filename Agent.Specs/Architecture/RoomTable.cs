using System.Text.RegularExpressions;

namespace Agent.Specs.Architecture;

/// <summary>
/// The rooms of Agent.Runtime and what each may use, read from the table in docs/ARCHITECTURE.md (columns: room,
/// holds, may use), so the picture people read is the rule the suite enforces. A room is a folder under
/// Agent.Runtime; a namespace belongs to the room with the longest matching folder. Every room may use Agent.Reactive.
/// </summary>
public sealed partial class RoomTable
{
    public const string Heading = "## Rooms and what they may use";

    private RoomTable(IReadOnlyDictionary<string, IReadOnlyList<string>> allowed) => Allowed = allowed;

    /// <summary>Room (namespace) → the rooms it may use.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Allowed { get; }

    /// <summary>The table under <see cref="Heading"/> in <paramref name="markdown"/>.</summary>
    public static RoomTable Parse(string markdown)
    {
        var start = markdown.IndexOf(Heading, StringComparison.Ordinal);
        if (start < 0)
            throw new InvalidDataException($"docs/ARCHITECTURE.md has no \"{Heading}\" section");
        var allowed = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        var inTable = false;
        foreach (var line in markdown[start..].Split('\n').Skip(1))
        {
            if (!line.StartsWith('|'))
            {
                if (inTable)
                    break;
                continue;
            }

            inTable = true;
            var cells = line.Trim().Trim('|').Split('|').Select(cell => cell.Trim()).ToArray();
            if (cells.Length != 3 || cells[0] is "room" || cells[0].StartsWith("---", StringComparison.Ordinal))
                continue;
            var room = Names(cells[0]).Single();
            allowed[room] = Names(cells[2]).ToList();
        }

        return new RoomTable(allowed);
    }

    /// <summary>The room <paramref name="ns"/> belongs to, or <c>null</c> when no row covers it.</summary>
    public string? RoomOf(string ns)
        => Allowed.Keys.Where(room => ns == room || ns.StartsWith(room + ".", StringComparison.Ordinal)).MaxBy(room => room.Length);

    /// <summary>Whether <paramref name="from"/> may use <paramref name="to"/> (a room, or anything inside an allowed room).</summary>
    public bool Allows(string from, string to)
        => from == to || Allowed[from].Any(target => to == target || to.StartsWith(target + ".", StringComparison.Ordinal));

    // `Os/Interop` in the table is the namespace Agent.Runtime.Os.Interop; `—` is nothing.
    private static IEnumerable<string> Names(string cell)
        => RoomName().Matches(cell).Select(match => "Agent.Runtime" + (match.Groups[1].Value.Length == 0 ? string.Empty : "." + match.Groups[1].Value.Replace('/', '.')));

    [GeneratedRegex(@"`(?:Agent\.Runtime/?)?([A-Za-z/]*)`")]
    private static partial Regex RoomName();
}
