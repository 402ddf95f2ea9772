using System.Reactive.Concurrency;
using System.Text;
using Agent.Reactive.Monitoring;
using Agent.Reactive.Protocol;
using Agent.Reactive.Terminal;
using Agent.Specs.Fakes.Terminal;
using Microsoft.Reactive.Testing;
using static Agent.Specs.Fakes.Terminal.TerminalHarness;

namespace Agent.Specs.Reactive.Terminal;

public class TerminalSessionsSpecs
{
    private readonly TestScheduler _scheduler = new();

    [Fact]
    public void Attach_NewId_StartsTheCommandWithTermAndTheSessionEnvironment()
    {
        var manifest = new Manifest { Directory = "/home/coder/src", EnvironmentVariables = new Dictionary<string, string> { ["GREETING"] = "hi $HOME" } };
        using var harness = new TerminalHarness(_scheduler, manifest: manifest);

        using var client = harness.Sessions.Attach(Request(command: "htop", columns: 120, rows: 40));

        var spec = harness.Launcher.Last.Spec;
        Assert.Equal("htop", spec.Command);
        Assert.Equal("/home/coder/src", spec.WorkingDirectory);
        Assert.Equal((ushort)120, spec.Columns);
        Assert.Equal((ushort)40, spec.Rows);
        var environment = spec.Environment.ToDictionary(p => p.Key, p => p.Value);
        Assert.Equal("xterm-256color", environment["TERM"]);
        Assert.Equal("hi /home/coder", environment["GREETING"]);
        Assert.Equal("agent-token", environment["CODER_AGENT_TOKEN"]);
        Assert.Equal("true", environment["CODER"]);
        Assert.Equal(["abc"], harness.Sessions.Ids);
        Assert.Equal(1000, Assert.IsType<TerminalOpened>(harness.Events[0]).ProcessId);
    }

    [Fact]
    public void Attach_EmptyCommandAndNoManifest_StartsTheLoginShellInTheHomeDirectory()
    {
        using var harness = new TerminalHarness(_scheduler);

        using var client = harness.Sessions.Attach(Request(columns: 0, rows: 0));

        Assert.Equal(string.Empty, harness.Launcher.Last.Spec.Command);
        Assert.Null(harness.Launcher.Last.Spec.WorkingDirectory);
        Assert.Equal((ushort)80, harness.Launcher.Last.Spec.Columns);
        Assert.Equal((ushort)24, harness.Launcher.Last.Spec.Rows);
    }

    [Fact]
    public void Attach_KnownId_ReplaysTheOutputThenLiveOutput()
    {
        using var harness = new TerminalHarness(_scheduler);
        var first = harness.Sessions.Attach(Request());
        harness.Launcher.Last.Emit("$ ls\r\n");
        harness.Launcher.Last.Emit("a b c\r\n");
        first.Dispose();

        using var second = harness.Sessions.Attach(Request());
        harness.Launcher.Last.Emit("$ ");

        Assert.Single(harness.Launcher.Started);
        Assert.Equal("$ ls\r\na b c\r\n$ ", Drain(second));
    }

    [Fact]
    public void Attach_AfterMoreThanTheReplayBound_ReplaysOnlyTheLastBytes()
    {
        using var harness = new TerminalHarness(_scheduler, TerminalOptions.Default with { ReplayBytes = 8 });
        using (harness.Sessions.Attach(Request()))
        {
            harness.Launcher.Last.Emit("0123456789");
            harness.Launcher.Last.Emit("abcd");
        }

        using var later = harness.Sessions.Attach(Request());

        Assert.Equal("6789abcd", Drain(later));
    }

    [Fact]
    public async Task TwoClients_BothSeeTheOutput_AndInputFromEitherReachesTheShell()
    {
        using var harness = new TerminalHarness(_scheduler);
        using var one = harness.Sessions.Attach(Request());
        using var two = harness.Sessions.Attach(Request());

        harness.Launcher.Last.Emit("shared");
        await one.WriteInputAsync("ls\r"u8.ToArray(), CancellationToken.None);
        await two.WriteInputAsync("pwd\r"u8.ToArray(), CancellationToken.None);

        Assert.Equal("shared", Drain(one));
        Assert.Equal("shared", Drain(two));
        Assert.Equal("ls\rpwd\r", harness.Launcher.Last.Input);
    }

    [Fact]
    public void Resize_FromEitherClientAndEachAttachSize_AppliesToTheTerminal()
    {
        using var harness = new TerminalHarness(_scheduler);
        using var one = harness.Sessions.Attach(Request(columns: 80, rows: 24));
        using var two = harness.Sessions.Attach(Request(columns: 100, rows: 30));

        one.Resize(120, 40);
        two.Resize(90, 20);
        two.Resize(0, 20);

        Assert.Equal([(80, 24), (100, 30), (120, 40), (90, 20)], harness.Launcher.Last.Sizes.Select(s => ((int)s.Columns, (int)s.Rows)));
    }

