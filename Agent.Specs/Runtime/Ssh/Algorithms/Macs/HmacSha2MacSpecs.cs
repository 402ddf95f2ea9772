using System.Security.Cryptography;
using Agent.Runtime.Ssh.Algorithms.Macs;

namespace Agent.Specs.Runtime.Ssh.Algorithms.Macs;

public class HmacSha2MacSpecs
{
    [Theory]
    [InlineData("hmac-sha2-256", 32, false)]
    [InlineData("hmac-sha2-512", 64, false)]
    [InlineData("hmac-sha2-256-etm@openssh.com", 32, true)]
    [InlineData("hmac-sha2-512-etm@openssh.com", 64, true)]
    public void Compute_IsHmacOfSequenceAndData(string name, int length, bool etm)
    {
        var key = Enumerable.Range(0, length).Select(i => (byte)i).ToArray();
        using var mac = new HmacSha2Mac(name, key);
        Assert.Equal(length, mac.Length);
        Assert.Equal(etm, mac.EncryptThenMac);
        var data = new byte[100];
        new Random(1).NextBytes(data);
        byte[] input = [0, 0, 1, 2, .. data];
        var expected = length == 32 ? HMACSHA256.HashData(key, input) : HMACSHA512.HashData(key, input);
        var actual = new byte[length];
        mac.Compute(0x0102, data, actual);
        Assert.Equal(expected, actual);
        Assert.True(mac.Verify(0x0102, data, actual));
        actual[3] ^= 1;
        Assert.False(mac.Verify(0x0102, data, actual));
        Assert.False(mac.Verify(0x0103, data, expected));
    }

    [Fact]
    public void Constructor_WrongKeyLengthOrName_Refused()
    {
        Assert.Throws<ArgumentException>(() => new HmacSha2Mac("hmac-sha2-256", new byte[16]));
        Assert.Throws<ArgumentException>(() => new HmacSha2Mac("hmac-sha1", new byte[20]));
    }
}
