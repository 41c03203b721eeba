#!/usr/bin/env bash
# Vendor the ALTCHA widget from the npm registry into static/vendor/altcha/<version>/.
# Usage: scripts/vendor-altcha.sh 3.2.2
# The "external" build is the one for a strict Content-Security-Policy: its CSS is a file
# and its proof-of-work workers are separate scripts (we keep the SHA one), so nothing is
# injected inline. Italian texts come from its i18n file.
set -euo pipefail
version=${1:?version}
here=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "altcha@$version" >/dev/null 2>&1 && tar xzf altcha-*.tgz)
dest="$here/static/vendor/altcha/$version"
rm -rf "$dest"
mkdir -p "$dest"
cp "$work/package/LICENSE.txt" "$dest/"
cp "$work/package/dist/external/altcha.min.js" "$dest/altcha.min.js"
cp "$work/package/dist/external/altcha.css" "$dest/altcha.css"
cp "$work/package/dist/workers/sha.js" "$dest/sha-worker.js"
cp "$work/package/dist/i18n/it.js" "$dest/it.js"
sed -i -e "/sourceMappingURL=/d" "$dest"/*.js "$dest/altcha.css"
echo "Vendored altcha $version into $dest"
