#!/usr/bin/env bash
# Runs every test of the solution. This is the README's test command; .ci/run calls exactly this.
# It installs what the tests need on a fresh Debian machine first.
set -euo pipefail
cd "$(dirname "$0")"

# Debian packages the tests use: libjpeg-turbo's TurboJPEG library (the engine's JPEG decoder, compared with
# PIL's by the exactness tests) and Chromium (the HTML report is rendered and screenshotted headless).
missing=()
ldconfig -p | grep -q 'libturbojpeg.so.0' || missing+=(libturbojpeg0)
[ -x /usr/bin/chromium ] || missing+=(chromium)
if [ ${#missing[@]} -gt 0 ]; then
  echo "test.sh: installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

dotnet test SENet.sln --configuration Release "$@"
