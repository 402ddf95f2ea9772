using System.Security.Cryptography;
using System.Text;
using Agent.Runtime.Interop;
using Microsoft.Extensions.Logging;

namespace Agent.Runtime.Ssh.Keys;

/// <summary>
/// The server's host keys, kept in a directory (<c>&lt;data&gt;/ssh</c>, mode 0700): <c>ssh_host_ed25519_key</c>,
/// <c>ssh_host_ecdsa_key</c> (P-256) and <c>ssh_host_rsa_key</c> (3072 bits), each an unencrypted PKCS#8 PEM file
/// (<c>-----BEGIN PRIVATE KEY-----</c>, as <c>openssl genpkey</c> writes) of mode 0600, with its OpenSSH public key
/// next to it in <c>.pub</c> (0644). Missing keys are created; existing ones are kept across restarts; a file that
/// cannot be read as its key is an error naming the file.
/// </summary>
public sealed class HostKeyStore : IDisposable
{
    /// <summary>Key files larger than this are not read (an RSA 16384-bit PKCS#8 PEM is about 13 KiB).</summary>
    public const int MaxKeyFileBytes = 64 * 1024;

    public const string Ed25519FileName = "ssh_host_ed25519_key";
    public const string EcdsaFileName = "ssh_host_ecdsa_key";
    public const string RsaFileName = "ssh_host_rsa_key";

    private const string PemLabel = "PRIVATE KEY";
    private const UnixFileMode DirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode PrivateFileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode PublicFileMode = PrivateFileMode | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    private HostKeyStore(string directory, IReadOnlyList<IHostKey> keys)
    {
        KeyDirectory = directory;
        Keys = keys;
        SignatureAlgorithms = [.. keys.SelectMany(k => k.SignatureAlgorithms)];
    }

    /// <summary>The directory holding the key files.</summary>
    public string KeyDirectory { get; }

    /// <summary>The keys: ssh-ed25519, ecdsa-sha2-nistp256, ssh-rsa, in that order.</summary>
    public IReadOnlyList<IHostKey> Keys { get; }

    /// <summary>The host-key algorithms for KEXINIT in preference order: ssh-ed25519, ecdsa-sha2-nistp256, rsa-sha2-512, rsa-sha2-256.</summary>
    public IReadOnlyList<string> SignatureAlgorithms { get; }

    /// <summary>Loads (or creates) the host keys in <c><paramref name="dataDirectory"/>/ssh</c>.</summary>
    /// <exception cref="InvalidDataException">A key file exists but is not a valid key; the message names the file.</exception>
    public static HostKeyStore LoadOrCreate(string dataDirectory, ILogger logger)
    {
        ArgumentException.ThrowIfNullOrEmpty(dataDirectory);
        return LoadOrCreateIn(Path.Join(dataDirectory, "ssh"), logger);
    }

    /// <summary>Loads (or creates) the host keys directly in <paramref name="keyDirectory"/> (e.g. <c>--host-key-dir</c>).</summary>
    /// <exception cref="InvalidDataException">A key file exists but is not a valid key; the message names the file.</exception>
    public static HostKeyStore LoadOrCreateIn(string keyDirectory, ILogger logger)
    {
        ArgumentException.ThrowIfNullOrEmpty(keyDirectory);
        ArgumentNullException.ThrowIfNull(logger);
        var directory = Path.GetFullPath(keyDirectory);
        EnsureDirectory(directory);

        var keys = new List<IHostKey>(3);
        try
        {
            keys.Add(LoadOrCreateKey(directory, Ed25519FileName, Ed25519HostKey.Generate, der => Ed25519HostKey.ImportPkcs8PrivateKey(der), logger));
            keys.Add(LoadOrCreateKey(directory, EcdsaFileName, EcdsaHostKey.Generate, der => EcdsaHostKey.ImportPkcs8PrivateKey(der), logger));
            keys.Add(LoadOrCreateKey(directory, RsaFileName, () => RsaHostKey.Generate(), der => RsaHostKey.ImportPkcs8PrivateKey(der), logger));
        }
        catch
        {
            foreach (var key in keys)
                (key as IDisposable)?.Dispose();
            throw;
        }

        return new HostKeyStore(directory, keys);
    }

