using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Agent.Specs.Integration;
using Agent.Specs.Utilities;

namespace Agent.Specs.Runtime.Sshd.Forwarding;

/// <summary>
/// The real OpenSSH client against a real agent: <c>ssh</c> reaches <c>agent ssh-server --inetd</c> through
/// <c>ProxyCommand</c> (one agent process per connection), authenticating with a fresh ed25519 key. The process
/// is killed with the spec; stdout and stderr lines are kept apart.
/// </summary>
public sealed class OpenSshClient : IDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _stdout = new();
    private readonly ConcurrentQueue<string> _stderr = new();

    private OpenSshClient(Process process)
    {
        _process = process;
    }

    public string Stdout => string.Join('\n', _stdout);

    public string Stderr => string.Join('\n', _stderr);

    public bool HasExited => _process.HasExited;

    /// <summary>The <c>ssh</c> process (the agent behind <c>ProxyCommand</c> is its child).</summary>
    public int ProcessId => _process.Id;

    public StreamWriter Stdin => _process.StandardInput;

    /// <summary>Creates the client key, authorized_keys and host key directory in <paramref name="directory"/>.</summary>
    public static void Prepare(TempDirectory directory)
    {
        Run("ssh-keygen", "-q", "-t", "ed25519", "-N", string.Empty, "-C", "forwarding-spec", "-f", directory.Combine("id"));
        File.Copy(directory.Combine("id.pub"), directory.Combine("authorized_keys"));
        Directory.CreateDirectory(directory.Combine("hostkeys"));
    }

    /// <summary>Starts <c>ssh</c> with <paramref name="arguments"/> (options, then an optional command) towards the agent.</summary>
    public static OpenSshClient Start(TempDirectory directory, IReadOnlyDictionary<string, string>? environment, params string[] arguments)
        => Start(directory, null, environment, arguments);

    /// <summary>Starts <c>ssh</c> towards an agent listening on 127.0.0.1:<paramref name="port"/> (<c>--ssh-address</c>), or through <c>ProxyCommand</c> when <c>null</c>.</summary>
    public static OpenSshClient Start(TempDirectory directory, int? port, IReadOnlyDictionary<string, string>? environment, params string[] arguments)
        => Start(directory, port, launcher: [], user: null, environment, arguments);

    /// <summary>
    /// Starts <c>ssh</c> as <paramref name="launcher"/> followed by <c>ssh ARGS</c> (a program that runs it, such as a
    /// terminal wrapper), logging in as <paramref name="user"/> (<c>user@host</c>) when given.
    /// </summary>
    public static OpenSshClient Start(TempDirectory directory, int? port, IReadOnlyList<string> launcher, string? user, IReadOnlyDictionary<string, string>? environment, params string[] arguments)
    {
        // ssh sends SIGHUP to its ProxyCommand when it exits; a server behind a network connection would only see the
        // connection end, so the agent ignores it here and ends the way it would over TCP: on end of input.
        var proxy = $"sh -c 'trap \"\" HUP; exec dotnet {AgentBinary.Path} ssh-server --inetd --log-level Debug --host-key-dir {directory.Combine("hostkeys")} --authorized-keys {directory.Combine("authorized_keys")}'";
        var info = new ProcessStartInfo(launcher.Count == 0 ? "ssh" : launcher[0])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        if (launcher.Count > 0)
        {
            foreach (var argument in launcher.Skip(1))
                info.ArgumentList.Add(argument);
            info.ArgumentList.Add("ssh");
        }

        foreach (var argument in new[]
        {
            "-F", "/dev/null", "-i", directory.Combine("id"), "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes",
            "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=VERBOSE",
        })
            info.ArgumentList.Add(argument);
        string[] target = port is { } tcp ? ["-p", tcp.ToString(CultureInfo.InvariantCulture)] : ["-o", $"ProxyCommand={proxy}"];
        foreach (var argument in target)
            info.ArgumentList.Add(argument);

        // ssh keeps the first value of an option: the default goes in only when the spec does not choose.
        if (!arguments.Any(a => a.StartsWith("ExitOnForwardFailure", StringComparison.Ordinal)))
        {
            info.ArgumentList.Add("-o");
            info.ArgumentList.Add("ExitOnForwardFailure=yes");
        }

        var hostIndex = Array.IndexOf(arguments, "--");
        foreach (var argument in hostIndex < 0 ? arguments : arguments[..hostIndex])
            info.ArgumentList.Add(argument);
        var host = port is null ? "workspace" : "127.0.0.1";
        info.ArgumentList.Add(user is null ? host : $"{user}@{host}");
        if (hostIndex >= 0)
        {
            foreach (var argument in arguments[(hostIndex + 1)..])
                info.ArgumentList.Add(argument);
        }

        info.Environment.Remove("SSH_AUTH_SOCK");
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
            info.Environment[name] = value;
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var client = new OpenSshClient(process);
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) client._stdout.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) client._stderr.Enqueue(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return client;
    }

    /// <summary>Runs a program to its end and returns its stdout; throws with its stderr when it fails.</summary>
    public static string Run(string program, params string[] arguments) => Run(null, program, arguments);

    public static string Run(IReadOnlyDictionary<string, string>? environment, string program, params string[] arguments)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
            info.ArgumentList.Add(argument);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
            info.Environment[name] = value;
        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(30_000))
        {
            process.Kill();
            throw new TimeoutException($"{program} did not finish");
        }

        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{program} exited {process.ExitCode}: {stderr.Result}");
        return stdout;
    }

    /// <summary>Awaits <paramref name="task"/>; a timeout carries what ssh (and the agent behind it) printed.</summary>
    public async Task<T> WithOutputAsync<T>(Task<T> task)
    {
        try
        {
            return await task;
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message}\n--- ssh stdout ---\n{Stdout}\n--- ssh stderr ---\n{Stderr}", e);
        }
    }

    public Task WithOutputAsync(Task task) => WithOutputAsync(task.ContinueWith(t => { t.GetAwaiter().GetResult(); return true; }, TaskScheduler.Default));

    /// <summary>Waits for a stderr line containing <paramref name="text"/> and returns it.</summary>
    public async Task<string> WaitForStderrAsync(string text)
    {
        await WithOutputAsync(Eventually.WaitAsync(() => _stderr.Any(line => line.Contains(text, StringComparison.Ordinal)) || _process.HasExited, $"ssh to print \"{text}\""));
        if (_process.HasExited)
            await _process.WaitForExitAsync(); // Drains the output read asynchronously.
        return _stderr.FirstOrDefault(line => line.Contains(text, StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"ssh exited without printing \"{text}\":\n{Stderr}");
    }

    public Task WaitForStdoutAsync(string text)
        => WithOutputAsync(Eventually.WaitAsync(() => _stdout.Any(line => line.Contains(text, StringComparison.Ordinal)), $"ssh to print \"{text}\" on stdout"));

    public async Task<int> WaitForExitAsync()
    {
        using var cancel = new CancellationTokenSource(Eventually.DefaultTimeout);
        try
        {
            await _process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"ssh did not exit\n{Stderr}");
        }

        return _process.ExitCode;
    }

    /// <summary>Kills ssh alone, as a client vanishing: the agent behind it sees its input end.</summary>
    public void KillClientOnly()
    {
        try
        {
            _process.Kill(entireProcessTree: false);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    public void Kill()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }
}
