namespace SENet.Client.Suites;

/// <summary>One dataset's job of a suite on the cluster.</summary>
public sealed record SuiteMember(string Dataset, string JobId);
