using Agent.Runtime.Ssh.Channels;
using Agent.Runtime.Ssh.Wire;

namespace Agent.Runtime.Sshd.Session;

/// <summary>
/// The <c>session</c> channel type (RFC 4254 section 6.1) as a handler to register with the connection's other
/// channel types (<see cref="Ssh.Connection.SshConnectionOptions.ChannelTypes"/>).
/// </summary>
public static class SshSessionChannelType
{
    /// <summary>The channel type of interactive sessions (exec, shell, subsystems).</summary>
    public const string Name = SshChannelLimits.SessionType;

    /// <summary>Opens <see cref="SshSession"/>s with <paramref name="options"/>.</summary>
    public static SshChannelOpenHandler Handler(SshSessionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return (channel, data, _) => Open(channel, data, options);
    }

    /// <summary><paramref name="channelTypes"/> and the <c>session</c> type with <paramref name="options"/>.</summary>
    public static IReadOnlyDictionary<string, SshChannelOpenHandler> With(IReadOnlyDictionary<string, SshChannelOpenHandler> channelTypes, SshSessionOptions options)
    {
        ArgumentNullException.ThrowIfNull(channelTypes);
        return new Dictionary<string, SshChannelOpenHandler>(channelTypes, StringComparer.Ordinal) { [Name] = Handler(options) };
    }

    // RFC 4254 §6.1 SSH_MSG_CHANNEL_OPEN "session": no type-specific fields after the window and packet sizes.
    private static ValueTask<SshChannelOpenResult> Open(SshChannel channel, ReadOnlyMemory<byte> data, SshSessionOptions options)
    {
        if (!data.IsEmpty)
            throw new SshProtocolException("a session channel open with extra fields");
        return ValueTask.FromResult(SshChannelOpenResult.Accept(new SshSession(channel, options, options.Logger)));
    }
}
