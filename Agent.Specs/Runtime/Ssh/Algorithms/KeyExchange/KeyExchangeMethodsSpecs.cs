using Agent.Runtime.Ssh.Algorithms.KeyExchange;

namespace Agent.Specs.Runtime.Ssh.Algorithms.KeyExchange;

public class KeyExchangeMethodsSpecs
{
    [Fact]
    public void ServerPreference_IsTheAgreedOrder()
    {
        Assert.Equal(
            [
                "mlkem768x25519-sha256", "sntrup761x25519-sha512", "sntrup761x25519-sha512@openssh.com", "curve25519-sha256",
                "curve25519-sha256@libssh.org", "ecdh-sha2-nistp256", "ecdh-sha2-nistp384", "ecdh-sha2-nistp521",
            ],
            KeyExchangeMethods.ServerPreference);
    }

    [Fact]
    public void Create_EveryPreferredName_GivesAFreshMethodOfThatName()
    {
        foreach (var name in KeyExchangeMethods.ServerPreference)
        {
            var first = KeyExchangeMethods.Create(name);
            Assert.Equal(name, first.Name);
            Assert.NotSame(first, KeyExchangeMethods.Create(name));
            Assert.True(KeyExchangeMethods.IsSupported(name));
        }
    }

    [Theory]
    [InlineData("diffie-hellman-group14-sha1")]
    [InlineData("diffie-hellman-group-exchange-sha256")]
    [InlineData("Curve25519-sha256")]
    [InlineData("")]
    public void Create_UnknownName_Throws(string name)
    {
        Assert.Throws<ArgumentException>(() => KeyExchangeMethods.Create(name));
        Assert.False(KeyExchangeMethods.IsSupported(name));
    }
}
