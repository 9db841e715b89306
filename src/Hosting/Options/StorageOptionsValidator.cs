using Microsoft.Extensions.Options;
using SENet.Evaluation.Storage;

namespace SENet.Silo.Hosting;

/// <summary>Refuses <c>SENet:Storage</c> settings that cannot work, naming the key; never repeats a connection string.</summary>
public sealed class StorageOptionsValidator : IValidateOptions<StorageOptions>
{
    public ValidateOptionsResult Validate(string? name, StorageOptions options)
    {
        var failures = new List<string>();
        if (options.AccountUrl is { Length: > 0 } account && (!Uri.TryCreate(account, UriKind.Absolute, out var url) || url.Scheme is not ("https" or "http")))
        {
            failures.Add($"{StorageOptions.Section}:AccountUrl '{account}' is not an account address: use https://ACCOUNT.blob.core.windows.net.");
        }

        if (options.MaxModelBytes <= 0)
        {
            failures.Add($"{StorageOptions.Section}:MaxModelBytes={options.MaxModelBytes} must be positive (bytes; default {Evaluation.Models.ModelFiles.DefaultMaxBytes}).");
        }

        if (options.MaxRetries < 0)
        {
            failures.Add($"{StorageOptions.Section}:MaxRetries={options.MaxRetries} must be 0 (no retry) or more (default 6).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
