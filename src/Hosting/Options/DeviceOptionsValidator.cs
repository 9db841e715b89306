using Microsoft.Extensions.Options;
using SENet.Grains.Devices;

namespace SENet.Silo.Hosting;

/// <summary>Refuses <c>SENet:Devices</c> settings that cannot work (negative counts, an unknown cuDNN search), naming the key.</summary>
public sealed class DeviceOptionsValidator : IValidateOptions<DeviceOptions>
{
    public ValidateOptionsResult Validate(string? name, DeviceOptions options)
    {
        try
        {
            options.Validate();
            return ValidateOptionsResult.Success;
        }
        catch (ArgumentException e)
        {
            return ValidateOptionsResult.Fail(e.Message);
        }
    }
}
