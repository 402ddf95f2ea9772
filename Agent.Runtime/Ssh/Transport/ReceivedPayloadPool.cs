using System.Collections.Concurrent;
using System.Numerics;
using System.Runtime.InteropServices;

namespace Agent.Runtime.Ssh.Transport;

/// <summary>
/// Buffers for received payloads on their way from the transport's read loop to their consumer. Sizes are a power of
/// two plus <see cref="Slack"/> bytes, so the usual CHANNEL_DATA packet (a power-of-two piece of data after its 9 or 13
/// byte header) takes a buffer barely larger than itself: <see cref="System.Buffers.ArrayPool{T}"/>'s powers of two
/// would double it, and with it the memory behind the data a slow consumer's window holds. Each size keeps up to 1 MiB
/// (at least four buffers) of those handed back; a buffer never handed back is simply collected.
/// </summary>
internal static class ReceivedPayloadPool
{
    /// <summary>Room beyond the power of two: a CHANNEL_EXTENDED_DATA header (13 bytes) with plenty to spare.</summary>
    public const int Slack = 64;

    private const int MinShift = 10;
    private const int MaxShift = 18;
    private const int PooledBytesPerSize = 1024 * 1024;

    private static readonly ConcurrentBag<byte[]>[] Pooled = [.. Enumerable.Range(0, MaxShift - MinShift + 1).Select(_ => new ConcurrentBag<byte[]>())];
    private static readonly int[] Counts = new int[MaxShift - MinShift + 1];

    /// <summary>A buffer of at least <paramref name="length"/> bytes (not cleared); exactly that long beyond the largest size.</summary>
    public static byte[] Rent(int length)
    {
        var size = SizeIndex(length);
        if (size < 0)
            return GC.AllocateUninitializedArray<byte>(length);
        if (Pooled[size].TryTake(out var buffer))
        {
            Interlocked.Decrement(ref Counts[size]);
            return buffer;
        }

        return GC.AllocateUninitializedArray<byte>(SizeOf(size));
    }

    /// <summary>A pooled copy of <paramref name="payload"/>: its new owner hands it back with <see cref="Return(ReadOnlyMemory{byte})"/>.</summary>
    public static ReadOnlyMemory<byte> Copy(ReadOnlySpan<byte> payload)
    {
        var owned = Rent(payload.Length);
        payload.CopyTo(owned);
        return owned.AsMemory(0, payload.Length);
    }

    /// <summary>Keeps the buffer behind <paramref name="payload"/> (one <see cref="Copy"/> made) for a later copy.</summary>
    public static void Return(ReadOnlyMemory<byte> payload)
    {
        if (MemoryMarshal.TryGetArray(payload, out var segment) && segment.Array is { } array)
            Return(array);
    }

    /// <summary>Keeps <paramref name="buffer"/> for a later <see cref="Rent"/> when it is one of the pool's sizes and that size has room.</summary>
    public static void Return(byte[] buffer)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        var size = SizeIndex(buffer.Length);
        if (size < 0 || SizeOf(size) != buffer.Length)
            return;
        if (Interlocked.Increment(ref Counts[size]) > Math.Max(4, PooledBytesPerSize / buffer.Length))
        {
            Interlocked.Decrement(ref Counts[size]);
            return;
        }

        Pooled[size].Add(buffer);
    }

    private static int SizeOf(int index) => (1 << (index + MinShift)) + Slack;

    // The smallest size holding `length` bytes, or -1 beyond the largest.
    private static int SizeIndex(int length)
    {
        if (length > (1 << MaxShift) + Slack)
            return -1;
        var power = BitOperations.RoundUpToPowerOf2((uint)Math.Max(length - Slack, 1));
        return Math.Max(BitOperations.Log2(power), MinShift) - MinShift;
    }
}
