# syntax=docker/dockerfile:1
# A CUDA SENet silo (image senet-silo-gpu). Build from the repository root:
#   docker build -f deploy/docker/silo-gpu.Dockerfile -t senet-silo-gpu .
#
# Base: nvidia/cuda:13.0.1-cudnn-runtime-ubuntu24.04, i.e. CUDA 13.0 runtime libraries (cuBLAS, cuFFT, cuRAND,
# ...) plus cuDNN 9 (libcudnn9-cuda-13), which is what ONNX Runtime 1.31's CUDA execution provider loads.
# The node's NVIDIA driver must be R580 or newer (CUDA 13's minimum); see deploy/README.md.
# ONNX Runtime's own CUDA provider (libonnxruntime_providers_cuda.so) ships in the NuGet package
# Microsoft.ML.OnnxRuntime.Gpu.Linux and is published next to the app by the build stage.
ARG CUDA_IMAGE=nvidia/cuda:13.0.1-cudnn-runtime-ubuntu24.04
ARG DOTNET_IMAGE=mcr.microsoft.com/dotnet/aspnet:10.0-noble

# The SDK stage runs on the build machine's own platform (fast on arm64 laptops too) and publishes for linux-x64.
FROM --platform=$BUILDPLATFORM mcr.microsoft.com/dotnet/sdk:10.0-noble AS build
WORKDIR /src
COPY . .
RUN --mount=type=cache,id=senet-nuget,target=/root/.nuget/packages \
    dotnet publish src/Silo/SENet.Silo.csproj -c Release -r linux-x64 --self-contained false \
        -p:UseAppHost=false -o /app

# The .NET runtime is copied from Microsoft's ASP.NET Core image for the same Ubuntu release (24.04) instead of
# apt's dotnet-runtime-10.0 or dotnet-install.sh: Ubuntu 24.04's own archive is not a reliable source of .NET 10
# (it comes through the dotnet/backports PPA), and the install script downloads unpinned bits at build time.
# The copy is exactly the runtime the CPU image runs, and its version moves with the DOTNET_IMAGE tag (pin it by
# digest for reproducible builds). It is the ASP.NET Core runtime (it includes Microsoft.NETCore.App) because
# the silo references Microsoft.AspNetCore.App.
FROM ${DOTNET_IMAGE} AS dotnet

FROM ${CUDA_IMAGE}
# .NET's native dependencies on Ubuntu 24.04 (no libicu: the projects set InvariantGlobalization) and
# libjpeg-turbo's TurboJPEG, which is the `libturbojpeg` package on Ubuntu (libturbojpeg0 on Debian).
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        ca-certificates libssl3t64 zlib1g tzdata libstdc++6 libgcc-s1 libturbojpeg fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/* \
    && ldconfig -p | grep -q 'libturbojpeg.so.0'
COPY --from=dotnet /usr/share/dotnet /usr/share/dotnet
RUN ln -s /usr/share/dotnet/dotnet /usr/bin/dotnet \
    && groupadd --gid 1654 app \
    && useradd --uid 1654 --gid 1654 --create-home --shell /usr/sbin/nologin app
ENV DOTNET_ROOT=/usr/share/dotnet \
    APP_UID=1654 \
    NVIDIA_VISIBLE_DEVICES=all \
    NVIDIA_DRIVER_CAPABILITIES=compute,utility \
    CUDA_CACHE_PATH=/tmp/.nv/ComputeCache \
    SENet__Telemetry__PrometheusPort=9464 \
    SENet__Telemetry__PrometheusOnAllInterfaces=true
WORKDIR /app
COPY --from=build /app .
# silo-to-silo, client gateway, Prometheus /metrics
EXPOSE 11111 30000 9464
USER 1654
ENTRYPOINT ["dotnet", "senet-silo.dll"]
