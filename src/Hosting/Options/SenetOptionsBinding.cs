using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using SENet.Evaluation.Storage;
using SENet.Grains.Devices;
using SENet.Grains.Hosting;
using SENet.Grains.Jobs;

namespace SENet.Silo.Hosting;

/// <summary>
/// Every SENet configuration section as options: bound with <c>AddOptions&lt;T&gt;().BindConfiguration(section)</c>,
/// checked by an <see cref="IValidateOptions{TOptions}"/> whose messages name the key and what is allowed, and checked
/// when the host starts (<c>ValidateOnStart</c>), so a silo with a bad value refuses to start rather than failing later.
/// Consumers read them through <see cref="IOptions{TOptions}"/>; tests change them with <c>Configure&lt;T&gt;</c>.
/// </summary>
public static class SenetOptionsBinding
{
    public static IServiceCollection AddSenetOptions(this IServiceCollection services)
    {
        services.Add<SiloOptions, SiloOptionsValidator>(SiloOptions.Section);
        services.Add<DeviceOptions, DeviceOptionsValidator>(DeviceOptions.Section);
        services.Add<StorageOptions, StorageOptionsValidator>(StorageOptions.Section);
        services.Add<TelemetryOptions, TelemetryOptionsValidator>(TelemetryOptions.Section);
        services.Add<TlsSettings, TlsSettingsValidator>(TlsSettings.Section);
        services.Add<JobStateOptions, JobStateOptionsValidator>(JobStateOptions.Section);
        services.AddOptions<FaultInjectionOptions>().BindConfiguration(FaultInjectionOptions.Section);
        return services;
    }

    /// <summary>
    /// The same options and checks with values given in code (the embedded cluster, benchmarks): what is not given
    /// keeps its defaults. <c>Configure&lt;T&gt;</c> still applies on top, and the checks still run at start.
    /// </summary>
    public static IServiceCollection AddSenetOptions(this IServiceCollection services, SiloOptions silo, DeviceOptions devices, StorageOptions storage, TelemetryOptions telemetry)
    {
        services.Add<SiloOptions, SiloOptionsValidator>(silo);
        services.Add<DeviceOptions, DeviceOptionsValidator>(devices);
        services.Add<StorageOptions, StorageOptionsValidator>(storage);
        services.Add<TelemetryOptions, TelemetryOptionsValidator>(telemetry);
        services.Add<JobStateOptions, JobStateOptionsValidator>(new JobStateOptions());
        return services;
    }

    /// <summary>
    /// The options of <paramref name="configuration"/> as the silo will read them, bound and validated by the same
    /// registrations, while its host is still being built: the silo's shape (clustering provider, advertised devices,
    /// exporters, certificate) is decided from them. Throws <see cref="OptionsValidationException"/> naming the key.
    /// </summary>
    public static TOptions Resolve<TOptions>(this IConfiguration configuration) where TOptions : class
    {
        using var provider = new ServiceCollection().AddSingleton(configuration).AddSenetOptions().BuildServiceProvider();
        return provider.GetRequiredService<IOptions<TOptions>>().Value;
    }

    private static void Add<TOptions, TValidator>(this IServiceCollection services, string section)
        where TOptions : class
        where TValidator : class, IValidateOptions<TOptions>
    {
        services.AddOptions<TOptions>().BindConfiguration(section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TOptions>, TValidator>());
    }

    private static void Add<TOptions, TValidator>(this IServiceCollection services, TOptions given)
        where TOptions : class
        where TValidator : class, IValidateOptions<TOptions>
    {
        services.AddGivenOptions(given).AddOptions<TOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TOptions>, TValidator>());
    }
}
