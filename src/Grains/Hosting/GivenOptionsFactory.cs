using Microsoft.Extensions.Options;

namespace SENet.Grains.Hosting;

/// <summary>
/// Options whose starting values are given in code (the embedded cluster, tests, the silo's values bound while it was
/// built) rather than created empty: configuration binding, <c>Configure&lt;T&gt;</c> and the validators still apply on
/// top, so what a consumer reads through <see cref="IOptions{TOptions}"/> is the given values as configured and checked.
/// </summary>
public sealed class GivenOptionsFactory<TOptions>(TOptions given, IEnumerable<IConfigureOptions<TOptions>> setups, IEnumerable<IPostConfigureOptions<TOptions>> postConfigures,
    IEnumerable<IValidateOptions<TOptions>> validations) : OptionsFactory<TOptions>(setups, postConfigures, validations)
    where TOptions : class
{
    protected override TOptions CreateInstance(string name) => given;
}