    [Fact]
    public void Inactivity_WhileAClientIsAttached_NeverEndsTheProcess()
    {
        using var harness = new TerminalHarness(_scheduler);
        using var client = harness.Sessions.Attach(Request());

        _scheduler.AdvanceBy(TimeSpan.FromHours(1).Ticks);

        Assert.False(harness.Launcher.Last.Disposed);
    }

    [Fact]
    public void Inactivity_FiveMinutesAfterTheLastClientLeft_EndsTheProcessAndForgetsTheId()
    {
        using var harness = new TerminalHarness(_scheduler);
        var one = harness.Sessions.Attach(Request());
        var two = harness.Sessions.Attach(Request());
        _scheduler.AdvanceBy(TimeSpan.FromMinutes(10).Ticks);
        one.Dispose();
        _scheduler.AdvanceBy(TimeSpan.FromMinutes(6).Ticks);
        Assert.False(harness.Launcher.Last.Disposed);

        two.Dispose();
        _scheduler.AdvanceBy(TimeSpan.FromMinutes(5).Ticks - 1);
        Assert.False(harness.Launcher.Last.Disposed);
        _scheduler.AdvanceBy(1);

        Assert.True(harness.Launcher.Last.Disposed);
        Assert.Empty(harness.Sessions.Ids);
        Assert.Equal(129, Assert.IsType<TerminalClosed>(harness.Events[^1]).ExitCode);
    }

    [Fact]
    public void Inactivity_ReattachBeforeTheTimeout_CancelsIt()
    {
        using var harness = new TerminalHarness(_scheduler, TerminalOptions.Default with { InactivityTimeout = TimeSpan.FromSeconds(30) });
        harness.Sessions.Attach(Request()).Dispose();
        _scheduler.AdvanceBy(TimeSpan.FromSeconds(29).Ticks);

        var again = harness.Sessions.Attach(Request());
        _scheduler.AdvanceBy(TimeSpan.FromMinutes(2).Ticks);
        Assert.False(harness.Launcher.Last.Disposed);
        again.Dispose();
        _scheduler.AdvanceBy(TimeSpan.FromSeconds(30).Ticks);

        Assert.Single(harness.Launcher.Started);
        Assert.True(harness.Launcher.Last.Disposed);
    }

    [Fact]
    public void Attach_AfterTheTimeoutEndedTheTerminal_StartsANewProcess()
    {
        using var harness = new TerminalHarness(_scheduler);
        harness.Sessions.Attach(Request()).Dispose();
        _scheduler.AdvanceBy(TimeSpan.FromMinutes(5).Ticks);

        using var client = harness.Sessions.Attach(Request());

        Assert.Equal(2, harness.Launcher.Started.Count);
        Assert.Equal(string.Empty, Drain(client));
    }

    [Fact]
    public void ProcessExit_ClosesEveryClientAfterTheFinalOutput_AndForgetsTheSession()
    {
        using var harness = new TerminalHarness(_scheduler);
        var one = harness.Sessions.Attach(Request());
        var two = harness.Sessions.Attach(Request());

        harness.Launcher.Last.Emit("logout\r\n");
        harness.Launcher.Last.Exit(3);

        Assert.Equal("logout\r\n", Drain(one));
        Assert.Equal("logout\r\n", Drain(two));
        Assert.True(one.Completion.IsCompletedSuccessfully);
        Assert.True(two.Completion.IsCompletedSuccessfully);
        Assert.Empty(harness.Sessions.Ids);
        Assert.Equal(3, Assert.IsType<TerminalClosed>(harness.Events[^1]).ExitCode);
        Assert.True(harness.Launcher.Last.Disposed);
        using var next = harness.Sessions.Attach(Request());
        Assert.Equal(2, harness.Launcher.Started.Count);
    }

    [Fact]
    public void SlowClient_PastTheBacklogBound_IsDisconnectedWhileTheFastOneKeepsGoing()
    {
        using var harness = new TerminalHarness(_scheduler, TerminalOptions.Default with { ReplayBytes = 16, ClientBacklogBytes = 100 });
        var slow = harness.Sessions.Attach(Request());
        using var fast = harness.Sessions.Attach(Request());
        var seen = new StringBuilder();

        for (var i = 0; i < 20; i++)
        {
            harness.Launcher.Last.Emit("0123456789");
            seen.Append(Drain(fast));
        }

        Assert.True(slow.Overflowed);
        Assert.Equal(100, Drain(slow).Length);
        Assert.True(slow.Completion.IsCompleted);
        Assert.Equal(string.Concat(Enumerable.Repeat("0123456789", 20)), seen.ToString());
        Assert.Contains(harness.Logger.Warnings, w => w.Contains("fell more than 100 bytes behind", StringComparison.Ordinal));
        Assert.Contains(harness.Events, e => e is TerminalDetached { Reason: "too slow", Clients: 1 });
        Assert.Equal(1, harness.Counters.TakeWindow().SessionCountReconnectingPty);
    }

