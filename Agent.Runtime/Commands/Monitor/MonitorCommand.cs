using System.CommandLine;
using System.Reactive.Concurrency;
using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using Agent.Reactive.Effects;
using Agent.Runtime.Commands.Options;
using Agent.Runtime.ControlPlaneClient;
using Agent.Runtime.Relay.Sse;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Spectre.Console;

namespace Agent.Runtime.Commands.Monitor;

/// <summary>
/// <c>agent monitor --url URL (--token USER_TOKEN | --token-file F) [--agent NAME] [--once]</c>: shows an agent's lifecycle,
/// metadata, app health, stats and script logs from the control plane's event stream. On a terminal the
/// dashboard stays live (redrawn at most every 250 ms, Ctrl+C ends it); with <c>--once</c>, or when the
/// output is redirected, the snapshot is printed once. Exit code 1 when the control plane cannot be
/// reached or refuses the token or the agent name.
/// </summary>
public static class MonitorCommand
{
    /// <summary>Environment variable read when <c>--url</c> is not given.</summary>
    public const string UrlVariable = ClientConnectionOptions.UrlVariable;

    /// <summary>Environment variable read when <c>--token</c> is not given.</summary>
    public const string TokenVariable = ClientConnectionOptions.TokenVariable;

    private static readonly TimeSpan RedrawEvery = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan SnapshotQuiet = TimeSpan.FromMilliseconds(300);
    private static readonly TimeSpan SnapshotMaxWait = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(10);

    public static Command Create() => Create(Environment.GetEnvironmentVariable);

    /// <summary>The command with the environment read through <paramref name="environment"/> (specs pass their own).</summary>
    internal static Command Create(Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var connection = new ClientConnectionOptions(environment);
        var agent = new Option<string>("--agent") { Description = "Name of the agent", DefaultValueFactory = _ => "main" };
        var once = new Option<bool>("--once") { Description = "Print the current state once and exit (the default when output is redirected)" };

        var command = new Command("monitor", "Watch an agent's lifecycle, metadata, apps, stats and logs through the control plane.");
        connection.AddTo(command);
        command.Options.Add(agent);
        command.Options.Add(once);
        command.SetAction(async (result, cancellationToken) =>
        {
            var error = result.InvocationConfiguration.Error;
            if (!connection.TryResolve(result, out var baseUrl, out var token, out var problem))
            {
                await error.WriteLineAsync($"agent monitor: {problem}");
                return 1;
            }

            var request = new Request(baseUrl, token, result.GetValue(agent) ?? "main", result.GetValue(once));
            return await RunAsync(request, result.InvocationConfiguration.Output, error, cancellationToken);
        });
        return command;
    }

    /// <summary>The live dashboard on <paramref name="console"/> until <paramref name="states"/> ends or <paramref name="cancellationToken"/> fires.</summary>
    internal static async Task ShowLiveAsync(
        IAnsiConsole console, IObservable<DashboardState> states, string agentName, DefaultScheduler scheduler, CancellationToken cancellationToken)
    {
        var live = console.Live(DashboardRenderer.Render(DashboardState.Empty, agentName, scheduler.Now))
            .Overflow(VerticalOverflow.Ellipsis)
            .Cropping(VerticalOverflowCropping.Bottom);
        await live.StartAsync(async context =>
        {
            var ended = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var ticks = Observable.Interval(TimeSpan.FromSeconds(1), scheduler).StartWith(0L);
            using var redraws = states
                .Sample(RedrawEvery, scheduler)
                .CombineLatest(ticks, (state, _) => state)
                .Subscribe(
                    state =>
                    {
                        context.UpdateTarget(DashboardRenderer.Render(state, agentName, scheduler.Now));
                        context.Refresh();
                    },
                    failure => ended.TrySetException(failure),
                    () => ended.TrySetResult());
            using var stop = cancellationToken.Register(() => ended.TrySetCanceled(cancellationToken));
            await ended.Task;
        });
    }

    private static async Task<int> RunAsync(Request request, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var baseUrl = request.Url;
        var interactive = ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected;
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = interactive ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = interactive ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = interactive ? InteractionSupport.Yes : InteractionSupport.No,
        });
        ILogger logger = interactive && !Console.IsErrorRedirected ? NullLogger.Instance : new TextWriterLogger(error, LogLevel.Warning);

        using var http = TokenHttpClient.Create(ConnectTimeout, Timeout.InfiniteTimeSpan);
        using var client = new AgentEventsClient(http, logger);
        var scheduler = DefaultScheduler.Instance;
        var states = DashboardStates.Fold(client.Status, client.Events(baseUrl, request.Token, request.Agent, scheduler));
        try
        {
            if (request.Once || !interactive)
            {
                var state = await states.FirstSettled(SnapshotQuiet, SnapshotMaxWait, scheduler).ToTask(cancellationToken);
                console.Write(DashboardRenderer.Render(state, request.Agent, scheduler.Now));
                return 0;
            }

            await ShowLiveAsync(console, states, request.Agent, scheduler, cancellationToken);
            return 0;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return 0;
        }
        catch (Exception failure) when (failure is ControlPlaneException or HttpRequestException or TimeoutException)
        {
            await error.WriteLineAsync(TerminalText.Clean($"agent monitor: cannot watch agent '{request.Agent}' at {baseUrl}: {failure.Message}"));
            return 1;
        }
    }

    private sealed record Request(Uri Url, string Token, string Agent, bool Once);
}
