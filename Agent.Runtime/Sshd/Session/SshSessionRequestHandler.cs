namespace Agent.Runtime.Sshd.Session;

/// <summary>Handles one extra session request type; the result is the reply (SUCCESS or FAILURE).</summary>
public delegate ValueTask<bool> SshSessionRequestHandler(SshSessionRequest request, CancellationToken cancellationToken);
