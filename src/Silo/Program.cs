using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using SENet.Silo.Hosting;

// A SENet silo: configuration from appsettings.json (beside the program), SENet__… environment variables and --SENet:…=… arguments.
if (SiloHelp.IsRequested(args))
{
    Console.Out.Write(SiloHelp.Text);
    return 0;
}

IHost silo;
try
{
    silo = SiloApp.Build(args);
}
catch (Exception e) when (e is OptionsValidationException or ArgumentException or InvalidOperationException or FileNotFoundException)
{
    // A configuration the silo cannot run with (a setting, a port in use): one line naming it, not a stack trace.
    Console.Error.WriteLine($"error: {e.Message}");
    return 1;
}

await silo.RunAsync();
return 0;
