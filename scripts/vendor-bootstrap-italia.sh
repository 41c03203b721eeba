#!/usr/bin/env bash
# Vendor Bootstrap Italia from the npm registry into static/vendor/bootstrap-italia/<version>/.
# Usage: scripts/vendor-bootstrap-italia.sh 2.18.3
# Only what the portal uses is kept: the CSS, the JS bundle, the SVG sprites and the
# woff2/woff fonts (declared in static/css/fonts.css, since the library's own font loader
# injects an inline <style> that our Content-Security-Policy forbids).
set -euo pipefail
version=${1:?version}
here=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "bootstrap-italia@$version" >/dev/null 2>&1 && tar xzf bootstrap-italia-*.tgz)
dest="$here/static/vendor/bootstrap-italia/$version"
rm -rf "$dest"
mkdir -p "$dest/css" "$dest/js" "$dest/svg" "$dest/fonts"
cp "$work/package/LICENSE" "$dest/"
cp "$work/package/dist/css/bootstrap-italia.min.css" "$dest/css/"
cp "$work/package/dist/js/bootstrap-italia.bundle.min.js" "$dest/js/"
cp "$work/package/dist/svg/sprites.svg" "$dest/svg/"
for family in Titillium_Web Roboto_Mono Lora; do
  mkdir -p "$dest/fonts/$family"
  cp "$work/package/dist/fonts/$family"/*.woff2 "$work/package/dist/fonts/$family"/*.woff "$dest/fonts/$family/"
  cp "$work/package/dist/fonts/$family"/*.txt "$dest/fonts/$family/"
done
# The source maps are not shipped: drop the comments that point at them, so that
# collectstatic with a manifest storage does not look for them.
sed -i -e "/sourceMappingURL=/d" "$dest/css/bootstrap-italia.min.css" "$dest/js/bootstrap-italia.bundle.min.js"
echo "Vendored bootstrap-italia $version into $dest"
