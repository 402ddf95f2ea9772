using System.CommandLine;
using Agent.Reactive.Protocol;
using Agent.Runtime.Commands.Options;
using Agent.Runtime.Hosting;
using Agent.Runtime.Ssh.Auth;
using Agent.Runtime.Sshd.Server;
using Agent.Runtime.Sshd.Session;
using Serilog.Events;

namespace Agent.Runtime.Commands;

/// <summary>
/// <c>agent ssh-server --inetd</c>: one SSH connection on stdin/stdout, like <c>sshd -i</c> (socket activation,
/// <c>ProxyCommand</c>, specs). Logs go to stderr only: stdout carries the protocol. Sessions see the socket's
/// addresses in <c>SSH_CLIENT</c>/<c>SSH_CONNECTION</c>, or sshd's <c>UNKNOWN 65535</c> values on a pipe (<see cref="InetdPeer"/>).
/// Exit status 0 when the connection ran its course, 255 when it failed, as sshd's.
/// </summary>
public static class SshServerCommand
{
    public static Command Create()
    {
        var inetd = new Option<bool>("--inetd") { Description = "Serve one connection on stdin/stdout (required: the only mode of this command)" };
        var hostKeys = new HostKeyOptions();
        var authorizedKeys = new Option<string?>("--authorized-keys") { Description = "Keys that may log in (default ~/.ssh/authorized_keys)" };
        var trustedUserCaKeys = SshCliOptions.TrustedUserCaKeysOption();
        var permitUserEnvironment = SshCliOptions.PermitUserEnvironmentOption();
        var logLevel = new Option<LogEventLevel>("--log-level") { DefaultValueFactory = _ => LogEventLevel.Warning, Description = "Minimum level of the log on stderr" };
        var command = new Command("ssh-server", "Serve one SSH connection on stdin/stdout, like sshd -i.")
        {
            inetd, authorizedKeys, trustedUserCaKeys, permitUserEnvironment, logLevel,
        };
        hostKeys.AddTo(command);
        var blocks = new BlockOptions();
        blocks.AddTo(command);
        command.SetAction(async (result, cancellationToken) =>
        {
            if (!result.GetValue(inetd))
            {
                await Console.Error.WriteLineAsync("agent ssh-server: only --inetd is supported (for listeners use agent run --ssh-address)");
                return 2;
            }

            var authorities = SshCliOptions.TrustedUserCaKeysPath(result.GetValue(trustedUserCaKeys), out var error);
            var blocked = error is null ? blocks.Read(result, out error) : null;
            if (error is not null)
            {
                await Console.Error.WriteLineAsync($"agent ssh-server: {error}");
                return 2;
            }

            using var loggerFactory = AgentLogging.Create(LogFormat.Human, result.GetValue(logLevel), logFile: null);
            ProcessPriorityStartup.Apply(loggerFactory);
            var environment = AgentHost.Environment(Path.GetTempPath());
            using var keys = hostKeys.Load(result, Path.Join(RunCommand.DefaultDataDirectory(), "ssh"), loggerFactory.CreateLogger("Agent.Ssh"), out var keyError);
            if (keys is null)
            {
                await Console.Error.WriteLineAsync($"agent ssh-server: {keyError}");
                return 2;
            }

            var settings = new SshServerSettings(
                SshAuthenticationMode.PublicKey,
                result.GetValue(authorizedKeys) ?? Path.Join(environment.HomeDirectory, ".ssh", "authorized_keys"),
                AddresslessClient: InetdPeer.UnknownAddresses,
                TrustedUserCaKeysFile: authorities,
                PermitUserEnvironment: result.GetValue(permitUserEnvironment),
                Blocks: blocked);
            await using var server = SshServerFactory.Create(
                settings,
                keys,
                () => new SshSessionEnvironmentSnapshot(new Manifest(), environment, string.Empty),
                counters: null,
                loggerFactory);
            await using var stdio = new StdioStream(Console.OpenStandardInput(), Console.OpenStandardOutput());
            var peer = InetdPeer.OfStandardStreams();

            // sshd -i exits 255 when the connection failed (a client that is no SSH 2.0 client, a failed exchange).
            return await server.ServeAsync(stdio, peer?.Local, peer?.Remote, cancellationToken) ? 0 : 255;
        });
        return command;
    }
}
