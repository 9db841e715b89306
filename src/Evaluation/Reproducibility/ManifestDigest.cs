using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using SENet.Evaluation.Datasets;

namespace SENet.Evaluation.Reproducibility;

/// <summary>
/// SHA-256 of a job's image list in dataset order, one line "name TAB label LF" an image (UTF-8): the same images with
/// the same labels give the same digest however the job was sharded.
/// </summary>
public sealed class ManifestDigest : IDisposable
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    public long Images { get; private set; }

    public void Add(IEnumerable<LabelledImage> images)
    {
        foreach (var image in images)
        {
            _hash.AppendData(Encoding.UTF8.GetBytes($"{image.Path}\t{image.Label.ToString(CultureInfo.InvariantCulture)}\n"));
            Images++;
        }
    }

    /// <summary>The digest, lower-case hex; the hash is spent afterwards.</summary>
    public string Finish() => Convert.ToHexStringLower(_hash.GetHashAndReset());

    public void Dispose() => _hash.Dispose();
}
