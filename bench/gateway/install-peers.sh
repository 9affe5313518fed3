#!/usr/bin/env bash
# Installs the benchmark's peer gateway (Portkey's open-source gateway) into bench/gateway/.peers,
# outside the package's dependencies.
set -euo pipefail
cd "$(dirname "$0")"
mkdir -p .peers
cd .peers
[ -f package.json ] || echo '{ "name": "tokenwise-bench-peers", "private": true }' > package.json
npm install --no-audit --no-fund --save-exact @portkey-ai/gateway@1.15.2
