using System.Security.Cryptography;
using System.Text;
using Agent.Runtime.Ssh.Wire;

namespace Agent.Runtime.Ssh.Keys;

/// <summary>
/// OpenSSH's private-key format (<c>PROTOCOL.key</c>, what <c>ssh-keygen</c> writes): <c>-----BEGIN OPENSSH PRIVATE
/// KEY-----</c> around the base64 of <c>"openssh-key-v1\0", string cipher, string kdf, string kdf options, uint32
/// count, string public key, string private section</c>; the private section is <c>uint32 check, uint32 check</c>, the
/// key's type and private fields, a comment, and padding 1, 2, 3... to the cipher's block size. Only unencrypted keys
/// (cipher and kdf <c>none</c>) are read: the agent has no one to ask for a passphrase.
/// </summary>
public static class OpenSshPrivateKeyFormat
{
    public const string BeginMarker = "-----BEGIN OPENSSH PRIVATE KEY-----";
    private const string EndMarker = "-----END OPENSSH PRIVATE KEY-----";
    private const int BlockSize = 8;
    private const int LineLength = 70;
    private static readonly byte[] Magic = "openssh-key-v1\0"u8.ToArray();

    /// <summary>Reads the one key of <paramref name="text"/>.</summary>
    /// <exception cref="InvalidDataException">The text is not an unencrypted OpenSSH key; the message says why.</exception>
    /// <exception cref="NotSupportedException">The key is of a type the agent does not serve (DSA, security keys).</exception>
    public static IStoredHostKey Read(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var begin = text.IndexOf(BeginMarker, StringComparison.Ordinal);
        var end = begin < 0 ? -1 : text.IndexOf(EndMarker, begin, StringComparison.Ordinal);
        if (end < 0)
            throw new InvalidDataException($"has no \"{EndMarker}\" line");
        byte[] data;
        try
        {
            data = Convert.FromBase64String(text[(begin + BeginMarker.Length)..end]);
        }
        catch (FormatException)
        {
            throw new InvalidDataException("is not valid base64 between its OpenSSH key markers");
        }

        try
        {
            return Parse(data);
        }
        catch (SshProtocolException e)
        {
            throw new InvalidDataException($"is a truncated or malformed OpenSSH key ({e.Message})", e);
        }
        catch (CryptographicException e)
        {
            throw new InvalidDataException($"is not a valid key: {e.Message}", e);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(data);
        }
    }

    /// <summary>The key in OpenSSH's format, unencrypted, as <c>ssh-keygen -N ''</c> writes it.</summary>
    public static string Write(IStoredHostKey key, string comment = "")
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(comment);
        var check = RandomNumberGenerator.GetBytes(4);
        var section = new SshWriter(4096).WriteRaw(check).WriteRaw(check);
        key.WritePrivateKey(section);
        section.WriteString(comment);
        for (byte pad = 1; section.Length % BlockSize != 0; pad++)
            section.WriteByte(pad);
        var sectionBytes = section.ToArray();
        var whole = new SshWriter(sectionBytes.Length + key.PublicKeyBlob.Length + 64)
            .WriteRaw(Magic)
            .WriteString("none")
            .WriteString("none")
            .WriteBinary([])
            .WriteUInt32(1)
            .WriteBinary(key.PublicKeyBlob.Span)
            .WriteBinary(sectionBytes)
            .ToArray();
        var base64 = Convert.ToBase64String(whole);
        CryptographicOperations.ZeroMemory(sectionBytes);
        CryptographicOperations.ZeroMemory(whole);
        var text = new StringBuilder(base64.Length + 128).Append(BeginMarker).Append('\n');
        for (var i = 0; i < base64.Length; i += LineLength)
            text.Append(base64.AsSpan(i, Math.Min(LineLength, base64.Length - i))).Append('\n');
        return text.Append(EndMarker).Append('\n').ToString();
    }

    private static IStoredHostKey Parse(ReadOnlySpan<byte> data)
    {
        if (!data.StartsWith(Magic))
            throw new InvalidDataException("does not start with \"openssh-key-v1\"");
        var reader = new SshReader(data[Magic.Length..]);
        var cipher = reader.ReadString();
        var kdf = reader.ReadString();
        reader.ReadBinary();
        if (cipher != "none" || kdf != "none")
            throw new InvalidDataException($"is encrypted (cipher {cipher}, kdf {kdf}): the agent cannot ask for a passphrase; serve an unencrypted key (ssh-keygen -p -N '' -f FILE removes the passphrase)");
        var count = reader.ReadUInt32();
        if (count != 1)
            throw new InvalidDataException($"holds {count} keys, not one");
        var publicKey = reader.ReadBinary();
        var section = reader.ReadBinary();
        reader.EnsureEnd("the OpenSSH key");
        if (section.Length % BlockSize != 0)
            throw new InvalidDataException($"has a private section of {section.Length} bytes, not a multiple of {BlockSize}");

        var inner = new SshReader(section);
        if (inner.ReadUInt32() != inner.ReadUInt32())
            throw new InvalidDataException("has check numbers that differ (a wrong passphrase or a damaged file)");
        var type = inner.ReadString();
        IStoredHostKey key = type switch
        {
            Ed25519HostKey.Algorithm => Ed25519HostKey.ReadOpenSsh(ref inner),
            EcdsaHostKey.Nistp256 or EcdsaHostKey.Nistp384 or EcdsaHostKey.Nistp521 => EcdsaHostKey.ReadOpenSsh(type, ref inner),
            RsaHostKey.Type => RsaHostKey.ReadOpenSsh(ref inner),
            _ => throw new NotSupportedException($"holds a key of type '{type}', which the agent does not serve (ssh-ed25519, ecdsa-sha2-nistp256/384/521, ssh-rsa)"),
        };
        try
        {
            inner.ReadBinary();
            var padding = inner.ReadRest();
            for (var i = 0; i < padding.Length; i++)
            {
                if (padding[i] != i + 1)
                    throw new InvalidDataException("has padding that is not 1, 2, 3...");
            }

            if (!publicKey.SequenceEqual(key.PublicKeyBlob.Span))
                throw new InvalidDataException("has a public key that is not the private key's");
            return key;
        }
        catch
        {
            (key as IDisposable)?.Dispose();
            throw;
        }
    }
}
