namespace SENet.Contracts.Jobs;

/// <summary>Images <see cref="Start"/> to <see cref="Start"/> + <see cref="Count"/> − 1 of a shard's manifest.</summary>
[GenerateSerializer, Immutable, Alias("senet.ImageRange")]
public sealed record ImageRange([property: Id(0)] int Start, [property: Id(1)] int Count)
{
    public override string ToString() => Count == 1 ? $"image {Start}" : $"images {Start}–{Start + Count - 1}";
}
