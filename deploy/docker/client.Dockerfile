# syntax=docker/dockerfile:1
# The senet CLI (image senet-client): the job verbs against a cluster (submit, watch, status, results, cancel,
# jobs, silos) and, on the CPU, evaluate, bench and model. Build from the repository root:
#   docker build -f deploy/docker/client.Dockerfile -t senet-client .
#   docker run --rm senet-client --help
#
# The plain .NET 10 runtime on Ubuntu 24.04, plus TurboJPEG for evaluate and bench: the CLI references the hosting
# library (src/Hosting) for the embedded cluster, not the silo program, so it needs no ASP.NET Core (the dashboard's).

# The SDK stage runs on the build machine's own platform (fast on arm64 laptops too) and publishes for linux-x64.
FROM --platform=$BUILDPLATFORM mcr.microsoft.com/dotnet/sdk:10.0-noble AS build
WORKDIR /src
COPY . .
RUN --mount=type=cache,id=senet-nuget,target=/root/.nuget/packages \
    dotnet publish src/Client/SENet.Client.csproj -c Release -r linux-x64 --self-contained false \
        -p:UseAppHost=false -o /app

FROM mcr.microsoft.com/dotnet/runtime:10.0-noble
RUN apt-get update \
    && apt-get install -y --no-install-recommends libturbojpeg fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/* \
    && ldconfig -p | grep -q 'libturbojpeg.so.0' \
    && mkdir /work && chown "$APP_UID" /work
COPY --from=build /app /app
# Relative paths (evaluate --out results/, results --out DIR) land in /work: mount a folder there.
WORKDIR /work
USER $APP_UID
ENTRYPOINT ["dotnet", "/app/senet.dll"]
