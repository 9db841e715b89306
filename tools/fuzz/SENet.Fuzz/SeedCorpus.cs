using System.IO.Compression;
using Google.Protobuf;
using Onnx;
using SENet.Evaluation.Imaging;
using SENet.Evaluation.Models;
using SkiaSharp;

namespace SENet.Fuzz;

/// <summary>
/// Writes the seed corpus (tools/fuzz/corpus/TARGET/): tiny images made by each encoder here, small test fixtures, and
/// SE-ResNet graphs at their smallest with the weights' bytes dropped (the inspector reads shapes, never values).
/// afl-fuzz mutates small files best, so every generated seed is a few hundred bytes to a few KB.
/// </summary>
public static class SeedCorpus
{
    private static readonly string[] JpegFixtures =
    [
        "formats/exif_rotate90_120x80.jpg", "preprocess/rgb_200x150_q90.jpg", "preprocess/gray_400x300_q90.jpg",
        "preprocess/cmyk_320x240_q90.jpg", "preprocess/rgb_500x375_q90_progressive.jpg",
    ];

    private static readonly string[] SkiaFixtures =
    [
        "formats/palette_70x50.bmp", "formats/rgb_96x64_lossless.webp", "formats/rgba_80x60_lossless.webp", "preprocess/palette_300x200.png",
    ];

    private static readonly string[] PreprocessFixtures =
    [
        "formats/exif_rotate90_120x80.jpg", "preprocess/cmyk_320x240_q90.jpg", "formats/palette_70x50.bmp", "formats/rgba_80x60_lossless.webp",
    ];

    public static void Write(string corpus, string fixtures)
    {
        var jpegs = new Dictionary<string, byte[]>
        {
            ["turbo_16x16_q90.jpg"] = JpegEncoder.Encode(Gradient(16, 16), 16, 16),
            ["turbo_17x9_q50.jpg"] = JpegEncoder.Encode(Gradient(17, 9), 17, 9, quality: 50),
            ["turbo_1x1_q90.jpg"] = JpegEncoder.Encode(Gradient(1, 1), 1, 1),
            ["skia_24x16_q75.jpg"] = SkiaEncode(24, 16, SKEncodedImageFormat.Jpeg, 75),
        };
        var others = new Dictionary<string, byte[]>
        {
            ["skia_16x16_rgba.png"] = SkiaEncode(16, 16, SKEncodedImageFormat.Png, 100, alpha: true),
            ["skia_16x16_q80.webp"] = SkiaEncode(16, 16, SKEncodedImageFormat.Webp, 80),
            ["hand_2x2_rgb16.png"] = Png16Bit(),
            ["hand_1x1_two_frames.gif"] = AnimatedGif(),
            ["hand_3x2_24bit.bmp"] = Bmp24(3, 2),
        };

        WriteAll(Path.Combine(corpus, "jpeg"), jpegs, fixtures, JpegFixtures);
        WriteAll(Path.Combine(corpus, "skia"), others, fixtures, SkiaFixtures);
        WriteAll(Path.Combine(corpus, "preprocess"), new Dictionary<string, byte[]>
        {
            ["turbo_16x16_q90.jpg"] = jpegs["turbo_16x16_q90.jpg"],
            ["turbo_17x9_q50.jpg"] = jpegs["turbo_17x9_q50.jpg"],
            ["skia_16x16_rgba.png"] = others["skia_16x16_rgba.png"],
            ["skia_16x16_q80.webp"] = others["skia_16x16_q80.webp"],
            ["hand_1x1_two_frames.gif"] = others["hand_1x1_two_frames.gif"],
            ["hand_3x2_24bit.bmp"] = others["hand_3x2_24bit.bmp"],
        }, fixtures, PreprocessFixtures);
        WriteAll(Path.Combine(corpus, "model-inspector"), Models(), fixtures, []);
    }