    [Fact]
    public void Counters_CountEachAttachedConnection()
    {
        using var harness = new TerminalHarness(_scheduler);
        var one = harness.Sessions.Attach(Request());
        var two = harness.Sessions.Attach(Request());
        using var other = harness.Sessions.Attach(Request(id: "other"));
        Assert.Equal(3, harness.Counters.TakeWindow().SessionCountReconnectingPty);

        one.Dispose();
        two.Dispose();
        two.Dispose();

        Assert.Equal(1, harness.Counters.TakeWindow().SessionCountReconnectingPty);
    }

    [Fact]
    public void Events_TellOpenAttachDetachAndClose()
    {
        using var harness = new TerminalHarness(_scheduler);
        var client = harness.Sessions.Attach(Request(command: "top"));
        client.Dispose();
        harness.Launcher.Last.Exit(0);

        Assert.Collection(
            harness.Events,
            e => Assert.Equal(new TerminalOpened(_scheduler.Now, "abc", "top", 1000), e),
            e => Assert.Equal(new TerminalAttached(_scheduler.Now, "abc", 1), e),
            e => Assert.Equal(new TerminalDetached(_scheduler.Now, "abc", 0, "left"), e),
            e => Assert.Equal(new TerminalClosed(_scheduler.Now, "abc", 0), e));
    }

    [Fact]
    public void Attach_BeyondTheSessionBound_Throws()
    {
        using var harness = new TerminalHarness(_scheduler, TerminalOptions.Default with { MaxSessions = 1 });
        using var one = harness.Sessions.Attach(Request(id: "one"));

        Assert.Throws<TerminalCapacityException>(() => harness.Sessions.Attach(Request(id: "two")));
        Assert.Single(harness.Launcher.Started);
    }

    [Fact]
    public void Dispose_EndsEveryTerminal()
    {
        var harness = new TerminalHarness(_scheduler);
        var client = harness.Sessions.Attach(Request());

        harness.Dispose();

        Assert.True(harness.Launcher.Last.Disposed);
        Assert.True(client.Completion.IsCompleted);
        Assert.Throws<ObjectDisposedException>(() => harness.Sessions.Attach(Request()));
    }

    [Fact]
    public async Task Boundary_FastProducerWithConcurrentAttaches_EachClientSeesAnExactSuffix()
    {
        // Real threads: the producer emits a counter sequence while clients attach at arbitrary moments.
        using var harness = new TerminalHarness(DefaultScheduler.Instance, TerminalOptions.Default with { ClientBacklogBytes = 64 << 20 });
        using var first = harness.Sessions.Attach(Request());
        var process = harness.Launcher.Last;
        var produced = new MemoryStream();
        const int chunks = 40_000;
        var progress = 0;
        var starting = 0;
        var producer = Task.Run(() =>
        {
            for (var i = 0; i < chunks; i++)
            {
                var chunk = Encoding.ASCII.GetBytes($"{i:D8}\n");
                produced.Write(chunk);
                process.Emit(chunk);
                Volatile.Write(ref progress, i);

                // At each eighth, let the next reader start attaching, and race it.
                var spin = default(SpinWait);
                var until = DateTime.UtcNow.AddSeconds(10);
                while (i % (chunks / 8) == 0 && Volatile.Read(ref starting) <= i / (chunks / 8) && DateTime.UtcNow < until)
                    spin.SpinOnce();
            }

            process.Exit(0);
        });
        bool producerDone() => producer.IsCompleted;
        var readers = Enumerable.Range(0, 8).Select(n => Task.Run(async () =>
        {
            // Attach at different points of the production (the last ones may come after the exit).
            var deadline = DateTime.UtcNow.AddSeconds(20);
            var wait = new SpinWait();
            while (Volatile.Read(ref progress) < n * chunks / 8 && !producerDone() && DateTime.UtcNow < deadline)
                wait.SpinOnce();
            TerminalConnection client;
            try
            {
                Interlocked.Increment(ref starting);
                client = harness.Sessions.Attach(Request());
            }
            catch (ObjectDisposedException)
            {
                return Array.Empty<byte>();
            }

            using (client)
            {
                var received = new MemoryStream();
                await foreach (var chunk in client.ReadAllAsync(CancellationToken.None))
                    received.Write(chunk.Span);
                return received.ToArray();
            }
        })).ToList();
        await producer;

        // A reader that came after the exit started a new terminal: end it so its output ends too.
        harness.Sessions.Dispose();
        var all = produced.ToArray();
        var results = await Task.WhenAll(readers);
        foreach (var received in results)
        {
            // A client attached after the process ended got a new terminal (nothing in it); every other one an exact suffix.
            if (received.Length == 0)
                continue;
            Assert.True(received.Length <= all.Length);
            Assert.True(all.AsSpan(all.Length - received.Length).SequenceEqual(received), "a client saw a gap or a duplicate");
        }

        var firstBytes = new MemoryStream();
        await foreach (var chunk in first.ReadAllAsync(CancellationToken.None))
            firstBytes.Write(chunk.Span);
        Assert.Equal(all, firstBytes.ToArray());
        Assert.Contains(results, r => r.Length > 0 && r.Length < all.Length);
    }
}
