# A CPU-only silo. Build from the repository root: docker build -f deploy/docker/silo-cpu.Dockerfile -t senet-silo-cpu .
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY . .
RUN dotnet publish src/Silo -c Release -o /app

FROM mcr.microsoft.com/dotnet/runtime:10.0
RUN apt-get update && apt-get install -y --no-install-recommends libturbojpeg0 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /app .
ENV SENet__Telemetry__PrometheusPort=9464 \
    SENet__Telemetry__PrometheusOnAllInterfaces=true
EXPOSE 11111 30000 9464
ENTRYPOINT ["dotnet", "senet-silo.dll"]
