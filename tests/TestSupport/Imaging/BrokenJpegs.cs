namespace SENet.Evaluation.Tests.Imaging;

/// <summary>JPEGs cut where a broken file is cut in the wild; shared by the decoder tests and the bad-input catalogue.</summary>
public static class BrokenJpegs
{
    public static byte[] Cut(byte[] jpeg, string cut) => cut switch
    {
        "after-SOF" => jpeg[..(Marker(jpeg, 0xC0) + 2 + ((jpeg[Marker(jpeg, 0xC0) + 2] << 8) | jpeg[Marker(jpeg, 0xC0) + 3]))],
        "inside-Huffman-table" => jpeg[..(Marker(jpeg, 0xC4) + 40)],
        "first-300-bytes" => jpeg[..300],
        "inside-scan" => jpeg[..(Marker(jpeg, 0xDA) + (jpeg.Length - Marker(jpeg, 0xDA)) / 2)],
        _ => throw new ArgumentOutOfRangeException(nameof(cut), cut, null),
    };

    /// <summary>The offset of the first marker FF <paramref name="code"/>.</summary>
    public static int Marker(byte[] jpeg, byte code)
    {
        for (var i = 2; i + 1 < jpeg.Length; i++)
        {
            if (jpeg[i] == 0xFF && jpeg[i + 1] == code)
            {
                return i;
            }
        }

        throw new InvalidDataException($"no FF {code:X2} marker");
    }
}
