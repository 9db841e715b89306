using System.Security.Cryptography;
using System.Text;

namespace SENet.Evaluation.Reproducibility;

/// <summary>SHA-256 digests for the record, lower-case hex.</summary>
public static class Digests
{
    public static async Task<string> FileSha256Async(string path, CancellationToken cancellationToken)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken));
    }

    public static string TextSha256(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
