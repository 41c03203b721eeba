#!/usr/bin/env bash
# Vendor Swagger UI from the npm registry (swagger-ui-dist) into
# static/vendor/swagger-ui/<version>/, for the API's browsable docs at /api/v1/docs.
# Usage: scripts/vendor-swagger-ui.sh 5.35.0
# Only the bundle, its stylesheet and the licence/notice are kept. The page that loads it
# (templates/api/docs.html) starts it from a static file of ours: no inline script.
set -euo pipefail
version=${1:?version}
here=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "swagger-ui-dist@$version" >/dev/null 2>&1 && tar xzf swagger-ui-dist-*.tgz)
dest="$here/static/vendor/swagger-ui/$version"
rm -rf "$dest"
mkdir -p "$dest"
cp "$work/package/LICENSE" "$dest/"
[ -f "$work/package/NOTICE" ] && cp "$work/package/NOTICE" "$dest/"
cp "$work/package/swagger-ui-bundle.js" "$work/package/swagger-ui.css" "$dest/"
# No source maps shipped: drop the comments that point at them (manifest static storage).
sed -i -e "/sourceMappingURL=/d" "$dest/swagger-ui-bundle.js" "$dest/swagger-ui.css"
echo "Vendored swagger-ui-dist $version into $dest"
