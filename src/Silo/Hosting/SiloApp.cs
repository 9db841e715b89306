using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;
using Orleans.Dashboard;

namespace SENet.Silo.Hosting;

/// <summary>The silo program: a generic host, or a web host when the Orleans dashboard is switched on.</summary>
public static class SiloApp
{
    /// <summary>
    /// The program's own folder: appsettings.json is read from there whatever the working directory (dotnet run
    /// --project src/Silo from the repository root used to miss it, and with it the Orleans log level).
    /// </summary>
    public static string ContentRoot => AppContext.BaseDirectory;

    /// <summary>UTC, sortable, to the millisecond: silo logs are read side by side across nodes.</summary>
    public const string LogTimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";

    /// <summary>
    /// The silo's host, built and checked but not started. A setting that cannot work throws
    /// <see cref="OptionsValidationException"/> naming its key; a port in use, <see cref="InvalidOperationException"/>.
    /// </summary>
    public static IHost Build(string[] args)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, ContentRootPath = ContentRoot });
        // Read from the host's own configuration, through the options' binding and checks.
        var telemetry = builder.Configuration.Resolve<TelemetryOptions>();
        var silo = builder.Configuration.Resolve<SiloOptions>();
        ListeningPorts.EnsureFree(
        [
            ("SENet:Silo:SiloPort", silo.SiloPort),
            ("SENet:Silo:GatewayPort", silo.GatewayPort),
            ("SENet:Telemetry:PrometheusPort", telemetry.PrometheusPort),
            ("SENet:Telemetry:DashboardPort", telemetry.DashboardPort),
        ]);
        if (telemetry.DashboardPort is not { } port)
        {
            AddTimestamps(builder.Services);
            builder.AddSenetSilo();
            return Checked(builder.Build());
        }

        // The dashboard needs ASP.NET Core's web host: its builder reads the same sources (appsettings.json beside the
        // program, environment, arguments) in place of the generic one.
        var web = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = ContentRoot });
        AddTimestamps(web.Services);
        web.WebHost.UseUrls($"http://localhost:{port}");
        web.AddSenetSilo();
        // The dashboard is the program's alone (ASP.NET Core): the hosting library, and with it the CLI, carry none.
        web.UseOrleans(orleans => orleans.AddDashboard());
        var app = web.Build();
        app.MapOrleansDashboard();
        return Checked(app);
    }

    /// <summary>
    /// Runs the checks the host would run as it starts (ValidateOnStart) now: a refusal then comes before the host logs
    /// anything, as one <see cref="OptionsValidationException"/> naming every key that cannot work, not as a failed start
    /// with a logged stack trace.
    /// </summary>
    private static IHost Checked(IHost host)
    {
        try
        {
            host.Services.GetService<IStartupValidator>()?.Validate();
            return host;
        }
        catch (AggregateException several) when (several.InnerExceptions.All(e => e is OptionsValidationException))
        {
            host.Dispose();
            var first = (OptionsValidationException)several.InnerExceptions[0];
            throw new OptionsValidationException(first.OptionsName, first.OptionsType, several.InnerExceptions.SelectMany(e => ((OptionsValidationException)e).Failures));
        }
        catch (OptionsValidationException)
        {
            host.Dispose();
            throw;
        }
    }

    /// <summary>Timestamps on every console line, unless the configuration chose its own format.</summary>
    private static void AddTimestamps(IServiceCollection services)
    {
        // With no formatter named, the console logger copies its own obsolete options over the formatter's.
        services.Configure<ConsoleLoggerOptions>(o => o.FormatterName ??= ConsoleFormatterNames.Simple);
        services.Configure<SimpleConsoleFormatterOptions>(o =>
        {
            if (o.TimestampFormat is null)
            {
                o.TimestampFormat = LogTimestampFormat;
                o.UseUtcTimestamp = true;
            }
        });
    }
}
