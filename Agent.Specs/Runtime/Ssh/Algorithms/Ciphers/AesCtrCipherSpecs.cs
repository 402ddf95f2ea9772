using Agent.Runtime.Ssh.Algorithms.Ciphers;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Modes;
using Org.BouncyCastle.Crypto.Parameters;

namespace Agent.Specs.Runtime.Ssh.Algorithms.Ciphers;

public class AesCtrCipherSpecs
{
    [Fact]
    public void Transform_NistSp80038aVector_MatchesCiphertext()
    {
        // NIST SP 800-38A F.5.1, CTR-AES128.Encrypt, blocks 1 and 2.
        using var cipher = new AesCtrCipher(Convert.FromHexString("2b7e151628aed2a6abf7158809cf4f3c"), Convert.FromHexString("f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff"));
        var data = Convert.FromHexString("6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51");
        cipher.Transform(data.AsSpan(0, 16));
        cipher.Transform(data.AsSpan(16));
        Assert.Equal("874d6191b620e3261bef6864990db6ce9806f66b7970fdff8617187bb9fffdff", Convert.ToHexStringLower(data));
    }

    [Fact]
    public void Transform_AcrossPacketsAndCounterCarry_MatchesBouncyCastleCtr()
    {
        var key = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
        var iv = Convert.FromHexString("00112233445566770ffffffffffffffd");
        using var ours = new AesCtrCipher(key, iv);
        var reference = new SicBlockCipher(new AesEngine());
        reference.Init(true, new ParametersWithIV(new KeyParameter(key), iv));
        var random = new Random(11);
        foreach (var blocks in new[] { 1, 3, 300, 2 })
        {
            var plain = new byte[blocks * 16];
            random.NextBytes(plain);
            var expected = new byte[plain.Length];
            for (var offset = 0; offset < plain.Length; offset += 16)
                reference.ProcessBlock(plain, offset, expected, offset);
            var actual = (byte[])plain.Clone();
            ours.Transform(actual);
            Assert.Equal(expected, actual);
        }
    }

    [Fact]
    public void Transform_PartialBlock_Refused()
    {
        using var cipher = new AesCtrCipher(new byte[16], new byte[16]);
        Assert.Throws<ArgumentException>(() => cipher.Transform(new byte[15]));
    }
}