    /// <summary>A smooth RGB gradient: compresses to a small file that still has AC coefficients in every block.</summary>
    public static byte[] Gradient(int width, int height)
    {
        var rgb = new byte[width * height * 3];
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var i = (y * width + x) * 3;
                rgb[i] = (byte)(x * 255 / Math.Max(1, width - 1));
                rgb[i + 1] = (byte)(y * 255 / Math.Max(1, height - 1));
                rgb[i + 2] = (byte)((x + y) * 8);
            }
        }

        return rgb;
    }

    private static void WriteAll(string folder, Dictionary<string, byte[]> generated, string fixtures, string[] copied)
    {
        Directory.CreateDirectory(folder);
        foreach (var (name, bytes) in generated)
        {
            File.WriteAllBytes(Path.Combine(folder, name), bytes);
        }

        foreach (var fixture in copied)
        {
            File.Copy(Path.Combine(fixtures, fixture), Path.Combine(folder, "fixture_" + Path.GetFileName(fixture)), overwrite: true);
        }
    }

    private static Dictionary<string, byte[]> Models()
    {
        var models = new Dictionary<string, byte[]>();
        var basic = new SeResNetArchitecture("seresnet_tiny_basic", BlockKind.Basic, [1, 1]);
        var bottleneck = new SeResNetArchitecture("seresnet_tiny_bottleneck", BlockKind.Bottleneck, [1]);
        var grouped = new SeResNetArchitecture("seresnext_tiny", BlockKind.Bottleneck, [1], Groups: 4, BaseWidth: 4);
        SeResNetSpec[] specs =
        [
            new(basic, Classes: 10, InputSize: 32),
            new(bottleneck, SeResNetLayout.Caffe, Classes: 3, InputSize: 32),
            new(grouped, ReductionRatio: 0, Classes: 2, InputSize: 64),
            new(basic, Classes: 5, InputSize: 32, Fp16: true),
        ];
        foreach (var spec in specs)
        {
            var model = SeResNetBuilder.Build(spec);
            foreach (var tensor in model.Graph.Initializer)
            {
                tensor.RawData = ByteString.Empty;
                tensor.FloatData.Clear();
                tensor.Int32Data.Clear();
            }

            models[$"{spec.Architecture.Name}_{spec.Layout.ToString().ToLowerInvariant()}{(spec.Fp16 ? "_fp16" : "")}.onnx"] = model.ToByteArray();
        }

        models["linear_gemm.onnx"] = LinearModel();
        return models;
    }

    /// <summary>Flatten then Gemm over an [N,3,4,4] input: the smallest classifier the inspector accepts.</summary>
    private static byte[] LinearModel()
    {
        var graph = new GraphProto { Name = "linear" };
        graph.Input.Add(Value("pixels", [3, 4, 4]));
        graph.Output.Add(Value("scores", [4]));
        var weight = new TensorProto { Name = "w", DataType = (int)TensorProto.Types.DataType.Float };
        weight.Dims.AddRange([4, 48]);
        graph.Initializer.Add(weight);
        graph.Node.Add(new NodeProto { OpType = "Flatten", Input = { "pixels" }, Output = { "flat" } });
        graph.Node.Add(new NodeProto
        {
            OpType = "Gemm", Input = { "flat", "w" }, Output = { "scores" },
            Attribute = { new AttributeProto { Name = "transB", Type = AttributeProto.Types.AttributeType.Int, I = 1 } },
        });
        var model = new ModelProto { IrVersion = 8, Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Version = 17 });
        return model.ToByteArray();

        static ValueInfoProto Value(string name, int[] dims)
        {
            var shape = new TensorShapeProto();
            shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = "N" });
            shape.Dim.AddRange(dims.Select(d => new TensorShapeProto.Types.Dimension { DimValue = d }));
            return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = 1, Shape = shape } } };
        }
    }

    private static unsafe byte[] SkiaEncode(int width, int height, SKEncodedImageFormat format, int quality, bool alpha = false)
    {
        var rgb = Gradient(width, height);
        var rgba = new byte[width * height * 4];
        for (int i = 0, o = 0; i < rgb.Length; i += 3, o += 4)
        {
            rgba[o] = rgb[i];
            rgba[o + 1] = rgb[i + 1];
            rgba[o + 2] = rgb[i + 2];
            rgba[o + 3] = alpha ? (byte)(255 - (i / 3 % width) * 8) : (byte)255;
        }

        fixed (byte* pixels = rgba)
        {
            var info = new SKImageInfo(width, height, SKColorType.Rgba8888, alpha ? SKAlphaType.Unpremul : SKAlphaType.Opaque);
            using var image = SKImage.FromPixels(info, (nint)pixels, width * 4);
            using var data = image.Encode(format, quality);
            return data.ToArray();
        }
    }

    /// <summary>A 2×2 RGB PNG with 16 bits per sample (the 16-bit path PIL clips; Skia converts).</summary>
    private static byte[] Png16Bit()
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

        var header = new byte[13];
        WriteBigEndian(header, 0, 2);
        WriteBigEndian(header, 4, 2);
        header[8] = 16;
        header[9] = 2;
        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.Optimal))
        {
            zlib.Write(raw.ToArray());
        }

        return [0x89, .. "PNG\r\n\x1A\n"u8, .. PngChunk("IHDR", header), .. PngChunk("IDAT", compressed.ToArray()), .. PngChunk("IEND", [])];
    }

    /// <summary>A 1×1 GIF89a with two frames and a looping extension.</summary>
    private static byte[] AnimatedGif()
    {
        byte[] frame = [0x21, 0xF9, 0x04, 0x00, 0x0A, 0x00, 0x00, 0x00, 0x2C, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x02, 0x02, 0x44, 0x01, 0x00];
        return
        [
            .. "GIF89a"u8, 0x01, 0x00, 0x01, 0x00, 0x80, 0x00, 0x00, 0xFF, 0x00, 0x00, 0x00, 0x00, 0xFF,
            0x21, 0xFF, 0x0B, .. "NETSCAPE2.0"u8, 0x03, 0x01, 0x00, 0x00, 0x00,
            .. frame, .. frame, 0x3B,
        ];
    }

    /// <summary>An uncompressed bottom-up 24-bit BMP (rows padded to four bytes).</summary>
    private static byte[] Bmp24(int width, int height)
    {
        var rowBytes = (width * 3 + 3) / 4 * 4;
        var bmp = new byte[54 + rowBytes * height];
        "BM"u8.CopyTo(bmp);
        BitConverter.TryWriteBytes(bmp.AsSpan(2), bmp.Length);
        BitConverter.TryWriteBytes(bmp.AsSpan(10), 54);
        BitConverter.TryWriteBytes(bmp.AsSpan(14), 40);
        BitConverter.TryWriteBytes(bmp.AsSpan(18), width);
        BitConverter.TryWriteBytes(bmp.AsSpan(22), height);
        BitConverter.TryWriteBytes(bmp.AsSpan(26), (short)1);
        BitConverter.TryWriteBytes(bmp.AsSpan(28), (short)24);
        BitConverter.TryWriteBytes(bmp.AsSpan(34), rowBytes * height);
        var rgb = Gradient(width, height);
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var source = (y * width + x) * 3;
                var target = 54 + (height - 1 - y) * rowBytes + x * 3;
                bmp[target] = rgb[source + 2];
                bmp[target + 1] = rgb[source + 1];
                bmp[target + 2] = rgb[source];
            }
        }

        return bmp;
    }

    private static byte[] PngChunk(string type, byte[] data)
    {
        var chunk = new byte[12 + data.Length];
        WriteBigEndian(chunk, 0, data.Length);
        System.Text.Encoding.ASCII.GetBytes(type).CopyTo(chunk, 4);
        data.CopyTo(chunk, 8);
        var crc = 0xFFFFFFFFu;
        foreach (var b in chunk.AsSpan(4, 4 + data.Length))
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? 0xEDB88320u ^ (crc >> 1) : crc >> 1;
            }
        }

        WriteBigEndian(chunk, 8 + data.Length, (int)~crc);
        return chunk;
    }

    private static void WriteBigEndian(byte[] target, int offset, int value)
    {
        target[offset] = (byte)(value >> 24);
        target[offset + 1] = (byte)(value >> 16);
        target[offset + 2] = (byte)(value >> 8);
        target[offset + 3] = (byte)value;
    }
}
