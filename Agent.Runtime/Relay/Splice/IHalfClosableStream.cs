namespace Agent.Runtime.Relay.Splice;

/// <summary>
/// A duplex stream that can end its writing while reading goes on (the peer reads the end of the data), and can end
/// at once with a reason: what <see cref="StreamSplice"/> needs of a stream beyond <see cref="Stream"/> itself.
/// </summary>
public interface IHalfClosableStream
{
    /// <summary>Half-close: the peer reads the end of the data after what was written; reading goes on.</summary>
    Task CompleteWritesAsync();

    /// <summary>Ends the stream both ways at once; the peer sees an error, with <paramref name="reason"/> where the stream can carry one.</summary>
    Task FailAsync(string reason);
}
