using Agent.Runtime.Os.Interop;
using Microsoft.Extensions.Logging;

namespace Agent.Runtime.Ssh.Keys;

/// <summary>
/// The server's host keys. Either a directory (<c>&lt;data&gt;/ssh</c> or <c>--host-key-dir</c>) under sshd's names,
/// <c>ssh_host_ed25519_key</c>, <c>ssh_host_ecdsa_key</c> (any of P-256, P-384, P-521) and <c>ssh_host_rsa_key</c>,
/// where a missing key is created (Ed25519, ECDSA P-256, RSA 3072 bits; OpenSSH's format, mode 0600, its public key
/// in <c>.pub</c> beside it); or exactly the files given (<c>--host-key</c>, sshd's <c>HostKey</c>), none created.
/// Existing files are read (see <see cref="HostKeyFile"/>) and never replaced: a file that cannot be served is a
/// <see cref="HostKeyFileException"/> naming it.
/// </summary>
public sealed class HostKeyStore : IDisposable
{
    public const string Ed25519FileName = "ssh_host_ed25519_key";
    public const string EcdsaFileName = "ssh_host_ecdsa_key";
    public const string RsaFileName = "ssh_host_rsa_key";

    private const UnixFileMode DirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    private HostKeyStore(IReadOnlyList<string> files, IReadOnlyList<IHostKey> keys)
    {
        KeyFiles = files;
        Keys = keys;
        SignatureAlgorithms = [.. keys.SelectMany(k => k.SignatureAlgorithms)];
    }

    /// <summary>The files the keys were read from (full paths), in the order of <see cref="Keys"/>.</summary>
    public IReadOnlyList<string> KeyFiles { get; }

    /// <summary>The keys: from a directory ssh-ed25519, ecdsa-sha2-nistpN, ssh-rsa; from files in their order.</summary>
    public IReadOnlyList<IHostKey> Keys { get; }

    /// <summary>The host-key algorithms for KEXINIT in preference order (an RSA key: rsa-sha2-512, rsa-sha2-256).</summary>
    public IReadOnlyList<string> SignatureAlgorithms { get; }

    /// <summary>Loads (or creates) the host keys in <c><paramref name="dataDirectory"/>/ssh</c>.</summary>
    /// <exception cref="HostKeyFileException">A key file exists but cannot be served; the message names the file.</exception>
    public static HostKeyStore LoadOrCreate(string dataDirectory, ILogger logger)
    {
        ArgumentException.ThrowIfNullOrEmpty(dataDirectory);
        return LoadOrCreateIn(Path.Join(dataDirectory, "ssh"), logger);
    }

