using System.Buffers;
using Microsoft.AspNetCore.Connections;

namespace Agent.Runtime.ControlPlane;

/// <summary>
/// Kestrel's connection memory in 64 KiB blocks instead of its default 4 KiB: the socket transport reads at most half
/// a block at a time, and relayed bulk streams would otherwise cost a receive call (and a thread hop) per 2–4 KiB.
/// </summary>
internal sealed class RelayMemoryPoolFactory : IMemoryPoolFactory<byte>
{
    public const int BlockSize = 64 * 1024;

    public MemoryPool<byte> Create(MemoryPoolOptions? options = null) => new Pool();

    private sealed class Pool : MemoryPool<byte>
    {
        public override int MaxBufferSize => BlockSize;

        public override IMemoryOwner<byte> Rent(int minBufferSize = -1)
        {
            ArgumentOutOfRangeException.ThrowIfGreaterThan(minBufferSize, BlockSize);
            return new Block(ArrayPool<byte>.Shared.Rent(BlockSize));
        }

        protected override void Dispose(bool disposing)
        {
        }
    }

    private sealed class Block(byte[] array) : IMemoryOwner<byte>
    {
        private byte[]? _array = array;

        public Memory<byte> Memory => _array ?? throw new ObjectDisposedException(nameof(Block));

        public void Dispose()
        {
            var array = Interlocked.Exchange(ref _array, null);
            if (array is not null)
                ArrayPool<byte>.Shared.Return(array);
        }
    }
}
