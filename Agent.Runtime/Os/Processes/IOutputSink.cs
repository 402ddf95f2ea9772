namespace Agent.Runtime.Os.Processes;

/// <summary>Where the <see cref="OutputPump"/> hands the bytes it reads, on its own thread.</summary>
internal interface IOutputSink
{
    void Write(ReadOnlySpan<byte> chunk);

    /// <summary>Called once: at end of output, or when the launcher stops waiting for it.</summary>
    void Finish();
}
