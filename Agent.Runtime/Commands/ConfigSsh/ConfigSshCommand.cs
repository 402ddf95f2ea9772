using System.CommandLine;
using System.Net;
using System.Text.Json;
using Agent.Reactive.Effects;
using Agent.Reactive.Protocol;
using Agent.Runtime.Commands.Options;
using Agent.Runtime.ControlPlane;
using Agent.Runtime.ControlPlaneClient;
using Agent.Runtime.Relay.Dialer;
using Agent.Runtime.Ssh.Keys;

namespace Agent.Runtime.Commands.ConfigSsh;

/// <summary>
/// <c>agent config-ssh --url URL --token T [--ssh-config-file F] [--known-hosts-file F]</c>: lists the agents, saves the
/// token to a private file, and writes a marked block into the ssh config with a <c>Host agent.NAME</c> entry per agent
/// (through <c>agent proxy</c>, host keys checked strictly) plus the agents' published host keys into a known-hosts file.
/// Run again, it replaces both blocks in place; the user's other lines stay byte for byte.
/// </summary>
public static class ConfigSshCommand
{
    private const UnixFileMode PrivateFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode PrivateDirectory = PrivateFile | UnixFileMode.UserExecute;
    private const long MaxFileBytes = 16 * 1024 * 1024;
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);

    public static Command Create() => Create(Environment.GetEnvironmentVariable, AgentExecutable.Find);

    /// <summary>The command with the environment and the agent binary's path supplied by the caller (specs pass their own).</summary>
    internal static Command Create(Func<string, string?> environment, Func<string?> agentBinary)
    {
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(agentBinary);
        var connection = new ClientConnectionOptions(environment);
        var sshConfig = new Option<string?>("--ssh-config-file") { Description = "The ssh config to write the Host entries into (default ~/.ssh/config)" };
        var knownHosts = new Option<string?>("--known-hosts-file") { Description = "The known-hosts file for the agents' host keys (default ~/.ssh/agent_known_hosts)" };
        var command = new Command("config-ssh", "Add a Host entry per agent to the ssh config (ssh agent.NAME), with the agents' host keys.");
        connection.AddTo(command);
        command.Options.Add(sshConfig);
        command.Options.Add(knownHosts);
        command.SetAction(async (result, cancellationToken) =>
        {
            var output = result.InvocationConfiguration.Output;
            var error = result.InvocationConfiguration.Error;
            if (!connection.TryResolve(result, out var url, out var token, out var problem))
                return Fail(error, problem);
            var binary = agentBinary();
            if (binary is null)
                return Fail(error, "cannot tell the path of the agent binary for ProxyCommand; run the agent's own executable (not dotnet agent.dll without the apphost)");
            var home = TokenStore.Home(environment);
            var configPath = ExpandHome(result.GetValue(sshConfig) ?? "~/.ssh/config", home);
            var knownHostsPath = ExpandHome(result.GetValue(knownHosts) ?? "~/.ssh/agent_known_hosts", home);

            IReadOnlyList<AgentSummary> agents;
            try
            {
                agents = await ListAgentsAsync(url, token, cancellationToken);
            }
            catch (Exception e) when (e is HttpRequestException or ControlPlaneException or JsonException or TaskCanceledException)
            {
                var reason = e is TaskCanceledException ? $"no answer within {RequestTimeout.TotalSeconds:0} s" : e.Message;
                return Fail(error, $"cannot list the agents at {RelayDialer.Describe(url)}: {reason}");
            }

            var usable = new List<AgentSummary>();
            foreach (var agent in agents)
            {
                if (SshConfigEntries.IsUsableName(agent.Name))
                    usable.Add(agent);
                else
                    await error.WriteLineAsync($"agent config-ssh: warning: skipping agent \"{agent.Name}\": the name cannot be an ssh host name");
            }

            try
            {
                var tokenFile = await TokenStore.SaveAsync(url, token, environment, cancellationToken);
                var hostKeys = usable.Select(agent => (agent.Name, Keys: (IReadOnlyList<string>)[.. agent.SshHostKeys.Where(key => PublicKeyLine.TryFields(key, out _, out _))])).ToList();
                await WriteBlockAsync(knownHostsPath, SshConfigEntries.KnownHosts(hostKeys), cancellationToken);
                var entries = SshConfigEntries.HostEntries(usable.Select(agent => agent.Name), binary, url, tokenFile, knownHostsPath);
                await WriteBlockAsync(configPath, entries, cancellationToken);

                await output.WriteLineAsync($"Saved the user token to {tokenFile}");
                await output.WriteLineAsync(usable.Count == 0
                    ? $"No agents at {RelayDialer.Describe(url)}; wrote an empty block to {configPath}"
                    : $"Wrote {Plural(usable.Count, "host")} to {configPath}: {string.Join(", ", usable.Select(agent => SshConfigEntries.HostName(agent.Name)))}");
                await output.WriteLineAsync($"Wrote {Plural(hostKeys.Sum(agent => agent.Keys.Count), "host key")} to {knownHostsPath}");
                foreach (var (name, keys) in hostKeys.Where(agent => agent.Keys.Count == 0))
                {
                    await error.WriteLineAsync(
                        $"agent config-ssh: warning: agent \"{name}\" has published no SSH host key; ssh {SshConfigEntries.HostName(name)} will refuse it until it does and config-ssh runs again");
                }

                if (usable.Count > 0)
                    await output.WriteLineAsync($"Connect with: ssh {SshConfigEntries.HostName(usable[0].Name)}");
                return 0;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or ArgumentException)
            {
                return Fail(error, e.Message);
            }
        });
        return command;
    }

    private static async Task<IReadOnlyList<AgentSummary>> ListAgentsAsync(Uri url, string token, CancellationToken cancellationToken)
    {
        using var http = TokenHttpClient.Create(RequestTimeout, RequestTimeout);
        var address = new Uri($"{RelayDialer.Describe(url).TrimEnd('/')}/api/v2/workspaceagents");
        using var request = new HttpRequestMessage(HttpMethod.Get, address);
        request.Headers.Add(SessionTokenHeader.Name, token);
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            var message = TryErrorMessage(body);
            var status = $"{(int)response.StatusCode} {response.ReasonPhrase}";
            var explained = response.StatusCode == HttpStatusCode.Unauthorized ? $"the control plane refused the user token ({status})" : status;
            throw new ControlPlaneException(response.StatusCode, message is null ? explained : $"{explained}: {message}");
        }

        return JsonSerializer.Deserialize(body, ControlPlaneJsonContext.Default.IReadOnlyListAgentSummary)
            ?? throw new JsonException("the agent list is null");
    }

    private static string? TryErrorMessage(string body)
    {
        try
        {
            return JsonSerializer.Deserialize(body, AgentJsonContext.Default.ErrorResponse)?.Message;
        }
        catch (JsonException)
        {
            // Not Coder's error shape; the status says enough.
            return null;
        }
    }

    private static async Task WriteBlockAsync(string path, string body, CancellationToken cancellationToken)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        AtomicFile.EnsureDirectory(directory, PrivateDirectory);
        byte[] existing = [];
        if (File.Exists(path))
        {
            if (new FileInfo(path).Length > MaxFileBytes)
                throw new IOException($"{path} is larger than {MaxFileBytes / 1024 / 1024} MiB; not touching it");
            existing = await File.ReadAllBytesAsync(path, cancellationToken);
        }

        byte[] updated;
        try
        {
            updated = ManagedBlock.Apply(existing, SshConfigEntries.StartMarker, SshConfigEntries.EndMarker, body);
        }
        catch (FormatException e)
        {
            throw new FormatException($"{path}: {e.Message}", e);
        }

        if (!updated.AsSpan().SequenceEqual(existing))
            await AtomicFile.WriteAsync(path, updated, PrivateFile, cancellationToken);
    }

    private static string ExpandHome(string path, string home)
        => path == "~" ? home : path.StartsWith("~/", StringComparison.Ordinal) ? Path.Join(home, path[2..]) : Path.GetFullPath(path);

    private static string Plural(int count, string noun) => count == 1 ? $"1 {noun}" : $"{count} {noun}s";

    private static int Fail(TextWriter error, string reason)
    {
        error.WriteLine($"agent config-ssh: {reason}");
        error.Flush();
        return 1;
    }
}
