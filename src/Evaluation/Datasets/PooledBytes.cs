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

    /// <summary>Reads up to <paramref name="length"/> bytes of <paramref name="stream"/> into a pooled buffer (fewer if the stream ends early).</summary>
    public static async Task<PooledBytes> ReadAsync(Stream stream, int length, CancellationToken cancellationToken)
    {
        var buffer = new PooledBytes(length);
        try
        {
            var read = 0;
            while (read < length)
            {
                var n = await stream.ReadAsync(buffer.Memory[read..], cancellationToken);
                if (n == 0)
                {
                    break;
                }

                read += n;
            }

            buffer.Length = read;
            return buffer;
        }
        catch
        {
            buffer.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        if (_array is { } array)
        {
            _array = null;
            ArrayPool<byte>.Shared.Return(array);
        }
    }
}
