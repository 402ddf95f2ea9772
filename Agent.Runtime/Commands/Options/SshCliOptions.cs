using System.CommandLine;
using System.Net;
using Agent.Runtime.ControlPlane;
using Agent.Runtime.Hosting;
using Agent.Runtime.Ssh.Auth;
using Agent.Runtime.Sshd.Server;
using Microsoft.Extensions.Logging;

namespace Agent.Runtime.Commands.Options;

/// <summary>The SSH options of <c>agent run</c> and <c>agent dev</c>.</summary>
public sealed class SshCliOptions
{
    public Option<string[]> Addresses { get; } = new("--ssh-address")
    {
        Description = "Serve SSH on HOST:PORT (repeatable; port 0 picks one). Only public keys (--authorized-keys, with their options) and certificates (cert-authority lines, --trusted-user-ca-keys)",
        Arity = ArgumentArity.ZeroOrMore,
    };

    public Option<string?> AuthorizedKeys { get; } = new("--authorized-keys")
    {
        Description = "Keys that may log in over SSH (default ~/.ssh/authorized_keys; read at every attempt)",
    };

    public Option<string?> TrustedUserCaKeys { get; } = TrustedUserCaKeysOption();

    public Option<bool> PermitUserEnvironment { get; } = PermitUserEnvironmentOption();

    public Option<string?> MaxTimeout { get; } = new("--ssh-max-timeout")
    {
        Description = "Absolute lifetime of an SSH connection, e.g. 8h (env CODER_AGENT_SSH_MAX_TIMEOUT; default none)",
    };

    public HostKeyOptions HostKeys { get; } = new();

    public BlockOptions Blocks { get; } = new();

    /// <summary><c>--trusted-user-ca-keys FILE</c> (sshd's <c>TrustedUserCAKeys</c>), shared with <c>agent ssh-server</c>.</summary>
    public static Option<string?> TrustedUserCaKeysOption() => new("--trusted-user-ca-keys")
    {
        Description = "CA public keys whose user certificates may log in when a principal is the login user (like sshd's TrustedUserCAKeys; read at every attempt)",
    };

    /// <summary><c>--permit-user-environment</c> (sshd's <c>PermitUserEnvironment yes</c>), shared with <c>agent ssh-server</c>.</summary>
    public static Option<bool> PermitUserEnvironmentOption() => new("--permit-user-environment")
    {
        Description = "Apply the environment=\"NAME=value\" options of authorized_keys lines (like sshd's PermitUserEnvironment; off by default)",
    };

    /// <summary>The full path of <c>--trusted-user-ca-keys</c>, or <paramref name="error"/> when the file is not there.</summary>
    public static string? TrustedUserCaKeysPath(string? value, out string? error)
    {
        error = null;
        if (value is null)
            return null;
        var path = Path.GetFullPath(value);
        if (!File.Exists(path))
            error = $"--trusted-user-ca-keys: no file at {path}";
        return path;
    }

    public void AddTo(Command command)
    {
        command.Options.Add(Addresses);
        command.Options.Add(AuthorizedKeys);
        command.Options.Add(TrustedUserCaKeys);
        command.Options.Add(PermitUserEnvironment);
        command.Options.Add(MaxTimeout);
        HostKeys.AddTo(command);
        Blocks.AddTo(command);
    }

    /// <summary>
    /// Reads the SSH options and loads the host keys (<see cref="HostKeyOptions"/>; default <c>&lt;data dir&gt;/ssh</c>): SSH is always served
    /// through the relay, and on the <c>--ssh-address</c> listeners when given. A bad option gives <paramref name="error"/> and <c>null</c>.
    /// </summary>
    public SshSetup? Prepare(ParseResult result, string dataDirectory, ILoggerFactory loggerFactory, out string? error)
    {
        error = null;
        var addresses = result.GetValue(Addresses) ?? [];
        var endpoints = new List<IPEndPoint>();
        foreach (var address in addresses)
        {
            try
            {
                endpoints.Add(SshListenAddress.Parse(address));
            }
            catch (FormatException e)
            {
                error = e.Message;
                return null;
            }
        }

        TimeSpan? lifetime = null;
        if (EnvironmentDefaults.OptionOrFirst("--ssh-max-timeout", result.GetValue(MaxTimeout), "CODER_AGENT_SSH_MAX_TIMEOUT") is { } given)
        {
            if (!GoDuration.TryParse(given.Value, out var timeout) || timeout < TimeSpan.Zero)
            {
                error = $"{given.Source} \"{given.Value}\" is not a duration (examples: 30m, 8h; 0 for none)";
                return null;
            }

            lifetime = timeout == TimeSpan.Zero ? null : timeout;
        }

        var authorities = TrustedUserCaKeysPath(result.GetValue(TrustedUserCaKeys), out error);
        var blocks = error is null ? Blocks.Read(result, out error) : null;
        if (error is not null)
            return null;
        var home = Environment.GetEnvironmentVariable("HOME") ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        var authorizedKeys = result.GetValue(AuthorizedKeys) ?? Path.Join(home, ".ssh", "authorized_keys");
        var hostKeys = HostKeys.Load(result, Path.Join(dataDirectory, "ssh"), loggerFactory.CreateLogger("Agent.Ssh"), out error);
        return hostKeys is null ? null : new SshSetup(hostKeys, endpoints, new SshServerSettings(SshAuthenticationMode.PublicKey, authorizedKeys, lifetime, TrustedUserCaKeysFile: authorities, PermitUserEnvironment: result.GetValue(PermitUserEnvironment), Blocks: blocks));
    }
}
