namespace SENet.Client.Benchmarks.Coordinator;

/// <summary>A blob listing ready to plan: its location, its container, and what this run uploaded for it (0 when an earlier run had).</summary>
public sealed record BlobListingReady(string Location, string Container, long Uploaded, double UploadSeconds);
