using Agent.Specs.Runtime.Commands.Readme;

namespace Agent.Specs.Runtime.Commands;

/// <summary>
/// Every <c>agent</c> command line README.md shows (command table, <c>sh</c> blocks, the banner, quoted ProxyCommands)
/// parses with the product's parser, and its command's <c>--help</c> shows each option it uses. When README and the
/// command line disagree, these fail.
/// </summary>
public sealed class ReadmeCommandLineSpecs
{
    private static readonly Lazy<IReadOnlyList<ReadmeExample>> Examples = new(() => ReadmeExamples.Extract(File.ReadAllText(ReadmeExamples.FindReadme())));

    public static TheoryData<string> ExampleLines()
    {
        var data = new TheoryData<string>();
        foreach (var example in Examples.Value)
            data.Add(example.ToString());
        return data;
    }

    [Theory]
    [MemberData(nameof(ExampleLines))]
    public void ReadmeExample_ParsedByTheRealCommandLine_ParsesAndHelpShowsEachOption(string example)
    {
        var problems = ReadmeCommandLineCheck.Problems(Examples.Value.First(candidate => candidate.ToString() == example));

        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    public static TheoryData<string, string, string> OptionsInTheText()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var described in ReadmeExamples.DescribedOptions(File.ReadAllText(ReadmeExamples.FindReadme())))
            data.Add(described.Source, described.Command, described.Option);
        return data;
    }

    [Theory]
    [MemberData(nameof(OptionsInTheText))]
    public void ReadmeOption_NamedInTheText_HelpShowsIt(string source, string command, string option)
    {
        var help = ReadmeCommandLineCheck.Help(command);

        Assert.True(
            System.Text.RegularExpressions.Regex.IsMatch(help, $@"(?<![\w-]){System.Text.RegularExpressions.Regex.Escape(option)}(?![\w-])"),
            $"{source}: README says `agent {command}` takes {option}; its --help:\n{help}");
    }

    [Fact]
    public void Readme_EveryCommandAndSource_HasExamples()
    {
        var commands = Examples.Value.Select(example => example.Arguments[0]).ToHashSet();

        Assert.Superset(
            new HashSet<string> { "run", "server", "dev", "ssh-server", "sftp-server", "proxy", "config-ssh", "port-forward", "speedtest", "monitor" },
            commands);
        Assert.Contains(Examples.Value, example => example.Written.Contains("--token-file F", StringComparison.Ordinal));
        Assert.Contains(Examples.Value, example => example.Arguments.SequenceEqual(["dev", "--ssh-address", "127.0.0.1:2222"]));
        Assert.Contains(Examples.Value, example => example.Arguments is ["proxy", "--url", _, "--token-file", _, "--agent", "main"]);
        Assert.Contains(Examples.Value, example => example.Arguments is ["monitor", "--url", _, "--token", _, "--agent", "main"]);
        Assert.Contains(Examples.Value, example => example.Arguments is ["run", "--api-address", "127.0.0.1:4040"]);
        var described = ReadmeExamples.DescribedOptions(File.ReadAllText(ReadmeExamples.FindReadme()));
        Assert.Contains(new DescribedOption(described[0].Source, "run", "--log-dir"), described);
        Assert.Contains(described, option => option is { Command: "dev", Option: "--ssh-max-timeout" });
    }

    [Fact]
    public void Check_ReadmeWithAMadeUpOption_ReportsIt()
    {
        var readme = """
            | command | what it does |
            | --- | --- |
            | `agent monitor --url URL [--colour always\|never]` | made up |

            ```sh
            agent speedtest --url URL --agent main --turbo   # made up too
            ```
            """;

        var problems = ReadmeExamples.Extract(readme).SelectMany(ReadmeCommandLineCheck.Problems).ToList();

        Assert.Contains(problems, problem => problem.Contains("--colour", StringComparison.Ordinal) && problem.Contains("does not parse", StringComparison.Ordinal));
        Assert.Contains(problems, problem => problem.Contains("`agent monitor --help` does not show --colour", StringComparison.Ordinal));
        Assert.Contains(problems, problem => problem.Contains("`agent speedtest --help` does not show --turbo", StringComparison.Ordinal));
    }

    [Fact]
    public void DescribedOptions_TableRowAndOptionsParagraph_NameTheirCommands()
    {
        var readme = """
            | `agent run --url URL` | The daemon. Options: `--log-dir` (`AGENT_LOG_DIR`), `--warp-speed 9`. |

            SSH options of `run` and `dev`: `--ssh-address HOST:PORT`,
            `--authorized-keys FILE`.

            Elsewhere `--not-counted`.
            """;

        var described = ReadmeExamples.DescribedOptions(readme).Select(option => $"{option.Command} {option.Option}");

        Assert.Equal(
            ["run --log-dir", "run --warp-speed", "run --ssh-address", "dev --ssh-address", "run --authorized-keys", "dev --authorized-keys"],
            described);
        Assert.DoesNotMatch(@"(?<![\w-])--warp-speed(?![\w-])", ReadmeCommandLineCheck.Help("run"));
    }

    [Fact]
    public void Check_CommandItDoesNotHave_ReportsIt()
    {
        var problems = ReadmeCommandLineCheck.Problems(new ReadmeExample("spec", "agent teleport --url URL", ["teleport", "--url", "http://127.0.0.1:7080"]));

        Assert.Contains(problems, problem => problem.Contains("\"teleport\" is not a command of agent", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("run --url URL (--token TOKEN \\| --token-file F)", "run --url http://127.0.0.1:7080 --token sample-token", "run --url http://127.0.0.1:7080 --token-file /tmp/token")]
    [InlineData("speedtest [--direction down\\|up]", "speedtest", "speedtest --direction down", "speedtest --direction up")]
    [InlineData("port-forward --tcp [BIND:]LOCAL:REMOTE", "port-forward --tcp 8080:80", "port-forward --tcp 127.0.0.1:8080:80")]
    [InlineData("dev [--address ...] --ssh-address *:PORT", "dev --ssh-address *:2222", "dev --address 127.0.0.1:0 --ssh-address *:2222")]
    [InlineData("run ... --api-address 127.0.0.1:PORT", "run --api-address 127.0.0.1:2222")]
    [InlineData("ssh-server [--host-key-dir DIR \\| --host-key FILE]", "ssh-server", "ssh-server --host-key-dir /tmp/dir", "ssh-server --host-key /tmp/file")]
    [InlineData("sftp-server [-d DIR] [-R]", "sftp-server -d /tmp/dir -R", "sftp-server -d /tmp/dir", "sftp-server -R", "sftp-server")]
    public void Template_OptionalsAlternativesAndPlaceholders_ExpandToEveryCommandLine(string template, params string[] expected)
    {
        var lines = CommandLineTemplate.Expand(template).Select(arguments => string.Join(' ', arguments));

        Assert.Equal(expected.Order(StringComparer.Ordinal), lines.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Template_PlaceholderWithoutASample_IsAnError()
    {
        var error = Assert.Throws<FormatException>(() => CommandLineTemplate.Expand("run --url URL --widget WIDGET"));

        Assert.Contains("WIDGET", error.Message, StringComparison.Ordinal);
    }
}
