#!/usr/bin/env bash
# Runs every test of the solution. This is the README's test command; .ci/run calls exactly this.
# It installs what the tests need on a fresh Debian machine first.
set -euo pipefail
cd "$(dirname "$0")"

# libjpeg-turbo's TurboJPEG library: the engine's JPEG decoder (the exactness tests compare it with PIL's).
if ! ldconfig -p | grep -q 'libturbojpeg.so.0'; then
  echo "test.sh: installing libturbojpeg0"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libturbojpeg0 >/dev/null
fi

dotnet test SENet.sln --configuration Release "$@"
