#!/usr/bin/env bash
# Provides the Pulumi CLI (`pulumi`) at the version of the pinned @pulumi/pulumi, and prints the
# directory that holds it (last line of stdout). Order of preference:
#   1. a `pulumi` on PATH whose version matches exactly (major.minor.patch), shims of this
#      repository excepted (see below);
#   2. a cached build under ${PULUMI_PLANETSCALE_CACHE:-~/.cache/pulumi-planetscale}/cli/v<version>-<recipe>/bin;
#   3. a fresh build from the Go module proxy (several minutes on 2 cores), then cached. The build
#      is upstream's, but for one change: the two password-strength libraries it links decode their
#      word lists on first use, not at every start (scripts/lib/lazy-zxcvbn.mjs).
# The engine also needs `pulumi-resource-pulumi-nodejs` (shipped in node_modules/@pulumi/pulumi)
# to run dynamic providers; it is put next to a built `pulumi`. Programs get their language runtime
# from scripts/lib/program-host.cjs (the Go language host is not served by the module proxy).
# Progress goes to stderr so callers can capture the directory from stdout.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
log() { printf '[pulumi-cli] %s\n' "$*" >&2; }

sdk_pkg="$root/node_modules/@pulumi/pulumi/package.json"
if [[ ! -f $sdk_pkg ]]; then
  log "node_modules/@pulumi/pulumi is missing: run 'npm ci' first."
  exit 1
fi
version=$(node -p "require('$sdk_pkg').version")
cache=${PULUMI_PLANETSCALE_CACHE:-$HOME/.cache/pulumi-planetscale}
# The build's recipe: a new one (a change to how the CLI is built) builds again instead of taking
# a cached build of the previous recipe.
recipe=lazy-zxcvbn
dir="$cache/cli/v$version-$recipe/bin"

# The dynamic-provider plugin is a thin script, copied again every run so a changed node_modules
# is always the one used.
install_companions() {
  local target=$1
  install -m 0755 "$root/node_modules/@pulumi/pulumi/pulumi-resource-pulumi-nodejs" "$target/"
}

# Every `pulumi` on PATH is asked its version. One may be a shim that comes back here (this
# repository's launcher scripts/bin/pulumi, or a script running `npm run pulumi`): a probe that
# arrives here fails at once, so such a shim is never taken for the CLI and nothing recurses.
if [[ -n ${PULUMI_PLANETSCALE_PROBING:-} ]]; then
  log "this pulumi is a shim of this repository's scripts, not the Pulumi CLI"
  exit 3
fi
if [[ ${PULUMI_PLANETSCALE_FORCE_BUILD:-} != 1 ]]; then
  launcher=$(readlink -f "$root/scripts/bin/pulumi")
  # A probe that hangs (a shim waiting for something) is given up after a minute, where possible.
  limit=()
  command -v timeout >/dev/null 2>&1 && limit=(timeout 60)
  while IFS= read -r candidate; do
    [[ -n $candidate ]] || continue
    [[ $(readlink -f "$candidate") == "$launcher" ]] && continue
    have=$(PULUMI_PLANETSCALE_PROBING=1 "${limit[@]}" "$candidate" version 2>/dev/null </dev/null || true)
    if [[ $have == "v$version" ]]; then
      log "using pulumi $have from PATH ($candidate)"
      dirname "$candidate"
      exit 0
    fi
    log "pulumi at $candidate is ${have:-a shim or not a working Pulumi CLI}, not v$version"
  done < <(type -ap pulumi)
fi

if [[ -x $dir/pulumi ]] && [[ $("$dir/pulumi" version 2>/dev/null) == "v$version" ]]; then
  install_companions "$dir"
  echo "$dir"
  exit 0
fi

if [[ ${PULUMI_PLANETSCALE_NO_BUILD:-} == 1 ]]; then
  log "no Pulumi CLI v$version is cached and building was not asked for"
  exit 3
fi

if ! command -v go >/dev/null 2>&1; then
  cat >&2 <<MSG
