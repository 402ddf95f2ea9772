using Agent.Runtime.Ssh.Channels;

namespace Agent.Runtime.Sshd.Session;

/// <summary>A session request handled by an extension, with a way to add variables to the session's process.</summary>
public sealed class SshSessionRequest
{
    private readonly List<KeyValuePair<string, string>> _environment;

    internal SshSessionRequest(SshChannel channel, SshChannelRequest request, List<KeyValuePair<string, string>> environment)
    {
        Channel = channel;
        Request = request;
        _environment = environment;
    }

    /// <summary>The session channel (its connection opens channels back to the client, e.g. for agent forwarding).</summary>
    public SshChannel Channel { get; }

    public SshChannelRequest Request { get; }

    /// <summary>Adds a variable for the process the session starts later (e.g. <c>SSH_AUTH_SOCK</c>).</summary>
    public void SetEnvironment(string name, string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(value);
        _environment.Add(new KeyValuePair<string, string>(name, value));
    }
}
