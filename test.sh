#!/usr/bin/env bash
# Runs every test of the solution. This is the README's test command; .ci/run calls exactly this.
set -euo pipefail
cd "$(dirname "$0")"
dotnet test SENet.sln --configuration Release "$@"
