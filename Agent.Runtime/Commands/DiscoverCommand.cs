using System.CommandLine;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Agent.Runtime.ControlPlane;
using Agent.Runtime.Discovery;

namespace Agent.Runtime.Commands;

/// <summary>
/// <c>agent discover [--timeout 3s] [--json] [--known-hosts | --known-hosts-file PATH]</c>: finds the agents that
/// announce themselves on the LAN (<c>agent run --discovery</c>) by SSDP and DNS-SD, lists their names, SSH addresses
/// and host-key fingerprints, and on request adds their keys to known_hosts. Discovery is unauthenticated: what it
/// writes is trust on first use. Exit 0 when at least one agent was found, 1 when none, 2 for bad options.
/// </summary>
public static class DiscoverCommand
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(3);
    public static readonly TimeSpan MaxTimeout = TimeSpan.FromSeconds(60);

    public static Command Create()
    {
        var timeout = new Option<string?>("--timeout") { Description = "How long to wait for answers (default 3s, at most 60s)" };
        var json = new Option<bool>("--json") { Description = "Print the agents as a JSON array" };
        var knownHosts = new Option<bool>("--known-hosts") { Description = "Add the agents' host keys to ~/.ssh/known_hosts (trust on first use: anyone on the LAN can announce)" };
        var knownHostsFile = new Option<string?>("--known-hosts-file") { Description = "Add the host keys to this file instead of ~/.ssh/known_hosts (implies --known-hosts)" };
        var command = new Command("discover", "Find agents on the local network (SSDP and DNS-SD) and list their SSH addresses and host-key fingerprints.")
        {
            timeout, json, knownHosts, knownHostsFile,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            var output = result.InvocationConfiguration.Output;
            var error = result.InvocationConfiguration.Error;
            var wait = DefaultTimeout;
            var given = result.GetValue(timeout);
            if (given is not null && (!GoDuration.TryParse(given, out wait) || wait <= TimeSpan.Zero || wait > MaxTimeout))
            {
                await error.WriteLineAsync($"agent discover: --timeout \"{given}\" is not a duration between 1ms and 60s (examples: 500ms, 3s)");
                return 2;
            }

            var agents = await LanSearch.SearchAsync(wait, cancellationToken);
            await output.WriteAsync(result.GetValue(json) ? ToJson(agents) : ToText(agents));
            if (agents.Count == 0)
                await error.WriteLineAsync("agent discover: no agents found");
            foreach (var agent in agents.Where(agent => agent.Problem is not null))
                await error.WriteLineAsync($"agent discover: warning: {agent.Name} at {agent.Location}: {agent.Problem}; not trusted");
            var file = result.GetValue(knownHostsFile);
            if (file is not null || result.GetValue(knownHosts))
            {
                file ??= Path.Join(Environment.GetEnvironmentVariable("HOME") ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".ssh", "known_hosts");
                var added = KnownHostsFile.Add(file, agents);
                await error.WriteLineAsync($"agent discover: {added} host key line(s) added to {file}");
            }

            return agents.Count == 0 ? 1 : 0;
        });
        return command;
    }

    /// <summary>One block per agent: name, SSH address, how it was found, then one line per host key.</summary>
    public static string ToText(IEnumerable<DiscoveredAgent> agents)
    {
        var text = new StringBuilder();
        foreach (var agent in agents)
        {
            text.Append(agent.Name).Append("  ssh ").Append(agent.SshAddress).Append("  (").Append(agent.FoundBy).Append(')').Append('\n');
            foreach (var key in agent.Keys)
                text.Append("  ").Append(key.Fingerprint).Append(' ').Append(key.Type).Append('\n');
        }

        return text.ToString();
    }

    /// <summary>A JSON array: <c>name</c>, <c>ssh_address</c>, <c>host</c>, <c>port</c>, <c>found_by</c>, <c>location</c>, <c>problem</c>, <c>host_keys</c> (<c>type</c>, <c>fingerprint</c>, <c>key</c>).</summary>
    public static string ToJson(IEnumerable<DiscoveredAgent> agents)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartArray();
            foreach (var agent in agents)
            {
                writer.WriteStartObject();
                writer.WriteString("name", agent.Name);
                writer.WriteString("ssh_address", agent.SshAddress);
                writer.WriteString("host", agent.SshHost);
                writer.WriteNumber("port", agent.SshPort);
                writer.WriteString("found_by", agent.FoundBy);
                writer.WriteString("location", agent.Location.ToString());
                writer.WriteString("problem", agent.Problem);
                writer.WriteStartArray("host_keys");
                foreach (var key in agent.Keys)
                {
                    writer.WriteStartObject();
                    writer.WriteString("type", key.Type);
                    writer.WriteString("fingerprint", key.Fingerprint);
                    writer.WriteString("key", key.Base64);
                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }
}
