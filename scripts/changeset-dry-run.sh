#!/usr/bin/env bash
# `changeset version` as a release would run it, on a throwaway clone of HEAD, so this checkout's
# tracked files are never touched. Fails if it errors, leaves a changeset unconsumed, or writes no
# changelog. Uses this checkout's installed @changesets/cli (the clone has no node_modules).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="$root/node_modules/@changesets/cli/bin.js"
[ -f "$bin" ] || { echo "changeset-dry-run: $bin missing; run pnpm install first" >&2; exit 1; }
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
git clone --quiet --no-local "$root" "$tmp/repo"
cd "$tmp/repo"
pending=$(find .changeset -name '*.md' ! -name 'README.md' | wc -l)
node "$bin" version
left=$(find .changeset -name '*.md' ! -name 'README.md' | wc -l)
changelogs=$(git status --porcelain -- '*CHANGELOG.md' | wc -l)
bumped=$(git diff --name-only -- '*package.json' | wc -l)
echo "changeset version (dry run): $pending changesets consumed, $bumped package.json files bumped, $changelogs changelogs written"
[ "$left" -eq 0 ] || { echo "changeset-dry-run: $left changesets left unconsumed" >&2; exit 1; }
if [ "$pending" -gt 0 ] && [ "$changelogs" -eq 0 ]; then echo "changeset-dry-run: no CHANGELOG.md written" >&2; exit 1; fi
