using System.Buffers;

namespace SENet.Evaluation.Datasets;

/// <summary>A byte buffer rented from the shared pool, exposing exactly the bytes read.</summary>
public sealed class PooledBytes : IMemoryOwner<byte>
{
    private byte[]? _array;

    public PooledBytes(int length)
    {
        _array = ArrayPool<byte>.Shared.Rent(Math.Max(length, 1));
        Length = length;
    }

    public int Length { get; set; }

    public Memory<byte> Memory => (_array ?? throw new ObjectDisposedException(nameof(PooledBytes))).AsMemory(0, Length);

    public void Dispose()
    {
        if (_array is { } array)
        {
            _array = null;
            ArrayPool<byte>.Shared.Return(array);
        }
    }
}
