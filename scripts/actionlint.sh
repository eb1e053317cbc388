#!/usr/bin/env bash
# Provides actionlint (https://github.com/rhysd/actionlint), the GitHub Actions workflow checker,
# at a pinned version, and prints the directory that holds it (last line of stdout): built from the
# Go module proxy on first use (seconds; it needs Go) and cached like the Pulumi CLI under
# ${PULUMI_PLANETSCALE_CACHE:-~/.cache/pulumi-planetscale}/actionlint/v<version>/bin.
# Progress goes to stderr so callers can capture the directory from stdout.
set -euo pipefail

version=1.7.12
cache=${PULUMI_PLANETSCALE_CACHE:-$HOME/.cache/pulumi-planetscale}
dir="$cache/actionlint/v$version/bin"
log() { printf '[actionlint] %s\n' "$*" >&2; }

if [[ -x $dir/actionlint ]] && [[ $("$dir/actionlint" -version 2>/dev/null | head -1) == "v$version" ]]; then
  echo "$dir"
  exit 0
fi
if ! command -v go >/dev/null 2>&1; then
  log "actionlint v$version is not cached and Go is not available to build it: install Go and run this again"
  exit 1
fi
log "building actionlint v$version from the Go module proxy into $dir"
mkdir -p "$dir.tmp"
GOFLAGS=-modcacherw CGO_ENABLED=0 GOTOOLCHAIN=${GOTOOLCHAIN:-auto} GOBIN="$dir.tmp" \
  go install -trimpath -ldflags "-s -w" "github.com/rhysd/actionlint/cmd/actionlint@v$version"
built=$("$dir.tmp/actionlint" -version | head -1)
if [[ $built != "v$version" ]]; then
  log "the built actionlint reports '$built', expected v$version"
  exit 1
fi
rm -rf "$dir"
mv "$dir.tmp" "$dir"
echo "$dir"
