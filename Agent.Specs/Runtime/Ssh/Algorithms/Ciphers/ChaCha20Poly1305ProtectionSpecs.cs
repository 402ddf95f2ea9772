using System.Buffers.Binary;
using Agent.Runtime.Ssh.Algorithms.Ciphers;
using Agent.Runtime.Ssh.Wire;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Macs;
using Org.BouncyCastle.Crypto.Parameters;

namespace Agent.Specs.Runtime.Ssh.Algorithms.Ciphers;

public class ChaCha20Poly1305ProtectionSpecs
{
    private static readonly byte[] Key = Enumerable.Range(0, 64).Select(i => (byte)(255 - i)).ToArray();

    [Fact]
    public void Seal_MatchesOpenSshConstruction()
    {
        // The construction of OpenSSH's cipher-chachapoly.c, written out here independently: main key = first 32
        // bytes, header key = last 32; nonce = 64-bit sequence number; Poly1305 key = main keystream block 0.
        const uint sequence = 0x01020304;
        var packet = Packet(40);
        var expected = (byte[])packet.Clone();
        var nonce = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(nonce, sequence);
        var header = new ChaChaEngine();
        header.Init(true, new ParametersWithIV(new KeyParameter(Key, 32, 32), nonce));
        header.ProcessBytes(expected, 0, 4, expected, 0);
        var main = new ChaChaEngine();
        main.Init(true, new ParametersWithIV(new KeyParameter(Key, 0, 32), nonce));
        var block0 = new byte[64];
        main.ProcessBytes(block0, 0, 64, block0, 0);
        main.ProcessBytes(expected, 4, expected.Length - 4, expected, 4);
        var poly = new Poly1305();
        poly.Init(new KeyParameter(block0, 0, 32));
        poly.BlockUpdate(expected, 0, expected.Length);
        var expectedTag = new byte[16];
        poly.DoFinal(expectedTag, 0);

        using var ours = new ChaCha20Poly1305Protection(Key);
        var tag = new byte[16];
        ours.Seal(sequence, packet, tag);
        Assert.Equal(expected, packet);
        Assert.Equal(expectedTag, tag);
    }

    [Fact]
    public void Open_WhatSealWrote_ReadsLengthRoundTripsAndRejectsTampering()
    {
        using var sender = new ChaCha20Poly1305Protection(Key);
        using var receiver = new ChaCha20Poly1305Protection(Key);
        var packet = Packet(40);
        var plain = (byte[])packet.Clone();
        var tag = new byte[16];
        sender.Seal(7, packet, tag);
        Assert.NotEqual(plain[..4], packet[..4]);
        Assert.Equal(40u, receiver.ReadLength(7, packet));
        var tampered = (byte[])packet.Clone();
        tampered[20] ^= 1;
        var failure = Assert.Throws<SshProtocolException>(() => receiver.Open(7, tampered, tag));
        Assert.Equal(DisconnectReason.MacError, failure.Reason);
        Assert.Equal(packet[4..], tampered[4..].Select((b, i) => i == 16 ? (byte)(b ^ 1) : b).ToArray());
        Assert.Throws<SshProtocolException>(() => receiver.Open(8, (byte[])packet.Clone(), tag));
        receiver.Open(7, packet, tag);
        Assert.Equal(plain[4..], packet[4..]);
    }

    private static byte[] Packet(int length)
    {
        var packet = new byte[4 + length];
        new Random(5).NextBytes(packet);
        BinaryPrimitives.WriteUInt32BigEndian(packet, (uint)length);
        return packet;
    }
}