[pulumi-cli] The Pulumi CLI v$version is not installed and Go is not available to build it.
[pulumi-cli] Install the CLI (https://www.pulumi.com/docs/iac/download-install/), for example:
[pulumi-cli]     curl -fsSL https://get.pulumi.com | sh -s -- --version $version
[pulumi-cli] or install Go >= 1.25.11 and run this script again.
MSG
  exit 1
fi

export GOFLAGS=-modcacherw CGO_ENABLED=0
# A Go older than the one pkg/go.mod names fetches the right toolchain through the module proxy.
export GOTOOLCHAIN=${GOTOOLCHAIN:-auto}
[[ $GOTOOLCHAIN == local ]] && export GOTOOLCHAIN=auto

log "building the Pulumi CLI v$version from the Go module proxy into $dir (takes several minutes; cached afterwards)"
started=$(date +%s)
work=$(mktemp -d)
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT

log "downloading modules github.com/pulumi/pulumi/{pkg,sdk}/v3@v$version"
go mod download -json "github.com/pulumi/pulumi/pkg/v3@v$version" "github.com/pulumi/pulumi/sdk/v3@v$version" >"$work/mods.json"
modcache=$(go env GOMODCACHE)

# Lay the two modules out as in the upstream repository so pkg/go.mod's `replace ../sdk` and its
# go.sum apply unchanged (`go install pkg@version` is refused because of those replaces).
src="$work/src"
mkdir -p "$src"
cp -r "$modcache/github.com/pulumi/pulumi/pkg/v3@v$version" "$src/pkg"
cp -r "$modcache/github.com/pulumi/pulumi/sdk/v3@v$version" "$src/sdk"
chmod -R u+w "$src"

# The password-strength libraries (zxcvbn-go, and its fork that pulumi/esc links) decoded ~10 MB
# of word lists at every start of the CLI: 0.12 of its 0.20 CPU-s for `pulumi version`. Copies of
# them load the lists on first use (the same lists, the same answers) and replace the originals.
log "making the word lists of zxcvbn-go load on first use"
(cd "$src/pkg" && go mod download -json github.com/nbutton23/zxcvbn-go github.com/ccojocar/zxcvbn-go) >"$work/zxcvbn.json"
while IFS=$'\t' read -r path from; do
  copy="$src/replaced/$path"
  mkdir -p "$(dirname "$copy")"
  cp -r "$from" "$copy"
  chmod -R u+w "$copy"
  # The original has no go.mod (a pre-modules release); a replacement directory needs one.
  [[ -f $copy/go.mod ]] || printf 'module %s\n\ngo 1.12\n' "$path" >"$copy/go.mod"
  node "$root/scripts/lib/lazy-zxcvbn.mjs" "$copy"
  (cd "$src/pkg" && go mod edit -replace "$path=../replaced/$path")
done < <(node -e '
  const text = require("fs").readFileSync(process.argv[1], "utf8");
  for (const m of text.split(/\n(?=\{)/).map((j) => JSON.parse(j))) {
    if (!m.Dir) throw new Error(`go mod download: no directory for ${m.Path}: ${m.Error ?? ""}`);
    console.log(`${m.Path}\t${m.Dir}`);
  }' "$work/zxcvbn.json")

ldflags="-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$version"
log "compiling (go build ./cmd/pulumi)"
mkdir -p "$(dirname "$dir")" "$dir.tmp"
(cd "$src/pkg" && go build -trimpath -tags osusergo,grpcnotrace -ldflags "$ldflags" -o "$dir.tmp/pulumi" ./cmd/pulumi) &
pid=$!
while kill -0 "$pid" 2>/dev/null; do
  sleep 30
  kill -0 "$pid" 2>/dev/null && log "still compiling ($(($(date +%s) - started)) s)"
done
wait "$pid"

built=$("$dir.tmp/pulumi" version)
if [[ $built != "v$version" ]]; then
  log "the built CLI reports '$built', expected v$version"
  exit 1
fi
rm -rf "$dir"
mv "$dir.tmp" "$dir"
install_companions "$dir"
log "built pulumi $built in $(($(date +%s) - started)) s"
echo "$dir"
