namespace SENet.Evaluation.Models;

/// <summary>A graph input or output: name, element type and dimensions (symbolic ones by name).</summary>
public sealed record TensorDescription(string Name, string ElementType, IReadOnlyList<string> Dimensions)
{
    public override string ToString() => $"{Name}: {ElementType}[{string.Join(",", Dimensions)}]";
}
