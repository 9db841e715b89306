using Microsoft.Extensions.Hosting;
using SENet.Silo.Hosting;

// A SENet silo: configuration from appsettings.json, SENet__… environment variables and --SENet:…=… arguments.
IHost silo;
try
{
    silo = SiloApp.Build(args);
}
catch (Exception e) when (e is ArgumentException or InvalidOperationException or FileNotFoundException)
{
    // A configuration the silo cannot run with: one line naming the setting, not a stack trace.
    Console.Error.WriteLine($"error: {e.Message}");
    return 1;
}

await silo.RunAsync();
return 0;
