#!/usr/bin/env bash
# Installs the GraphiQL/React bundles pinned in package-lock.json and copies
# the few files the playground serves into assets/, where go:embed picks them
# up. Third-party files stay out of git (see .gitignore). Safe to re-run.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")"

if ! command -v npm >/dev/null 2>&1; then
  echo "playground/build.sh: npm not found; install Node.js (18 or later)" >&2
  exit 1
fi

sha256() {
  if command -v sha256sum >/dev/null 2>&1; then
    sha256sum | cut -d' ' -f1
  else # macOS
    shasum -a 256 | cut -d' ' -f1
  fi
}

# npm ci always wipes node_modules; skip it when the tree was installed from
# these exact manifests (stamp written after the last successful install).
stamp=node_modules/.altegraph-lock.sha256
lock_hash=$(cat package.json package-lock.json | sha256)
if [[ -f $stamp && "$(cat "$stamp")" == "$lock_hash" ]]; then
  echo "playground: node_modules matches package-lock.json, skipping npm ci"
else
  # No install scripts are needed: we only copy prebuilt UMD files.
  npm ci --no-audit --no-fund --ignore-scripts
  echo "$lock_hash" >"$stamp"
fi

# destination-in-assets:source-in-node_modules
files=(
  react.js:react/umd/react.production.min.js
  react-dom.js:react-dom/umd/react-dom.production.min.js
  graphiql.js:graphiql/graphiql.min.js
  graphiql.css:graphiql/graphiql.min.css
)

mkdir -p assets
keep=" PLACEHOLDER.txt "
for entry in "${files[@]}"; do
  dest=${entry%%:*}
  src=node_modules/${entry#*:}
  keep+="$dest "
  if [[ ! -f $src ]]; then
    echo "playground/build.sh: $src missing after npm ci" >&2
    exit 1
  fi
  # Drop the sourceMappingURL comment: the .map files are not shipped, and
  # browsers' dev tools would otherwise request them and get 404s.
  tmp=$(mktemp "assets/.$dest.XXXXXX")
  sed -E '/^[[:space:]]*(\/\/|\/\*)[#@] sourceMappingURL=[^[:space:]]*([[:space:]]*\*\/)?[[:space:]]*$/d' "$src" >"$tmp"
  if cmp -s "$tmp" "assets/$dest"; then
    rm -f "$tmp"
  else
    chmod 644 "$tmp"
    mv -f "$tmp" "assets/$dest"
    echo "playground: assets/$dest <- $src"
  fi
done

# Remove leftovers (e.g. files renamed in an older version of this script).
for f in assets/* assets/.[!.]*; do
  [[ -e $f ]] || continue
  name=${f#assets/}
  if [[ $keep != *" $name "* ]]; then
    rm -rf -- "$f"
    echo "playground: removed stale $f"
  fi
done

echo "playground: assets ready"
