using Agent.Runtime.Ssh.Wire;

namespace Agent.Runtime.Ssh.Keys;

/// <summary>A host key the host key store can save in OpenSSH's private-key format.</summary>
public interface IStoredHostKey : IHostKey
{
    /// <summary>
    /// Writes the key's entry of the private section of OpenSSH's format (<c>string</c> key type and the private
    /// fields, no comment); the caller writes it to a 0600 file.
    /// </summary>
    void WritePrivateKey(SshWriter writer);
}
