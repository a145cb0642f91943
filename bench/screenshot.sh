#!/usr/bin/env bash
# Render an HTML page (a report) headless to a PNG, to look at it as a person would.
#   bash bench/screenshot.sh results/<run-id>/report.html /tmp/report.png [WIDTH HEIGHT]
# Chromium captures the top WIDTH×HEIGHT of the page: give a tall HEIGHT to see further down.
# Needs Debian's chromium (apt-get install -y chromium). Loads only the file: no network.
set -euo pipefail
if [ $# -lt 2 ]; then
  echo "usage: $0 <html> <png> [width height]" >&2
  exit 2
fi
html=$(realpath "$1")
png=$2
width=${3:-1400}
height=${4:-3000}
browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
  echo "chromium not found: apt-get install -y chromium" >&2
  exit 1
fi
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
"$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --user-data-dir="$profile" --hide-scrollbars --screenshot="$png" \
  --window-size="$width,$height" "file://$html" 2>/dev/null
echo "wrote $png"
