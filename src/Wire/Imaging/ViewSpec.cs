using System.Globalization;

namespace SENet.Evaluation.Imaging;

/// <summary>
/// A <c>--view</c>: <c>center</c> (the default), <c>tencrop</c>, or a crop as <c>SIZE@CROP_PCT</c> (e.g. <c>224@0.875</c>:
/// resize 256, centre crop 224), optionally ten-cropped (<c>tencrop@0.875</c>, <c>224@0.875/tencrop</c>).
/// </summary>
public sealed record ViewSpec(CropView View, int? CropSize = null, double? CropPct = null)
{
    public const string Forms = "center, tencrop, SIZE@CROP_PCT (e.g. 224@0.875), tencrop@CROP_PCT or SIZE@CROP_PCT/tencrop";

    public static ViewSpec Center { get; } = new(CropView.Center);

    /// <summary>Whether a view built directly (not parsed: a client may send any) is one <see cref="TryParse"/> could give.</summary>
    public bool IsValid => Enum.IsDefined(View) && CropSize is null or >= 1 && (CropPct is null || CropPct is > 0 and <= 1) && (CropSize is null || CropPct is not null);

    public static bool TryParse(string? text, out ViewSpec view)
    {
        view = Center;
        var value = (text ?? "center").Trim().ToLowerInvariant();
        var crops = CropView.Center;
        foreach (var suffix in new[] { "/tencrop", ":tencrop" })
        {
            if (value.EndsWith(suffix, StringComparison.Ordinal))
            {
                (crops, value) = (CropView.TenCrop, value[..^suffix.Length]);
            }
        }

        if (value is "center" or "centre" or "tencrop" or "10crop")
        {
            view = new ViewSpec(value is "tencrop" or "10crop" ? CropView.TenCrop : crops);
            return true;
        }

        var at = value.IndexOf('@');
        if (at < 0)
        {
            return false;
        }

        var size = value[..at];
        if (size is "tencrop" or "10crop")
        {
            (crops, size) = (CropView.TenCrop, "");
        }

        int? cropSize = null;
        if (size.Length > 0)
        {
            if (!int.TryParse(size, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) || parsed < 1)
            {
                return false;
            }

            cropSize = parsed;
        }

        if (!double.TryParse(value[(at + 1)..], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var pct) || !(pct > 0 && pct <= 1))
        {
            return false;
        }

        view = new ViewSpec(crops, cropSize, pct);
        return true;
    }

    public static ViewSpec Parse(string? text) =>
        TryParse(text, out var view) ? view : throw new ArgumentException($"--view {text} cannot work: use {Forms}, with a crop_pct above 0 and at most 1.");

    /// <summary>The canonical form: what the report says.</summary>
    public override string ToString()
    {
        var crop = CropPct is { } pct ? $"{CropSize?.ToString(CultureInfo.InvariantCulture) ?? ""}@{pct.ToString(CultureInfo.InvariantCulture)}" : null;
        return (View, crop) switch
        {
            (CropView.TenCrop, null) => "tencrop",
            (CropView.TenCrop, _) => $"{crop}/tencrop",
            (_, null) => "center",
            _ => crop,
        };
    }
}
