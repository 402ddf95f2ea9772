namespace Agent.Runtime.Ssh.Auth;

/// <summary>An authenticated login: the user name and what the login may do.</summary>
public sealed record SshLogin(string User, LoginRestrictions Restrictions);
