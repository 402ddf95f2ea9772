namespace Agent.Runtime.Ssh.Auth;

/// <summary>How clients authenticate.</summary>
public enum SshAuthenticationMode
{
    /// <summary>Public keys only, checked by an authorizer and a signature verifier (a direct listener).</summary>
    PublicKey,

    /// <summary>Everyone is accepted without credentials (behind the control plane's relay, which authenticated them).</summary>
    Trusted,
}
