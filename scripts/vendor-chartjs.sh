#!/usr/bin/env bash
# Vendor Chart.js from the npm registry into static/vendor/chart.js/<version>/.
# Usage: scripts/vendor-chartjs.sh 4.5.1
# Only the minified UMD bundle and the licence are kept. Chart.js injects no <style> (it
# sizes the canvas through the CSSOM, which the Content-Security-Policy allows), so the
# back office's dashboard loads it as a plain static script.
set -euo pipefail
version=${1:?version}
here=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "chart.js@$version" >/dev/null 2>&1 && tar xzf chart.js-*.tgz)
dest="$here/static/vendor/chart.js/$version"
rm -rf "$dest"
mkdir -p "$dest"
cp "$work/package/LICENSE.md" "$dest/"
cp "$work/package/dist/chart.umd.min.js" "$dest/"
# No source maps shipped: drop the comment that points at one (manifest static storage).
sed -i -e "/sourceMappingURL=/d" "$dest/chart.umd.min.js"
echo "Vendored chart.js $version into $dest"
