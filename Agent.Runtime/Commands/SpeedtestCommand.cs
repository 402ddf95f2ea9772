using System.CommandLine;
using System.Globalization;
using System.Reactive;
using System.Reactive.Concurrency;
using Agent.Runtime.Commands.Options;
using Agent.Runtime.ControlPlane;
using Agent.Runtime.Speedtest;

namespace Agent.Runtime.Commands;

/// <summary>
/// <c>agent speedtest --url URL (--token USER_TOKEN | --token-file F) --agent NAME [--direction up|down] [--time 5s]</c>: runs the
/// speed test (tailscale's protocol, see <see cref="SpeedtestProtocol"/>) against the agent's port 3 and prints the
/// throughput of every second and the total. Exit code 0 when the test ran, 1 when it failed (the agent could not be
/// reached, refused, or the stream broke), 2 for bad options.
/// </summary>
public static class SpeedtestCommand
{
    /// <summary>Environment variable read when <c>--url</c> is not given.</summary>
    public const string UrlVariable = ClientConnectionOptions.UrlVariable;

    /// <summary>Environment variable read when <c>--token</c> is not given.</summary>
    public const string TokenVariable = ClientConnectionOptions.TokenVariable;

    /// <summary>
    /// The command; <paramref name="dial"/> opens a stream to an agent port: (control plane URL, user token, agent
    /// name, port, cancellation).
    /// </summary>
    public static Command Create(Func<Uri, string, string, int, CancellationToken, Task<Stream>> dial)
        => Create(dial, Environment.GetEnvironmentVariable, DefaultScheduler.Instance);

    /// <summary>
    /// Checks the raw option values: an absolute http(s) URL, a token, an agent name, <c>up</c> or <c>down</c>
    /// (default down), and a Go duration of 1 s to 30 s (default 5 s). Returns the options, or the message saying
    /// what is wrong.
    /// </summary>
    public static (SpeedtestOptions? Options, string? Error) ParseOptions(string? url, string? token, string? agent, string? direction, string? time)
    {
        if (string.IsNullOrWhiteSpace(url))
            return (null, $"give the control plane's URL with --url or ${UrlVariable}");
        if (ControlPlaneUrl.Parse(url, out _) is not { } baseUrl)
            return (null, $"--url must be an http(s) URL, not '{url}'");
        if (string.IsNullOrEmpty(token))
            return (null, $"give a user token with --token or ${TokenVariable}");
        if (string.IsNullOrWhiteSpace(agent))
            return (null, "give the agent's name with --agent");

        SpeedtestDirection parsedDirection;
        switch (direction?.Trim().ToUpperInvariant())
        {
            case null or "" or "DOWN" or "DOWNLOAD":
                parsedDirection = SpeedtestDirection.Download;
                break;
            case "UP" or "UPLOAD":
                parsedDirection = SpeedtestDirection.Upload;
                break;
            default:
                return (null, $"--direction is 'up' or 'down', not '{direction}'");
        }

        var duration = SpeedtestProtocol.DefaultDuration;
        if (!string.IsNullOrWhiteSpace(time))
        {
            if (!GoDuration.TryParse(time, out duration))
                return (null, $"--time must be a duration such as 5s or 1m, not '{time}'");
            if (duration < SpeedtestProtocol.MinDuration || duration > SpeedtestProtocol.MaxDuration)
                return (null, $"--time must be between 1s and 30s, not '{time}'");
        }

        return (new SpeedtestOptions(baseUrl, token, agent, parsedDirection, duration), null);
    }

    /// <summary>Formats one interval as a line of output, e.g. <c>  0.00-1.00 s      941.2 Mbit/s</c>.</summary>
    public static string FormatInterval(SpeedtestInterval interval)
    {
        ArgumentNullException.ThrowIfNull(interval);
        return string.Create(
            CultureInfo.InvariantCulture,
            $"{interval.Start.TotalSeconds,6:0.00}-{interval.End.TotalSeconds:0.00} s {interval.MegabitsPerSecond,10:0.0} Mbit/s");
    }

    /// <summary>Formats the total line, e.g. <c>Total  0.00-5.00 s      941.2 Mbit/s   588.3 MB</c>.</summary>
    public static string FormatTotal(SpeedtestInterval total)
    {
        ArgumentNullException.ThrowIfNull(total);
        return string.Create(
            CultureInfo.InvariantCulture,
            $"Total {total.Start.TotalSeconds,5:0.00}-{total.End.TotalSeconds:0.00} s {total.MegabitsPerSecond,10:0.0} Mbit/s {total.Bytes / 1e6,9:0.0} MB");
    }

