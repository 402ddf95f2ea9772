using System.CommandLine;
using System.CommandLine.Parsing;
using System.Reflection;
using System.Text.RegularExpressions;
using Agent.Runtime.Commands;

namespace Agent.Specs.Runtime.Commands.Readme;

/// <summary>
/// What README promises about one command line, checked against the product's own parser: it parses without an error
/// into the command it names, and that command's <c>--help</c> lists every option it uses.
/// </summary>
public static class ReadmeCommandLineCheck
{
    /// <summary>Every way <paramref name="example"/> and the command line disagree (empty when they agree).</summary>
    public static IReadOnlyList<string> Problems(ReadmeExample example)
    {
        ArgumentNullException.ThrowIfNull(example);
        var problems = new List<string>();
        var arguments = example.Arguments;
        if (arguments.Count == 0)
            return [$"{example}: no command"];
        var parse = AgentCommandLine.Create().Parse([.. arguments]);
        problems.AddRange(parse.Errors.Select(error => $"{example}: does not parse: {error.Message}"));
        problems.AddRange(ConversionErrors(parse).Select(error => $"{example}: does not parse: {error}"));
        if (parse.CommandResult.Command.Name != arguments[0])
        {
            problems.Add($"{example}: \"{arguments[0]}\" is not a command of agent");
            return problems;
        }

        var help = Help(arguments[0]);
        foreach (var option in arguments.Where(argument => argument.StartsWith('-')).Select(argument => argument.Split('=')[0]).Distinct())
        {
            if (!Regex.IsMatch(help, $@"(?<![\w-]){Regex.Escape(option)}(?![\w-])"))
                problems.Add($"{example}: `agent {arguments[0]} --help` does not show {option}");
        }

        return problems;
    }

    /// <summary>
    /// System.CommandLine converts an option's value to its type only when the command asks for it: a value the parse
    /// accepted can still fail there (the <c>--url</c> of issue 10). Each option given is converted here, as the command would.
    /// </summary>
    private static IEnumerable<string> ConversionErrors(ParseResult parse)
    {
        foreach (var given in parse.CommandResult.Children.OfType<OptionResult>())
        {
            string? error = null;
            try
            {
                GetValue.MakeGenericMethod(given.Option.ValueType).Invoke(parse, [given.Option]);
            }
            catch (TargetInvocationException e) when (e.InnerException is InvalidOperationException or FormatException or ArgumentException)
            {
                error = e.InnerException.Message;
            }

            if (error is not null)
                yield return error;
        }
    }

    private static MethodInfo GetValue { get; } = typeof(ParseResult).GetMethods()
        .Single(method => method is { Name: nameof(ParseResult.GetValue), IsGenericMethodDefinition: true }
            && method.GetParameters() is [{ ParameterType: { IsGenericType: true } type }] && type.GetGenericTypeDefinition() == typeof(Option<>));

    /// <summary>What <c>agent <paramref name="command"/> --help</c> prints, from the real parser.</summary>
    public static string Help(string command)
    {
        using var output = new StringWriter();
        AgentCommandLine.Create().Parse([command, "--help"]).Invoke(new InvocationConfiguration { Output = output, Error = output });
        return output.ToString();
    }
}
