namespace SENet.Evaluation.Datasets;

/// <summary>One shard as planning wrote its manifest: its id (shards are planned in id order), its image count, and its last image, which marks how far the listing got.</summary>
public sealed record PlannedShard(int Id, int Images, string LastImage);
