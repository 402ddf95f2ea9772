namespace Agent.Runtime.Ssh.Auth;

/// <summary>An authenticated login: the user name, what the login may do and the SHA-256 fingerprint of the key it used (<c>null</c> when the relay vouched for it).</summary>
public sealed record SshLogin(string User, LoginRestrictions Restrictions, string? KeyFingerprint = null);
