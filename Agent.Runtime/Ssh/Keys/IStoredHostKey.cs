namespace Agent.Runtime.Ssh.Keys;

/// <summary>A host key the host key store can save: its private key as unencrypted PKCS#8 DER.</summary>
public interface IStoredHostKey : IHostKey
{
    /// <summary>The private key as unencrypted PKCS#8 DER (the caller writes it 0600 and clears it).</summary>
    byte[] ExportPkcs8PrivateKey();
}