    /// <summary>The command with the environment and the clock given (specs pass their own).</summary>
    internal static Command Create(
        Func<Uri, string, string, int, CancellationToken, Task<Stream>> dial, Func<string, string?> environment, IScheduler scheduler)
    {
        ArgumentNullException.ThrowIfNull(dial);
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(scheduler);

        // Zero-or-one arity everywhere: a missing value is reported by ParseOptions, with exit code 2.
        var url = new Option<string?>("--url")
        {
            Description = $"Base URL of the control plane (default: ${UrlVariable})",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var token = new Option<string?>("--token")
        {
            Description = $"User token (default: ${TokenVariable}); prefer --token-file, a command line is visible to every local user",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var tokenFile = new Option<string?>("--token-file") { Description = "Read the user token from this file (trimmed; should be private, mode 0600)", Arity = ArgumentArity.ZeroOrOne };
        var agent = new Option<string?>("--agent") { Description = "Name of the agent", Arity = ArgumentArity.ZeroOrOne };
        var direction = new Option<string?>("--direction")
        {
            Description = "down: the agent sends (default); up: the agent receives",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var time = new Option<string?>("--time") { Description = "How long the test runs, 1s to 30s (default 5s)", Arity = ArgumentArity.ZeroOrOne };

        var command = new Command("speedtest", "Measure the throughput between here and an agent (through the control plane's relay).")
        {
            url, token, tokenFile, agent, direction, time,
        };
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(async (result, cancellationToken) =>
        {
            var output = result.InvocationConfiguration.Output;
            var error = result.InvocationConfiguration.Error;
            if (result.UnmatchedTokens.Count > 0)
            {
                await error.WriteLineAsync($"agent speedtest: unexpected arguments: {string.Join(' ', result.UnmatchedTokens)}");
                return 2;
            }

            var bare = new[] { url, token, tokenFile, agent, direction, time }.FirstOrDefault(option => result.GetResult(option) is { Implicit: false, Tokens.Count: 0 });
            if (bare is not null)
            {
                await error.WriteLineAsync($"agent speedtest: {bare.Name} needs a value");
                return 2;
            }

            if (!TokenFile.TryResolve(result.GetValue(token), result.GetValue(tokenFile), environment(TokenVariable), null, out var userToken, out var tokenProblem, out var warning))
            {
                await error.WriteLineAsync($"agent speedtest: {tokenProblem}");
                return 2;
            }

            if (warning is not null)
                await error.WriteLineAsync($"agent speedtest: warning: {warning}");
            var (options, problem) = ParseOptions(
                result.GetValue(url) ?? environment(UrlVariable),
                userToken,
                result.GetValue(agent),
                result.GetValue(direction),
                result.GetValue(time));
            if (options is null)
            {
                await error.WriteLineAsync($"agent speedtest: {problem}");
                return 2;
            }

            return await RunAsync(options, dial, scheduler, output, error, cancellationToken);
        });
        return command;
    }

    private static async Task<int> RunAsync(
        SpeedtestOptions options,
        Func<Uri, string, string, int, CancellationToken, Task<Stream>> dial,
        IScheduler scheduler,
        TextWriter output,
        TextWriter error,
        CancellationToken cancellationToken)
    {
        Stream stream;
        try
        {
            stream = await dial(options.Url, options.Token, options.Agent, SpeedtestProtocol.AgentPort, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await error.WriteLineAsync("agent speedtest: interrupted");
            return 1;
        }
        catch (Exception e)
        {
            await error.WriteLineAsync($"agent speedtest: cannot reach agent '{options.Agent}' at {options.Url}: {e.Message}");
            return 1;
        }

        var verb = options.Direction == SpeedtestDirection.Download ? "download from" : "upload to";
        await output.WriteLineAsync(string.Create(
            CultureInfo.InvariantCulture, $"Speed test: {verb} agent '{options.Agent}' for {options.Duration.TotalSeconds:0.##} s"));
        try
        {
            var progress = Observer.Create<SpeedtestInterval>(interval => output.WriteLine(FormatInterval(interval)));
            var outcome = await SpeedtestClient.RunAsync(stream, options.Direction, options.Duration, scheduler, progress, cancellationToken);
            await output.WriteLineAsync(FormatTotal(outcome.Total));
            return 0;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await error.WriteLineAsync("agent speedtest: interrupted");
            return 1;
        }
        catch (Exception e)
        {
            await error.WriteLineAsync($"agent speedtest: {e.Message}");
            return 1;
        }
    }
}
