using System.Buffers.Binary;
using System.IO.Compression;

namespace SENet.Evaluation.Imaging;

/// <summary>
/// What PIL decides about a PNG before any pixel is decoded, which libpng decides differently: PIL checks the CRC of
/// every chunk before the image data (a bad one refuses the file) and never checks the image data's CRCs (a bad one
/// is decoded). libpng refuses a bad IDAT CRC, so those CRCs are recomputed before Skia sees the file.
/// </summary>
internal static class PngFile
{
    private static readonly uint[] CrcTable = BuildCrcTable();

    public static bool IsPng(ReadOnlySpan<byte> encoded) => encoded.StartsWith((ReadOnlySpan<byte>)[0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);

    /// <summary>Bit depth and colour type from IHDR, or null when the header is missing or short.</summary>
    public static (int BitDepth, int ColorType)? Header(ReadOnlySpan<byte> encoded) =>
        IsPng(encoded) && encoded.Length >= 8 + 8 + 13 && encoded.Slice(12, 4).SequenceEqual("IHDR"u8)
            ? (encoded[24], encoded[25])
            : null;

    /// <summary>
    /// Null when the file's CRCs are as PIL needs them; otherwise a copy whose image-data chunks (the first IDAT and
    /// every chunk after it) carry correct CRCs, and the warning to keep with the image. A bad CRC before the image data
    /// is refused with PIL's reason.
    /// </summary>
    public static byte[]? RepairDataCrcs(ReadOnlySpan<byte> encoded, out string? warning)
    {
        warning = null;
        byte[]? repaired = null;
        var dataSeen = false;
        var bad = new List<string>();
        for (var offset = 8; offset + 12 <= encoded.Length;)
        {
            var length = BinaryPrimitives.ReadUInt32BigEndian(encoded[offset..]);
            if (length > int.MaxValue || offset + 12 + (long)length > encoded.Length)
            {
                break; // a truncated chunk: libpng reports the truncation itself, as PIL does
            }

            var typeAndData = encoded.Slice(offset + 4, 4 + (int)length);
            var type = System.Text.Encoding.ASCII.GetString(typeAndData[..4]);
            dataSeen |= type == "IDAT";
            var stored = BinaryPrimitives.ReadUInt32BigEndian(encoded[(offset + 8 + (int)length)..]);
            var actual = Crc32(typeAndData);
            if (stored != actual)
            {
                if (!dataSeen)
                {
                    throw new ImageDecodeException($"broken PNG file: bad CRC in the {type} chunk before the image data (PIL refuses it too)");
                }

                repaired ??= encoded.ToArray();
                BinaryPrimitives.WriteUInt32BigEndian(repaired.AsSpan(offset + 8 + (int)length), actual);
                if (!bad.Contains(type))
                {
                    bad.Add(type);
                }
            }

            if (type == "IEND")
            {
                break;
            }

            offset += 12 + (int)length;
        }

        if (repaired is not null)
        {
            warning = $"PNG decoded with a warning: bad CRC in {string.Join(", ", bad)} (ignored, as PIL ignores image-data CRCs)";
        }

        return repaired;
    }

    /// <summary>
    /// The samples of a 16-bit grayscale PNG, row by row, read here because Skia reduces them to their high byte on the
    /// way in. Interlaced (Adam7) files are put back in place pass by pass. Damage is an <see cref="ImageDecodeException"/>.
    /// </summary>
    public static ushort[] DecodeGrayscaleSixteenBit(ReadOnlySpan<byte> encoded, int width, int height)
    {
        (int X, int Y, int StepX, int StepY)[] passes = encoded.Length > 28 && encoded[28] == 1
            ? [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]
            : [(0, 0, 1, 1)];
        using var compressed = new MemoryStream();
        for (var offset = 8; offset + 12 <= encoded.Length;)
        {
            var length = (int)Math.Min(BinaryPrimitives.ReadUInt32BigEndian(encoded[offset..]), int.MaxValue);
            if (offset + 12 + (long)length > encoded.Length)
            {
                throw new ImageDecodeException("PNG decode failed: the file is truncated inside a chunk");
            }

            var type = encoded.Slice(offset + 4, 4);
            if (type.SequenceEqual("IDAT"u8))
            {
                compressed.Write(encoded.Slice(offset + 8, length));
            }
            else if (type.SequenceEqual("IEND"u8))
            {
                break;
            }

            offset += 12 + length;
        }

        var sizes = passes.Select(p => (Width: (width - p.X + p.StepX - 1) / p.StepX, Height: (height - p.Y + p.StepY - 1) / p.StepY))
            .Select(p => p.Width > 0 && p.Height > 0 ? p : (Width: 0, Height: 0)).ToArray();
        var raw = new byte[checked(sizes.Sum(p => (long)p.Height * (p.Width * 2 + 1)))];
        compressed.Position = 0;
        try
        {
            using var inflater = new ZLibStream(compressed, CompressionMode.Decompress);
            inflater.ReadExactly(raw);
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException)
        {
            throw new ImageDecodeException($"PNG decode failed: the image data is corrupt or truncated ({e.Message})");
        }

        var samples = new ushort[checked(width * height)];
        var at = 0;
        for (var pass = 0; pass < passes.Length; pass++)
        {
            var (passWidth, passHeight) = sizes[pass];
            var stride = passWidth * 2;
            var previous = new byte[stride];
            var row = new byte[stride];
            for (var y = 0; y < passHeight; y++, at += stride + 1)
            {
                raw.AsSpan(at + 1, stride).CopyTo(row);
                Unfilter(raw[at], row, previous);
                var imageY = passes[pass].Y + y * passes[pass].StepY;
                for (var x = 0; x < passWidth; x++)
                {
                    samples[imageY * width + passes[pass].X + x * passes[pass].StepX] = BinaryPrimitives.ReadUInt16BigEndian(row.AsSpan(x * 2));
                }

                (previous, row) = (row, previous);
            }
        }

        return samples;
    }

    private static void Unfilter(byte filter, Span<byte> row, ReadOnlySpan<byte> previous)
    {
        const int bytesPerPixel = 2;
        for (var i = 0; i < row.Length; i++)
        {
            int left = i >= bytesPerPixel ? row[i - bytesPerPixel] : 0, up = previous[i], upLeft = i >= bytesPerPixel ? previous[i - bytesPerPixel] : 0;
            row[i] = filter switch
            {
                0 => row[i],
                1 => (byte)(row[i] + left),
                2 => (byte)(row[i] + up),
                3 => (byte)(row[i] + ((left + up) >> 1)),
                4 => (byte)(row[i] + Paeth(left, up, upLeft)),
                _ => throw new ImageDecodeException($"PNG decode failed: unknown row filter {filter}"),
            };
        }

        static int Paeth(int a, int b, int c)
        {
            int p = a + b - c, pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
            return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
        }
    }

    internal static uint Crc32(ReadOnlySpan<byte> bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            crc = CrcTable[(crc ^ b) & 0xFF] ^ (crc >> 8);
        }

        return crc ^ 0xFFFFFFFFu;
    }

    private static uint[] BuildCrcTable()
    {
        var table = new uint[256];
        for (var n = 0u; n < 256; n++)
        {
            var c = n;
            for (var k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            }

            table[n] = c;
        }

        return table;
    }
}
