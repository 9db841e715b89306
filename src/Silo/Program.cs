using Microsoft.Extensions.Hosting;
using SENet.Silo.Hosting;

// A SENet silo: configuration from appsettings.json, SENet__… environment variables and --SENet:…=… arguments.
await SiloApp.Build(args).RunAsync();