    /// <summary>The key serving <paramref name="signatureAlgorithm"/>, or null.</summary>
    public IHostKey? Find(string signatureAlgorithm)
        => Keys.FirstOrDefault(k => k.SignatureAlgorithms.Contains(signatureAlgorithm, StringComparer.Ordinal));

    public void Dispose()
    {
        foreach (var key in Keys)
            (key as IDisposable)?.Dispose();
    }

    private static IStoredHostKey LoadOrCreateKey(
        string directory, string fileName, Func<IStoredHostKey> generate, Func<byte[], IStoredHostKey> import, ILogger logger)
    {
        var path = Path.Join(directory, fileName);
        IStoredHostKey key;
        if (File.Exists(path))
        {
            key = Load(path, import, logger);
            logger.LogInformation("SSH host key {KeyType} {Fingerprint} ({Path})", key.KeyType, key.Fingerprint, path);
        }
        else
        {
            key = generate();
            if (!TryCreate(path, key))
            {
                // Another process created the file between our check and our write: use its key.
                (key as IDisposable)?.Dispose();
                key = Load(path, import, logger);
            }

            logger.LogInformation("SSH host key {KeyType} {Fingerprint} created in {Path}", key.KeyType, key.Fingerprint, path);
        }

        WritePublicKey(path + ".pub", key);
        return key;
    }

    private static IStoredHostKey Load(string path, Func<byte[], IStoredHostKey> import, ILogger logger)
    {
        byte[] der;
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
            if (!OperatingSystem.IsWindows())
            {
                var mode = File.GetUnixFileMode(stream.SafeFileHandle);
                if ((mode & ~PrivateFileMode) != 0)
                {
                    logger.LogWarning("SSH host key file {Path} had mode {Mode}; set to 0600", path, Convert.ToString((int)mode, 8));
                    File.SetUnixFileMode(stream.SafeFileHandle, PrivateFileMode);
                }
            }

            if (stream.Length > MaxKeyFileBytes)
                throw new InvalidDataException($"the SSH host key file {path} is {stream.Length} bytes, more than {MaxKeyFileBytes}");
            var text = Encoding.ASCII.GetString(ReadAll(stream));
            if (!PemEncoding.TryFind(text, out var fields) || text[fields.Label] != PemLabel)
                throw new InvalidDataException($"the SSH host key file {path} holds no PEM \"{PemLabel}\" block (unencrypted PKCS#8)");
            der = Convert.FromBase64String(text[fields.Base64Data]);
        }
        catch (FormatException e)
        {
            throw new InvalidDataException($"the SSH host key file {path} is not valid PEM: {e.Message}", e);
        }

        try
        {
            return import(der);
        }
        catch (CryptographicException e)
        {
            throw new InvalidDataException($"the SSH host key file {path} is not a valid key: {e.Message}", e);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(der);
        }
    }

    private static byte[] ReadAll(FileStream stream)
    {
        var buffer = new byte[stream.Length];
        stream.ReadExactly(buffer);
        return buffer;
    }

    /// <summary>Writes the key to a 0600 temporary file and links it into place; false if the path exists by then.</summary>
    private static bool TryCreate(string path, IStoredHostKey key)
    {
        var der = key.ExportPkcs8PrivateKey();
        var pem = PemEncoding.WriteString(PemLabel, der) + "\n";
        CryptographicOperations.ZeroMemory(der);
        var temporary = path + ".tmp-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(6));
        try
        {
            WriteFile(temporary, Encoding.ASCII.GetBytes(pem), PrivateFileMode);
            File.Move(temporary, path, overwrite: false);
            return true;
        }
        catch (IOException) when (File.Exists(path))
        {
            return false;
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    private static void WritePublicKey(string path, IHostKey key)
    {
        var temporary = path + ".tmp-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(6));
        try
        {
            WriteFile(temporary, Encoding.ASCII.GetBytes(key.ToOpenSshPublicKey() + "\n"), PublicFileMode);
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    private static void WriteFile(string path, byte[] content, UnixFileMode mode)
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

    private static void EnsureDirectory(string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
            return;
        }

        Directory.CreateDirectory(directory, DirectoryMode);
        if (File.GetUnixFileMode(directory) != DirectoryMode)
            PrivateFile.SetDirectoryMode(directory, DirectoryMode);
    }
}
