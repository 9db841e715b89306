namespace SENet.Evaluation.Models;

/// <summary>A member of the SE-ResNet family: block kind, blocks per stage and (for ResNeXt) cardinality.</summary>
public sealed record SeResNetArchitecture(string Name, BlockKind Block, IReadOnlyList<int> BlocksPerStage, int Groups = 1, int BaseWidth = 64)
{
    public static SeResNetArchitecture SeResNet18 { get; } = new("seresnet18", BlockKind.Basic, [2, 2, 2, 2]);
    public static SeResNetArchitecture SeResNet34 { get; } = new("seresnet34", BlockKind.Basic, [3, 4, 6, 3]);
    public static SeResNetArchitecture SeResNet50 { get; } = new("seresnet50", BlockKind.Bottleneck, [3, 4, 6, 3]);
    public static SeResNetArchitecture SeResNet101 { get; } = new("seresnet101", BlockKind.Bottleneck, [3, 4, 23, 3]);
    public static SeResNetArchitecture SeResNet152 { get; } = new("seresnet152", BlockKind.Bottleneck, [3, 8, 36, 3]);
    public static SeResNetArchitecture SeResNeXt50_32x4d { get; } = new("seresnext50_32x4d", BlockKind.Bottleneck, [3, 4, 6, 3], Groups: 32, BaseWidth: 4);

    public static IReadOnlyList<SeResNetArchitecture> All { get; } =
        [SeResNet18, SeResNet34, SeResNet50, SeResNet101, SeResNet152, SeResNeXt50_32x4d];

    public int Expansion => Block == BlockKind.Basic ? 1 : 4;

    public static SeResNetArchitecture Parse(string name)
    {
        var normalized = name.Trim().ToLowerInvariant().Replace("-", "").Replace("_", "");
        foreach (var architecture in All)
        {
            if (architecture.Name.Replace("_", "") == normalized)
            {
                return architecture;
            }
        }

        throw new ArgumentException(
            $"Unknown architecture '{name}'. Choose one of: {string.Join(", ", All.Select(a => a.Name))}.", nameof(name));
    }
}
