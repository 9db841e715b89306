namespace SENet.Evaluation.Metrics;

/// <summary>A job's predictions joined into one CSV: the bytes, the rows (images) and how many shard parts they came from.</summary>
public sealed record JoinedPredictions(byte[] Csv, int Rows, int Parts);
