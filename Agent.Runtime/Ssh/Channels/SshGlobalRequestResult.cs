namespace Agent.Runtime.Ssh.Channels;

/// <summary>The answer to a global request: REQUEST_SUCCESS (with optional response fields) or REQUEST_FAILURE.</summary>
/// <param name="Success">Whether the request succeeded.</param>
/// <param name="ResponseData">Fields sent after REQUEST_SUCCESS (e.g. the bound port of <c>tcpip-forward</c> to port 0).</param>
public sealed record SshGlobalRequestResult(bool Success, ReadOnlyMemory<byte> ResponseData)
{
    public static SshGlobalRequestResult Failed { get; } = new(false, ReadOnlyMemory<byte>.Empty);

    public static SshGlobalRequestResult Succeeded { get; } = new(true, ReadOnlyMemory<byte>.Empty);
}
