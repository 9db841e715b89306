using Microsoft.Extensions.Hosting;
using SENet.Silo.Hosting;

// A SENet silo: configuration from appsettings.json, SENet__… environment variables and --SENet:…=… arguments.
var builder = Host.CreateApplicationBuilder(args);
builder.AddSenetSilo();
await builder.Build().RunAsync();
