using Agent.Runtime.Ssh.Auth;
using Agent.Runtime.Sshd.Audit;

namespace Agent.Runtime.Sshd.Server;

/// <summary>How the SSH server is set up.</summary>
/// <param name="Authentication">Public keys for direct listeners; trusted only behind the control plane's relay.</param>
/// <param name="AuthorizedKeysFile">The keys that may log in (read at every attempt, like sshd).</param>
/// <param name="MaxConnectionLifetime">Absolute lifetime of a connection (<c>--ssh-max-timeout</c>); <c>null</c> for none.</param>
/// <param name="AddresslessClient">
/// <c>SSH_CLIENT</c> and <c>SSH_CONNECTION</c> of sessions on a connection without IP addresses; <c>null</c> for Coder's placeholders.
/// </param>
/// <param name="TrustedUserCaKeysFile">
/// CA keys whose user certificates may log in when a principal is the login user (<c>--trusted-user-ca-keys</c>, sshd's
/// <c>TrustedUserCAKeys</c>; read at every attempt); <c>null</c> for none.
/// </param>
/// <param name="PermitUserEnvironment">Whether authorized_keys <c>environment=</c> options are applied (sshd's <c>PermitUserEnvironment</c>).</param>
/// <param name="Blocks">What is refused (<c>--block-file-transfer</c>, <c>--block-port-forwarding</c>); <c>null</c> for nothing.</param>
public sealed record SshServerSettings(
    SshAuthenticationMode Authentication,
    string AuthorizedKeysFile,
    TimeSpan? MaxConnectionLifetime = null,
    (string Client, string Connection)? AddresslessClient = null,
    string? TrustedUserCaKeysFile = null,
    bool PermitUserEnvironment = false,
    SshBlocks? Blocks = null)
{
    /// <summary>Sessions wait while it is closed (the agent's <c>start_blocks_login</c> scripts run); null: never.</summary>
    public Agent.Reactive.Scripts.LoginGate? LoginGate { get; init; }
}
