using System.Text.RegularExpressions;

namespace Agent.Specs.Runtime.Commands.Readme;

/// <summary>
/// The <c>agent</c> command lines in README.md: the first column of the command table, the lines of <c>sh</c> code blocks
/// that run <c>agent</c> or <c>dotnet run --project Agent.Runtime --</c>, the commands the <c>text</c> blocks show, and an
/// <c>agent</c> inside a quoted <c>ProxyCommand</c> or <c>sftp -D</c> argument. Each is expanded by <see cref="CommandLineTemplate"/>.
/// </summary>
public static partial class ReadmeExamples
{
    /// <summary>README.md of this checkout, found by walking up from the specs' own directory.</summary>
    public static string FindReadme()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var readme = Path.Join(directory.FullName, "README.md");
            if (File.Exists(readme) && File.Exists(Path.Join(directory.FullName, "Agent.sln")))
                return readme;
        }

        throw new FileNotFoundException($"no README.md next to an Agent.sln above {AppContext.BaseDirectory}");
    }

    public static IReadOnlyList<ReadmeExample> Extract(string markdown)
    {
        ArgumentNullException.ThrowIfNull(markdown);
        var examples = new List<ReadmeExample>();
        var lines = markdown.ReplaceLineEndings("\n").Split('\n');
        string? fence = null;
        for (var index = 0; index < lines.Length; index++)
        {
            var line = lines[index];
            var source = $"README.md:{index + 1}";
            if (line.StartsWith("```", StringComparison.Ordinal))
            {
                fence = fence is null ? line[3..].Trim() : null;
                continue;
            }

            foreach (var written in Commands(line, fence))
            {
                foreach (var arguments in CommandLineTemplate.Expand(written))
                    examples.Add(new ReadmeExample(source, "agent " + written, arguments));
            }
        }

        return examples;
    }

    /// <summary>
    /// The options README's prose names for a command: backticked <c>--options</c> in a command table row's description, and
    /// in a paragraph that starts "SSH options of `run` and `dev`:". Each must be in that command's <c>--help</c>.
    /// </summary>
    public static IReadOnlyList<DescribedOption> DescribedOptions(string markdown)
    {
        ArgumentNullException.ThrowIfNull(markdown);
        var described = new List<DescribedOption>();
        var lines = markdown.ReplaceLineEndings("\n").Split('\n');
        string[] paragraphCommands = [];
        for (var index = 0; index < lines.Length; index++)
        {
            var line = lines[index];
            if (line.Trim().Length == 0)
                paragraphCommands = [];
            if (OptionsParagraph().Match(line) is { Success: true } paragraph)
                paragraphCommands = [paragraph.Groups["first"].Value, paragraph.Groups["second"].Value];
            string[] commands = paragraphCommands;
            var text = line;
            if (TableCommand().Match(line) is { Success: true } row)
            {
                commands = [row.Groups["command"].Value.Split(' ')[0]];
                text = line[row.Length..];
            }

            foreach (var command in commands)
            {
                foreach (Match option in BacktickedOption().Matches(text))
                    described.Add(new DescribedOption($"README.md:{index + 1}", command, option.Groups["option"].Value));
            }
        }

        return described;
    }

    /// <summary>The command lines (after <c>agent </c>) on one README line, given the code fence it is in (<c>null</c>: none).</summary>
    private static IEnumerable<string> Commands(string line, string? fence)
    {
        if (fence is null && TableCommand().Match(line) is { Success: true } row)
            yield return row.Groups["command"].Value;
        if (fence is "sh" or "bash" or "shell")
        {
            var command = ShellComment().Replace(line, string.Empty).Trim().TrimEnd('&').Trim();
            if (command.StartsWith("agent ", StringComparison.Ordinal))
                yield return command["agent ".Length..];
            else if (DotnetRun().Match(command) is { Success: true } run)
                yield return run.Groups["command"].Value;
        }

        if (fence is "text")
        {
            foreach (Match shown in ShownCommand().Matches(line))
                yield return shown.Groups["command"].Value;
        }

        foreach (Match quoted in QuotedCommand().Matches(line))
            yield return quoted.Groups["command"].Value;
    }

    /// <summary>"SSH options of `run` and `dev`:" and the like.</summary>
    [GeneratedRegex(@"^[A-Za-z ]*options of `(?<first>[a-z-]+)` and `(?<second>[a-z-]+)`:")]
    private static partial Regex OptionsParagraph();

    /// <summary>A backticked option: <c>`--log-dir`</c>, <c>`--log-format human|json`</c>.</summary>
    [GeneratedRegex(@"`(?<option>--[a-z][a-z-]*)")]
    private static partial Regex BacktickedOption();

    /// <summary>A command table row: <c>| `agent …` | what it does |</c>.</summary>
    [GeneratedRegex(@"^\|\s*`agent (?<command>[^`]+)`\s*\|")]
    private static partial Regex TableCommand();

    /// <summary>A shell comment: <c>#</c> at the start or after a blank, to the end of the line.</summary>
    [GeneratedRegex(@"(^|\s)#.*$")]
    private static partial Regex ShellComment();

    [GeneratedRegex(@"^dotnet run --project Agent\.Runtime -- (?<command>.+)$")]
    private static partial Regex DotnetRun();

    /// <summary>In program output: <c>agent word --opt value</c>, up to two blanks, a parenthesis or a quote.</summary>
    [GeneratedRegex(@"(?<![\w./-])agent (?<command>[a-z][a-z-]*(?: (?![(])[^\s']+)*)")]
    private static partial Regex ShownCommand();

    /// <summary><c>'…/agent proxy …'</c>, <c>"agent ssh-server --inetd ..."</c>: a quoted command starting with <c>agent</c> (maybe after a path).</summary>
    [GeneratedRegex("""["'](?:[^"'\s]*/)?agent (?<command>[a-z][a-z-]*[^"']*)["']""")]
    private static partial Regex QuotedCommand();
}