    /// <summary>
    /// Loads (or creates) the host keys directly in <paramref name="keyDirectory"/> (e.g. <c>--host-key-dir</c>),
    /// which is created with mode 0700 when missing; an existing directory's mode is left alone, but one that group
    /// or others may write is refused.
    /// </summary>
    /// <exception cref="HostKeyFileException">
    /// A key file exists but cannot be served, or the directory is writable by others; the message names the path.
    /// </exception>
    public static HostKeyStore LoadOrCreateIn(string keyDirectory, ILogger logger)
    {
        ArgumentException.ThrowIfNullOrEmpty(keyDirectory);
        ArgumentNullException.ThrowIfNull(logger);
        var directory = Path.GetFullPath(keyDirectory);
        if (!Directory.Exists(directory))
        {
            if (OperatingSystem.IsWindows())
                Directory.CreateDirectory(directory);
            else
                Directory.CreateDirectory(directory, DirectoryMode);
        }
        else if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(directory) & (UnixFileMode.GroupWrite | UnixFileMode.OtherWrite)) != 0)
        {
            // Another user could plant a key file there (or a link to one of this user's private keys) for us to serve.
            throw HostKeyFileException.ForDirectory(directory, $"is writable by group or others (mode {Convert.ToString((int)File.GetUnixFileMode(directory), 8)}): another user could plant keys there; use a directory only this user can write");
        }

        (string Name, string Kind, Func<IStoredHostKey> Generate)[] slots =
        [
            (Ed25519FileName, "ssh-ed25519", Ed25519HostKey.Generate),
            (EcdsaFileName, "ecdsa-sha2-", EcdsaHostKey.Generate),
            (RsaFileName, RsaHostKey.Type, () => RsaHostKey.Generate()),
        ];
        var keys = new List<IHostKey>(slots.Length);
        try
        {
            foreach (var (name, kind, generate) in slots)
                keys.Add(LoadOrCreateKey(Path.Join(directory, name), kind, generate, logger));
        }
        catch
        {
            Dispose(keys);
            throw;
        }

        return new HostKeyStore([.. slots.Select(slot => Path.Join(directory, slot.Name))], keys);
    }

    /// <summary>
    /// Loads exactly the key files <paramref name="files"/> (<c>--host-key</c>), creating none and writing nothing.
    /// A sound key of a type the agent does not serve (DSA) is skipped with a warning, as sshd skips a key it cannot
    /// load; any other problem fails. Two keys of one type are refused, as the client could not choose between them.
    /// </summary>
    /// <exception cref="HostKeyFileException">
    /// A file cannot be served, holds a key of a type served already, or no file holds a key the agent serves.
    /// </exception>
    public static HostKeyStore Load(IReadOnlyList<string> files, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(files);
        ArgumentNullException.ThrowIfNull(logger);
        if (files.Count == 0)
            throw new ArgumentException("at least one host key file is needed", nameof(files));
        var served = new List<string>(files.Count);
        var keys = new List<IHostKey>(files.Count);
        HostKeyFileException? skipped = null;
        try
        {
            foreach (var path in files.Select(Path.GetFullPath))
            {
                IStoredHostKey key;
                try
                {
                    key = HostKeyFile.Read(path);
                }
                catch (HostKeyFileException e) when (e.UnsupportedType)
                {
                    logger.HostKeySkipped(path, e.Reason);
                    skipped ??= e;
                    continue;
                }

                keys.Add(key);
                served.Add(path);
                var same = keys.FindIndex(k => k.KeyType == key.KeyType);
                if (same != keys.Count - 1)
                    throw new HostKeyFileException(path, $"holds a second {key.KeyType} key (the first is {served[same]}): serve one key of each type");
                logger.HostKeyLoaded(key.KeyType, key.Fingerprint, path);
            }
        }
        catch
        {
            Dispose(keys);
            throw;
        }

        return keys.Count > 0 ? new HostKeyStore(served, keys) : throw skipped!;
    }

    /// <summary>The key serving <paramref name="signatureAlgorithm"/>, or null.</summary>
    public IHostKey? Find(string signatureAlgorithm)
        => Keys.FirstOrDefault(k => k.SignatureAlgorithms.Contains(signatureAlgorithm, StringComparer.Ordinal));

    public void Dispose() => Dispose(Keys);

    private static void Dispose(IEnumerable<IHostKey> keys)
    {
        foreach (var key in keys)
            (key as IDisposable)?.Dispose();
    }

    private static IStoredHostKey LoadOrCreateKey(string path, string kind, Func<IStoredHostKey> generate, ILogger logger)
    {
        IStoredHostKey key;
        if (File.Exists(path) || IsLink(path))
        {
            key = HostKeyFile.Read(path);
            if (!key.KeyType.StartsWith(kind, StringComparison.Ordinal))
            {
                (key as IDisposable)?.Dispose();
                throw new HostKeyFileException(path, $"holds a {key.KeyType} key, not {kind}{(kind.EndsWith('-') ? "*" : string.Empty)} as its name says");
            }

            logger.HostKeyLoaded(key.KeyType, key.Fingerprint, path);
        }
        else
        {
            key = generate();
            if (!HostKeyFile.TryCreate(path, key))
            {
                // Another process created the file between our check and our write: use its key.
                (key as IDisposable)?.Dispose();
                key = HostKeyFile.Read(path);
            }

            logger.HostKeyCreated(key.KeyType, key.Fingerprint, path);
        }

        WritePublicKeyUnlessCurrent(path + ".pub", key, logger);
        return key;
    }

    private static bool IsLink(string path) => new FileInfo(path).LinkTarget is not null;

    /// <summary>Writes <c>.pub</c> when it is missing or holds another key; one that matches (comment and all) is kept.</summary>
    private static void WritePublicKeyUnlessCurrent(string path, IHostKey key, ILogger logger)
    {
        var line = key.ToOpenSshPublicKey();
        var info = new FileInfo(path);
        if (info.Exists && info.LinkTarget is null && info.Length <= HostKeyFile.MaxBytes)
        {
            using var stream = new FileStream(PrivateFile.OpenForRead(path), FileAccess.Read);
            if (PrivateFile.IsRegularFile(stream.SafeFileHandle) && stream.Length <= HostKeyFile.MaxBytes)
            {
                var fields = new StreamReader(stream).ReadToEnd().Split((char[])[' ', '\t', '\n'], 3, StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length >= 2 && fields[0] + " " + fields[1] == line)
                    return;
            }
        }

        HostKeyFile.WritePublic(path, line);
        logger.PublicKeyWritten(path);
    }
}
