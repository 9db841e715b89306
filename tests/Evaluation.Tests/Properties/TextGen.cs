using CsCheck;

namespace SENet.Evaluation.Tests.Properties;

/// <summary>Strings that hold what breaks text formats: separators, quotes, line breaks, BOMs, non-ASCII and surrogate pairs.</summary>
internal static class TextGen
{
    private static readonly Gen<string> Piece = Gen.Frequency<string>(
        (6, Gen.Char.AlphaNumeric.Select(c => c.ToString())),
        (4, Gen.OneOf(",", "\"", "\"\"", " ", "\t", "\n", "\r", "\r\n", "#", ".", "/", "\\", "'", ";", "=")),
        (2, Gen.OneOf("é", "ß", "日本", "Ж", "\u00A0", "\uFEFF", "😀", "𝄞", "\u0301", "\0")),
        (1, Gen.Int[0, 99999].Select(n => n.ToString(System.Globalization.CultureInfo.InvariantCulture))));

    /// <summary>Valid UTF-16 (no lone surrogates): survives UTF-8 encoding unchanged.</summary>
    public static Gen<string> Field(int maxPieces = 12) => Piece.Array[0, maxPieces].Select(string.Concat);

    /// <summary>Any UTF-16 code units, lone surrogates and control characters included.</summary>
    public static Gen<string> AnyText { get; } = Gen.Frequency<string>(
        (3, Piece.Array[0, 40].Select(string.Concat)),
        (1, Gen.Char['\0', '\uFFFF'].Array[0, 40].Select(chars => new string(chars))));
}
