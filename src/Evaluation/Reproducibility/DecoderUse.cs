namespace SENet.Evaluation.Reproducibility;

/// <summary>Which decoder decoded how many images of one format.</summary>
public sealed record DecoderUse(string Format, string Decoder, long Images);
