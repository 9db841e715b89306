# syntax=docker/dockerfile:1
# A CPU-only SENet silo (image senet-silo-cpu). Build from the repository root:
#   docker build -f deploy/docker/silo-cpu.Dockerfile -t senet-silo-cpu .
#
# The .NET 10 images are Ubuntu 24.04 "noble" (Microsoft ships no Debian images for .NET 10), so TurboJPEG is
# Ubuntu's package `libturbojpeg` (Debian calls it libturbojpeg0); both install libturbojpeg.so.0.
# The runtime is the ASP.NET Core one: the silo has a FrameworkReference to Microsoft.AspNetCore.App (the
# Orleans dashboard), which the plain dotnet/runtime image does not carry.

# The SDK stage runs on the build machine's own platform (fast on arm64 laptops too) and publishes for linux-x64.
FROM --platform=$BUILDPLATFORM mcr.microsoft.com/dotnet/sdk:10.0-noble AS build
WORKDIR /src
COPY . .
# The NuGet cache is a BuildKit cache mount: the ONNX Runtime GPU package alone is ~300 MB, fetched once.
RUN --mount=type=cache,id=senet-nuget,target=/root/.nuget/packages \
    dotnet publish src/Silo/SENet.Silo.csproj -c Release -r linux-x64 --self-contained false \
        -p:UseAppHost=false -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0-noble
RUN apt-get update \
    && apt-get install -y --no-install-recommends libturbojpeg fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/* \
    && ldconfig -p | grep -q 'libturbojpeg.so.0'
WORKDIR /app
COPY --from=build /app .
ENV SENet__Telemetry__PrometheusPort=9464 \
    SENet__Telemetry__PrometheusOnAllInterfaces=true
# silo-to-silo, client gateway, Prometheus /metrics
EXPOSE 11111 30000 9464
# The non-root user the .NET images define (uid 1654, "app"); the Kubernetes manifests run as the same uid.
USER $APP_UID
ENTRYPOINT ["dotnet", "senet-silo.dll"]
