using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Text;
using Agent.Runtime.Os.Interop;

namespace Agent.Runtime.Ssh.Keys;

/// <summary>
/// One host key file, read as sshd reads <c>HostKey</c> files: OpenSSH's private-key format, or PEM (PKCS#8, PKCS#1
/// RSA, SEC1 EC), unencrypted. The file must be this user's (or root's) and not accessible by group or others. Files
/// the agent makes are written in OpenSSH's format, mode 0600, never over an existing file.
/// </summary>
public static class HostKeyFile
{
    /// <summary>Key files larger than this are not read (an RSA 16384-bit key in OpenSSH's format is about 13 KiB).</summary>
    public const int MaxBytes = 64 * 1024;

    private const string RsaOid = "1.2.840.113549.1.1.1";
    private const string EcOid = "1.2.840.10045.2.1";
    private const string Ed25519Oid = "1.3.101.112";

    /// <summary>Reads the key in <paramref name="path"/>.</summary>
    /// <exception cref="HostKeyFileException">The file is missing, unreadable, not private, or not a key the agent serves.</exception>
    public static IStoredHostKey Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        byte[] bytes;
        try
        {
            using var stream = new FileStream(PrivateFile.OpenForRead(path), FileAccess.Read);
            if (PrivateFile.NotOwnerOnly(stream.SafeFileHandle) is { } problem)
                throw new HostKeyFileException(path, problem);
            if (stream.Length > MaxBytes)
                throw new HostKeyFileException(path, $"is {stream.Length} bytes, more than {MaxBytes}");
            bytes = new byte[stream.Length];
            stream.ReadExactly(bytes);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new HostKeyFileException(path, $"cannot be read: {e.Message}", e);
        }

        var text = Encoding.ASCII.GetString(bytes);
        CryptographicOperations.ZeroMemory(bytes);
        try
        {
            return text.Contains(OpenSshPrivateKeyFormat.BeginMarker, StringComparison.Ordinal)
                ? OpenSshPrivateKeyFormat.Read(text)
                : ReadPem(text);
        }
        catch (Exception e) when (e is InvalidDataException or NotSupportedException)
        {
            throw new HostKeyFileException(path, e.Message, e);
        }
        catch (CryptographicException e)
        {
            throw new HostKeyFileException(path, $"is not a valid key: {e.Message}", e);
        }
    }

    /// <summary>
    /// Writes <paramref name="key"/> to <paramref name="path"/> in OpenSSH's format, mode 0600, through a temporary
    /// file linked into place; false (nothing changed) when the path exists by then.
    /// </summary>
    public static bool TryCreate(string path, IStoredHostKey key)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(key);
        var content = Encoding.ASCII.GetBytes(OpenSshPrivateKeyFormat.Write(key));
        var temporary = path + ".tmp-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(6));
        try
        {
            WriteNew(temporary, content, PrivateFile.OwnerReadWrite);
            File.Move(temporary, path, overwrite: false);
            return true;
        }
        catch (IOException) when (File.Exists(path))
        {
            return false;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(content);
            File.Delete(temporary);
        }
    }

    /// <summary>Writes (or replaces) the public-key file <paramref name="path"/> (mode 0644) with <paramref name="line"/>.</summary>
    public static void WritePublic(string path, string line)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(line);
        const UnixFileMode PublicMode = PrivateFile.OwnerReadWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
        var temporary = path + ".tmp-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(6));
        try
        {
            WriteNew(temporary, Encoding.ASCII.GetBytes(line + "\n"), PublicMode);
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    private static IStoredHostKey ReadPem(string text)
    {
        if (text.Contains("Proc-Type: 4,ENCRYPTED", StringComparison.Ordinal))
            throw new InvalidDataException("is an encrypted PEM key: the agent cannot ask for a passphrase; serve an unencrypted key");
        var rest = text.AsSpan();
        while (PemEncoding.TryFind(rest, out var fields))
        {
            var label = rest[fields.Label].ToString();
            if (label != "EC PARAMETERS")
            {
                byte[] der;
                try
                {
                    der = Convert.FromBase64String(rest[fields.Base64Data].ToString());
                }
                catch (FormatException)
                {
                    throw new InvalidDataException($"holds a PEM \"{label}\" block that is not valid base64");
                }

                try
                {
                    return label switch
                    {
                        "PRIVATE KEY" => ReadPkcs8(der),
                        "RSA PRIVATE KEY" => RsaHostKey.ImportRSAPrivateKey(der),
                        "EC PRIVATE KEY" => EcdsaHostKey.ImportECPrivateKey(der),
                        "ENCRYPTED PRIVATE KEY" => throw new InvalidDataException("is an encrypted PKCS#8 key: the agent cannot ask for a passphrase; serve an unencrypted key"),
                        "DSA PRIVATE KEY" => throw new NotSupportedException("holds a DSA key, which the agent does not serve (ssh-ed25519, ecdsa-sha2-nistp256/384/521, ssh-rsa)"),
                        _ => throw new InvalidDataException($"holds a PEM \"{label}\" block, not a private key"),
                    };
                }
                finally
                {
                    CryptographicOperations.ZeroMemory(der);
                }
            }

            rest = rest[fields.Location.End..];
        }

        throw new InvalidDataException("holds no private key the agent reads: OpenSSH's format (\"-----BEGIN OPENSSH PRIVATE KEY-----\") or PEM (PKCS#8, PKCS#1 RSA, SEC1 EC)");
    }

    private static IStoredHostKey ReadPkcs8(byte[] der)
    {
        string algorithm;
        try
        {
            var info = new AsnReader(der, AsnEncodingRules.DER).ReadSequence();
            info.ReadInteger();
            algorithm = info.ReadSequence().ReadObjectIdentifier();
        }
        catch (AsnContentException e)
        {
            throw new CryptographicException($"not a PKCS#8 private key ({e.Message})", e);
        }

        return algorithm switch
        {
            Ed25519Oid => Ed25519HostKey.ImportPkcs8PrivateKey(der),
            EcOid => EcdsaHostKey.ImportPkcs8PrivateKey(der),
            RsaOid => RsaHostKey.ImportPkcs8PrivateKey(der),
            _ => throw new NotSupportedException($"holds a PKCS#8 key of algorithm {algorithm}, which the agent does not serve (Ed25519, ECDSA, RSA)"),
        };
    }

    private static void WriteNew(string path, byte[] content, UnixFileMode mode)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
            options.UnixCreateMode = mode;
        using var stream = new FileStream(path, options);
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(stream.SafeFileHandle, mode);
        stream.Write(content);
        stream.Flush(flushToDisk: true);
    }
}
