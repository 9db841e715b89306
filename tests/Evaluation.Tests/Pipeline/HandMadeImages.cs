using System.IO.Compression;

namespace SENet.Evaluation.Tests.Pipeline;

/// <summary>Byte-exact image files the encoders here will not make: a PNG that lies about its size, a 16-bit PNG, an animated GIF.</summary>
internal static class HandMadeImages
{
    /// <summary>A valid PNG header declaring <paramref name="width"/> × <paramref name="height"/> RGB pixels, with (almost) no pixel data.</summary>
    public static byte[] PngDeclaring(int width, int height) => Png(width, height, bitDepth: 8, ZLibCompress([0, 0, 0, 0]));

    /// <summary>A 2×2 RGB PNG with 16 bits per sample.</summary>
    public static byte[] Png16Bit()
    {
        var raw = new List<byte>();
        for (var y = 0; y < 2; y++)
        {
            raw.Add(0);
            for (var x = 0; x < 2; x++)
            {
                raw.AddRange([0x80, 0x00, (byte)(0x40 * y), 0x00, (byte)(0x40 * x), 0x00]);
            }
        }

        return Png(2, 2, bitDepth: 16, ZLibCompress([.. raw]));
    }

    /// <summary>A 1×1 GIF89a with two frames and a looping extension.</summary>
    public static byte[] AnimatedGif()
    {
        byte[] frame = [0x21, 0xF9, 0x04, 0x00, 0x0A, 0x00, 0x00, 0x00, 0x2C, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x02, 0x02, 0x44, 0x01, 0x00];
        return
        [
            .. "GIF89a"u8, 0x01, 0x00, 0x01, 0x00, 0x80, 0x00, 0x00, 0xFF, 0x00, 0x00, 0x00, 0x00, 0xFF,
            0x21, 0xFF, 0x0B, .. "NETSCAPE2.0"u8, 0x03, 0x01, 0x00, 0x00, 0x00,
            .. frame, .. frame, 0x3B,
        ];
    }

    private static byte[] Png(int width, int height, byte bitDepth, byte[] idat)
    {
        var header = new byte[13];
        WriteBigEndian(header, 0, width);
        WriteBigEndian(header, 4, height);
        header[8] = bitDepth;
        header[9] = 2;
        return [0x89, .. "PNG\r\n\x1A\n"u8, .. Chunk("IHDR", header), .. Chunk("IDAT", idat), .. Chunk("IEND", [])];
    }

    private static byte[] Chunk(string type, byte[] data)
    {
        var chunk = new byte[12 + data.Length];
        WriteBigEndian(chunk, 0, data.Length);
        System.Text.Encoding.ASCII.GetBytes(type).CopyTo(chunk, 4);
        data.CopyTo(chunk, 8);
        WriteBigEndian(chunk, 8 + data.Length, (int)Crc32(chunk.AsSpan(4, 4 + data.Length)));
        return chunk;
    }

    private static byte[] ZLibCompress(byte[] raw)
    {
        using var output = new MemoryStream();
        using (var zlib = new ZLibStream(output, CompressionLevel.Optimal))
        {
            zlib.Write(raw);
        }

        return output.ToArray();
    }

    private static void WriteBigEndian(byte[] target, int offset, int value)
    {
        target[offset] = (byte)(value >> 24);
        target[offset + 1] = (byte)(value >> 16);
        target[offset + 2] = (byte)(value >> 8);
        target[offset + 3] = (byte)value;
    }

    private static uint Crc32(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? 0xEDB88320u ^ (crc >> 1) : crc >> 1;
            }
        }

        return ~crc;
    }
}
