namespace SENet.Evaluation.Metrics;

/// <summary>
/// The font the report's charts measure and name their text with. SkiaSharp's dependency-free Linux build has no
/// fontconfig, so without a font file registered ScottPlot draws charts with no text at all (no ticks, labels or
/// legend): the first of the usual Debian fonts found is registered once.
/// </summary>
public static class ChartFont
{
    public const string Name = "DejaVu Sans";

    private static readonly string[] Candidates =
    [
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
        "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
        "/usr/share/fonts/TTF/DejaVuSans.ttf",
    ];

    private static readonly Lazy<string?> Registered = new(Register);

    /// <summary>The registered font's name, or null where no font file was found (the charts then carry no text).</summary>
    public static string? Family => Registered.Value;

    private static string? Register()
    {
        if (Candidates.FirstOrDefault(File.Exists) is not { } file)
        {
            return null;
        }

        ScottPlot.Fonts.AddFontFile(Name, file);
        return Name;
    }
}
