namespace SENet.Client.Suites;

/// <summary>
/// A row of a suite's table: a model, and the view when its jobs score several (one row per model × view); a job of one
/// view leaves <paramref name="View"/> empty, its view being that dataset's convention.
/// </summary>
public readonly record struct SuiteRow(string Model, string? View)
{
    public override string ToString() => View is null ? Model : $"{Model} ({View})";
}
