using System.CommandLine;
using Agent.Reactive.Protocol;
using Agent.Runtime.Hosting;
using Agent.Runtime.Ssh.Auth;
using Agent.Runtime.Ssh.Connection;
using Agent.Runtime.Ssh.Keys;
using Agent.Runtime.Ssh.Server;
using Microsoft.Extensions.Logging;
using Serilog.Events;

namespace Agent.Runtime.Cli;

/// <summary>
/// <c>agent ssh-server --inetd</c>: one SSH connection on stdin/stdout, like <c>sshd -i</c> (socket activation,
/// <c>ProxyCommand</c>, specs). Logs go to stderr only: stdout carries the protocol. Exit status 0 when the
/// connection ran its course, 255 when it failed, as sshd's.
/// </summary>
public static class SshServerCommand
{
    public static Command Create()
    {
        var inetd = new Option<bool>("--inetd") { Description = "Serve one connection on stdin/stdout (required: the only mode of this command)" };
        var hostKeyDirectory = new Option<string?>("--host-key-dir") { Description = "Directory of the host keys (created with new keys when missing; default <data dir>/ssh)" };
        var authorizedKeys = new Option<string?>("--authorized-keys") { Description = "Keys that may log in (default ~/.ssh/authorized_keys)" };
        var logLevel = new Option<LogEventLevel>("--log-level") { DefaultValueFactory = _ => LogEventLevel.Warning, Description = "Minimum level of the log on stderr" };
        var command = new Command("ssh-server", "Serve one SSH connection on stdin/stdout, like sshd -i.")
        {
            inetd, hostKeyDirectory, authorizedKeys, logLevel,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            if (!result.GetValue(inetd))
            {
                await Console.Error.WriteLineAsync("agent ssh-server: only --inetd is supported (for listeners use agent run --ssh-address)");
                return 2;
            }

            using var loggerFactory = AgentLogging.Create(LogFormat.Human, result.GetValue(logLevel), logFile: null);
            var environment = AgentHost.Environment(Path.GetTempPath());
            var keys = result.GetValue(hostKeyDirectory) ?? Path.Join(RunCommand.DefaultDataDirectory(), "ssh");
            using var hostKeys = HostKeyStore.LoadOrCreateIn(keys, loggerFactory.CreateLogger("Agent.Ssh"));
            var settings = new SshServerSettings(
                SshAuthenticationMode.PublicKey,
                result.GetValue(authorizedKeys) ?? Path.Join(environment.HomeDirectory, ".ssh", "authorized_keys"));
            await using var server = SshServerFactory.Create(
                settings,
                hostKeys,
                () => new SshSessionEnvironmentSnapshot(new Manifest(), environment, string.Empty),
                counters: null,
                loggerFactory);
            await using var stdio = new StdioStream(Console.OpenStandardInput(), Console.OpenStandardOutput());

            // sshd -i exits 255 when the connection failed (a client that is no SSH 2.0 client, a failed exchange).
            return await server.ServeAsync(stdio, local: null, remote: null, cancellationToken) ? 0 : 255;
        });
        return command;
    }
}
