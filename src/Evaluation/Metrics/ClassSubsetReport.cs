namespace SENet.Evaluation.Metrics;

/// <summary>Which class subset scored the job and by which convention (masked: the datasets' authors'; argmax: over every output).</summary>
public sealed record ClassSubsetReport(string File, int Classes, string Mode);
