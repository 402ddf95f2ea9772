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
/// <c>ProxyCommand</c>, specs). Logs go to stderr only: stdout carries the protocol.
/// </summary>
public static class SshServerCommand
{
    public static Command Create()
    {
        var inetd = new Option<bool>("--inetd") { Description = "Serve one connection on stdin/stdout (required: the only mode of this command)" };
        var hostKeyDirectory = new Option<string?>("--host-key-dir") { Description = "Directory of the host keys (created with new keys when missing; default <data dir>/ssh)" };
        var authorizedKeys = new Option<string?>("--authorized-keys") { Description = "Keys that may log in (default ~/.ssh/authorized_keys)" };
        var trustedUserCaKeys = SshCliOptions.TrustedUserCaKeysOption();
        var logLevel = new Option<LogEventLevel>("--log-level") { DefaultValueFactory = _ => LogEventLevel.Warning, Description = "Minimum level of the log on stderr" };
        var command = new Command("ssh-server", "Serve one SSH connection on stdin/stdout, like sshd -i.")
        {
            inetd, hostKeyDirectory, authorizedKeys, trustedUserCaKeys, logLevel,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            if (!result.GetValue(inetd))
            {
                await Console.Error.WriteLineAsync("agent ssh-server: only --inetd is supported (for listeners use agent run --ssh-address)");
                return 2;
            }

            var authorities = SshCliOptions.TrustedUserCaKeysPath(result.GetValue(trustedUserCaKeys), out var error);
            if (error is not null)
            {
                await Console.Error.WriteLineAsync($"agent ssh-server: {error}");
                return 2;
            }

            using var loggerFactory = AgentLogging.Create(LogFormat.Human, result.GetValue(logLevel), logFile: null);
            var environment = AgentHost.Environment(Path.GetTempPath());
            var keys = result.GetValue(hostKeyDirectory) ?? Path.Join(RunCommand.DefaultDataDirectory(), "ssh");
            using var hostKeys = HostKeyStore.LoadOrCreateIn(keys, loggerFactory.CreateLogger("Agent.Ssh"));
            var settings = new SshServerSettings(
                SshAuthenticationMode.PublicKey,
                result.GetValue(authorizedKeys) ?? Path.Join(environment.HomeDirectory, ".ssh", "authorized_keys"),
                TrustedUserCaKeysFile: authorities);
            await using var server = SshServerFactory.Create(
                settings,
                hostKeys,
                () => new SshSessionEnvironmentSnapshot(new Manifest(), environment, string.Empty),
                counters: null,
                loggerFactory);
            await using var stdio = new StdioStream(Console.OpenStandardInput(), Console.OpenStandardOutput());
            await server.ServeAsync(stdio, local: null, remote: null, cancellationToken);
            return 0;
        });
        return command;
    }
}
