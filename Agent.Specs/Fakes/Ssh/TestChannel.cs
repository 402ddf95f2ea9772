using System.Text;

namespace Agent.Specs.Fakes.Ssh;

/// <summary>What the spec client saw on one channel (updated by its reading loop; read under the client's lock).</summary>
public sealed class TestChannel
{
    public TestChannel(uint localId, uint window)
    {
        LocalId = localId;
        LocalWindow = window;
    }

    public uint LocalId { get; }

    public uint RemoteId { get; set; }

    /// <summary>The window the server granted us (bytes we may still send).</summary>
    public long RemoteWindow { get; set; }

    public uint RemoteMaxPacket { get; set; }

    /// <summary>The window we granted the server (bytes it may still send).</summary>
    public long LocalWindow { get; set; }

    public bool? OpenResult { get; set; }

    public uint OpenFailureReason { get; set; }

    public MemoryStream Stdout { get; } = new();

    public MemoryStream Stderr { get; } = new();

    public List<int> DataPacketSizes { get; } = [];

    public List<bool> Replies { get; } = [];

    public int WindowAdjustsReceived { get; set; }

    /// <summary>Bytes of data sent with <see cref="SshTestClient.SendDataAsync"/>.</summary>
    public long DataSent { get; set; }

    /// <summary>The largest WINDOW_ADJUST the server sent (more than half its initial window: the window grew).</summary>
    public uint LargestWindowAdjust { get; set; }

    public bool Eof { get; set; }

    public bool Closed { get; set; }

    public bool CloseSent { get; set; }

    /// <summary>Messages in arrival order after the open ("data", "eof", "exit-status", "close"...).</summary>
    public List<string> Events { get; } = [];

    public uint? ExitStatus { get; set; }

    public string? ExitSignal { get; set; }

    public string StdoutText => Encoding.UTF8.GetString(Stdout.ToArray());

    public string StderrText => Encoding.UTF8.GetString(Stderr.ToArray());
}
