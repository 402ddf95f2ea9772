using System.Reflection;
using System.Text.RegularExpressions;
using Agent.Reactive;
using Agent.Runtime.Hosting;
using Agent.Specs.Integration;
using Microsoft.Extensions.Logging;

namespace Agent.Specs.Runtime;

/// <summary>
/// The <c>[LoggerMessage]</c> methods of both product assemblies, read by reflection: every line has its own explicit
/// event id, and the ids of commands, control plane, its client, API, hosting and speed test (6200–6499) are the ones
/// <c>docs/logging.md</c> lists, with the same level and name.
/// </summary>
public sealed partial class LogEventIdsSpecs
{
    private static readonly Assembly[] Product = [typeof(AgentHost).Assembly, typeof(WorkspaceAgent).Assembly];

    [Fact]
    public void LoggerMessages_InBothAssemblies_EachHaveAnExplicitEventId()
    {
        var missing = Events().Where(e => e.Id <= 0).Select(e => e.Method).ToList();

        Assert.True(missing.Count == 0, "without an event id: " + string.Join(", ", missing));
    }

    [Fact]
    public void LoggerMessages_InBothAssemblies_NoEventIdIsUsedTwice()
    {
        var shared = Events()
            .GroupBy(e => e.Id)
            .Where(group => group.Count() > 1)
            .Select(group => $"{group.Key}: {string.Join(", ", group.Select(e => e.Method))}")
            .ToList();

        Assert.True(shared.Count == 0, "event ids used twice: " + string.Join("; ", shared));
    }

    [Fact]
    public void LoggerMessages_From6200To6499_AreTheOnesDocsLoggingListsWithTheirLevelAndName()
    {
        var inCode = Events()
            .Where(e => e.Id is >= 6200 and <= 6499)
            .Select(e => $"{e.Id} {e.Level} {e.Name}")
            .Order(StringComparer.Ordinal)
            .ToList();
        var documented = File.ReadLines(Path.Join(AgentBinary.RepositoryRoot, "docs", "logging.md"))
            .Select(line => TableRow().Match(line))
            .Where(match => match.Success && int.Parse(match.Groups["id"].Value, System.Globalization.CultureInfo.InvariantCulture) is >= 6200 and <= 6499)
            .Select(match => $"{match.Groups["id"].Value} {match.Groups["level"].Value} {match.Groups["name"].Value}")
            .Order(StringComparer.Ordinal)
            .ToList();

        Assert.NotEmpty(inCode);
        Assert.Equal(inCode, documented);
    }

    private static IEnumerable<(int Id, LogLevel Level, string Name, string Method)> Events()
        => from assembly in Product
           from type in assembly.GetTypes()
           from method in type.GetMethods(BindingFlags.Static | BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly)
           let message = method.GetCustomAttribute<LoggerMessageAttribute>()
           where message is not null
           select (message.EventId, message.Level, message.EventName ?? method.Name, $"{type.FullName}.{method.Name}");

    [GeneratedRegex(@"^\| (?<id>\d{4}) \| (?<level>\w+) \| (?<name>\w+) \|")]
    private static partial Regex TableRow();
}
