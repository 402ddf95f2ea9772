namespace Agent.Runtime.Os.Processes;

/// <summary>Output split into lines and handed to an observer through a bounded <see cref="LineHandoff"/>.</summary>
internal sealed class LineSink : IOutputSink
{
    private readonly LineSplitter _splitter;
    private readonly LineHandoff _handoff;

    public LineSink(LineHandoff handoff, int maxLineLength)
    {
        _handoff = handoff;
        _splitter = new LineSplitter(handoff.Post, maxLineLength);
    }

    public void Write(ReadOnlySpan<byte> chunk) => _splitter.Write(chunk);

    public void Finish()
    {
        _splitter.Flush();
        _handoff.Complete();
    }
}
