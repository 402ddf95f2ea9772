using System.Buffers.Binary;
using Agent.Runtime.Ssh.Algorithms.Ciphers;
using Agent.Runtime.Ssh.Wire;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Modes;
using Org.BouncyCastle.Crypto.Parameters;

namespace Agent.Specs.Runtime.Ssh.Algorithms.Ciphers;

public class AesGcmProtectionSpecs
{
    [Theory]
    [InlineData(16)]
    [InlineData(32)]
    public void Seal_ThreePackets_BouncyCastleGcmOpensThemWithIncrementedNonces(int keyLength)
    {
        var key = Enumerable.Range(0, keyLength).Select(i => (byte)(i * 7)).ToArray();
        var iv = Convert.FromHexString("000102030405060708fffffe");
        using var ours = new AesGcmProtection(key, iv);
        for (var n = 0; n < 3; n++)
        {
            var packet = Packet(48, n);
            var plain = (byte[])packet.Clone();
            var tag = new byte[16];
            ours.Seal((uint)n, packet, tag);
            Assert.Equal(plain[..4], packet[..4]);

            var nonce = (byte[])iv.Clone();
            BinaryPrimitives.WriteUInt64BigEndian(nonce.AsSpan(4), BinaryPrimitives.ReadUInt64BigEndian(iv.AsSpan(4)) + (ulong)n);
            var gcm = new GcmBlockCipher(new AesEngine());
            gcm.Init(false, new AeadParameters(new KeyParameter(key), 128, nonce, packet[..4]));
            var input = packet[4..].Concat(tag).ToArray();
            var output = new byte[gcm.GetOutputSize(input.Length)];
            var written = gcm.ProcessBytes(input, 0, input.Length, output, 0);
            gcm.DoFinal(output, written);
            Assert.Equal(plain[4..], output);
        }
    }

    [Fact]
    public void Open_WhatSealWrote_RoundTripsAndRejectsTampering()
    {
        var key = new byte[16];
        var iv = new byte[12];
        using var sender = new AesGcmProtection(key, iv);
        using var receiver = new AesGcmProtection(key, iv);
        var packet = Packet(32, 1);
        var plain = (byte[])packet.Clone();
        var tag = new byte[16];
        sender.Seal(0, packet, tag);
        Assert.Equal(32u, receiver.ReadLength(0, packet));
        receiver.Open(0, packet, tag);
        Assert.Equal(plain, packet);

        var second = Packet(32, 2);
        sender.Seal(1, second, tag);
        second[0] ^= 1;
        var failure = Assert.Throws<SshProtocolException>(() => receiver.Open(1, second, tag));
        Assert.Equal(DisconnectReason.MacError, failure.Reason);
    }

    private static byte[] Packet(int length, int seed)
    {
        var packet = new byte[4 + length];
        new Random(seed).NextBytes(packet);
        BinaryPrimitives.WriteUInt32BigEndian(packet, (uint)length);
        return packet;
    }
}
