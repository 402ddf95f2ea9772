using Agent.Runtime.Ssh.Channels;

namespace Agent.Runtime.Sshd.Sftp;

/// <summary>
/// Open SFTP handles (files and directories) that the sessions sharing this budget may hold together: every SFTP
/// channel of one SSH connection takes from the same budget, so opening more channels does not open more files.
/// Thread-safe: the channels of a connection run concurrently.
/// </summary>
public sealed class SftpHandleBudget
{
    /// <summary>Handles per SSH connection, all its SFTP channels together.</summary>
    public const int DefaultPerConnection = 256;

    private int _taken;

    public SftpHandleBudget(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Capacity = capacity;
    }

    public int Capacity { get; }

    /// <summary>Handles held now.</summary>
    public int Taken => Volatile.Read(ref _taken);

    /// <summary>The budget of <paramref name="connection"/>, made on first use and dropped with the connection.</summary>
    public static SftpHandleBudget Of(SshChannelMultiplexer connection, int capacity = DefaultPerConnection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        return (SftpHandleBudget)connection.Items.GetOrAdd("Agent.Ssh.Sftp.HandleBudget", _ => new SftpHandleBudget(capacity));
    }

    /// <summary>Takes one handle; false when all are taken.</summary>
    public bool TryTake()
    {
        while (true)
        {
            var taken = Volatile.Read(ref _taken);
            if (taken >= Capacity)
                return false;
            if (Interlocked.CompareExchange(ref _taken, taken + 1, taken) == taken)
                return true;
        }
    }

    /// <summary>Gives back <paramref name="count"/> handles (closed, or their session ended).</summary>
    public void Release(int count = 1)
    {
        if (Interlocked.Add(ref _taken, -count) < 0)
            throw new InvalidOperationException("more SFTP handles released than taken");
    }
}
