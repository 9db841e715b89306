using Microsoft.Extensions.Options;

namespace SENet.Silo.Hosting;

/// <summary>Refuses a <c>SENet:Tls</c> certificate that cannot be opened (missing file, wrong password), naming the key, never the password.</summary>
public sealed class TlsSettingsValidator : IValidateOptions<TlsSettings>
{
    public ValidateOptionsResult Validate(string? name, TlsSettings options)
    {
        try
        {
            using var certificate = options.Load();
            return ValidateOptionsResult.Success;
        }
        catch (Exception e) when (e is FileNotFoundException or ArgumentException)
        {
            return ValidateOptionsResult.Fail(e.Message);
        }
    }
}
