using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Orleans.Dashboard;

namespace SENet.Silo.Hosting;

/// <summary>The silo program: a generic host, or a web host when the Orleans dashboard is switched on.</summary>
public static class SiloApp
{
    public static IHost Build(string[] args)
    {
        var configuration = new ConfigurationBuilder().AddJsonFile("appsettings.json", optional: true).AddEnvironmentVariables().AddCommandLine(args).Build();
        var telemetry = configuration.GetSection(TelemetryOptions.Section).Get<TelemetryOptions>() ?? new TelemetryOptions();
        if (telemetry.DashboardPort is not { } port)
        {
            var builder = Host.CreateApplicationBuilder(args);
            builder.AddSenetSilo();
            return builder.Build();
        }

        var web = WebApplication.CreateBuilder(args);
        web.WebHost.UseUrls($"http://localhost:{port}");
        web.AddSenetSilo();
        var app = web.Build();
        app.MapOrleansDashboard();
        return app;
    }
}
