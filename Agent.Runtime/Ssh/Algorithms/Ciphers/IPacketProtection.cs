namespace Agent.Runtime.Ssh.Algorithms.Ciphers;

/// <summary>
/// The protection of one direction of the binary packet protocol (RFC 4253 section 6): a cipher and its MAC, or an
/// AEAD cipher. It hides how the <c>packet_length</c> field is handled (in clear, encrypted in the first block, or
/// encrypted with its own key). A packet here is the 4-byte length, the padding length, payload and padding; the tag
/// (MAC) follows it on the wire.
/// </summary>
internal interface IPacketProtection : IDisposable
{
    /// <summary>The alignment of the padded packet (at least 8).</summary>
    int BlockSize { get; }

    /// <summary>The length of the tag or MAC after each packet.</summary>
    int TagLength { get; }

    /// <summary>
    /// True when the 4-byte length field counts in the block alignment (plain ciphers with encrypt-and-MAC); false
    /// when it travels outside the encrypted part (AEAD ciphers, encrypt-then-MAC).
    /// </summary>
    bool AlignsLengthField { get; }

    /// <summary>How many bytes must be read before <see cref="ReadLength"/> can tell the packet's length.</summary>
    int LengthPrefixSize { get; }

    /// <summary>
    /// The <c>packet_length</c> of the packet that starts with <paramref name="prefix"/> (<see cref="LengthPrefixSize"/>
    /// bytes). It may decrypt the prefix in place; call <see cref="Open"/> on the same bytes afterwards.
    /// </summary>
    uint ReadLength(uint sequence, Span<byte> prefix);

    /// <summary>
    /// Checks the tag of <paramref name="packet"/> (length field included) and decrypts it in place; the bytes after
    /// the length field are plaintext afterwards. A wrong tag throws <see cref="Wire.SshProtocolException"/>
    /// (MAC error) before anything is decrypted where the construction allows it.
    /// </summary>
    void Open(uint sequence, Span<byte> packet, ReadOnlySpan<byte> tag);

    /// <summary>Encrypts <paramref name="packet"/> in place and writes its tag.</summary>
    void Seal(uint sequence, Span<byte> packet, Span<byte> tag);
}
