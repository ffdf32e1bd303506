#!/usr/bin/env bash
# Renders a report's report.html in headless Chromium (Debian `chromium`) and saves PNGs to look at:
# the whole page, and the page cut into screen-sized tiles (a tall page shrinks to nothing in an
# image viewer). Also checks that the page is self-contained: it must reference no script,
# stylesheet or image outside itself, and Chromium runs with networking disabled, so what the
# screenshot shows is what a reader sees offline.
#
#   scripts/screenshot-report.sh reports/paper/report.html [OUT_DIR] [WIDTH] [HEIGHT]
#
# OUT_DIR defaults to $TMPDIR/report-screenshots/<report folder>; HEIGHT is the viewport height, which
# must exceed the page's (blank space below the page is trimmed).
set -euo pipefail

html=$(realpath "${1:?usage: $0 path/to/report.html [out-dir] [width] [height]}")
out=${2:-${TMPDIR:-/tmp}/report-screenshots/$(basename "$(dirname "$html")")}
width=${3:-1280}
height=${4:-12000}
tile=${TILE_HEIGHT:-1400}

browser=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
[ -n "$browser" ] || { echo "no chromium found (Debian: apt-get install -y chromium)" >&2; exit 2; }

# Self-contained: no external script/stylesheet/image/frame, no <script> at all (vega's SVG has none).
if grep -Eqi '<script|<link[^>]+href=|<(img|iframe)[^>]+src="(https?:)?//' "$html"; then
  echo "error: $html loads external resources or scripts:" >&2
  grep -Eoi '<script[^>]*>|<link[^>]+>|<(img|iframe)[^>]+src="[^"]*"' "$html" | head -5 >&2
  exit 1
fi

mkdir -p "$out"
full="$out/page.png"
# A throwaway profile keeps the run independent of any other Chromium use on the machine.
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
"$browser" --headless --no-sandbox --disable-gpu --disable-background-networking --no-first-run \
  --hide-scrollbars --user-data-dir="$profile" --host-resolver-rules='MAP * ~NOTFOUND' \
  --window-size="$width,$height" --screenshot="$full" "file://$html" 2>/dev/null

# The real ImageMagick (a stand-in `convert` earlier on PATH would not do).
im=""
for c in magick convert /usr/bin/convert; do
  if command -v "$c" >/dev/null && "$c" -version 2>/dev/null | grep -q ImageMagick; then im=$c; break; fi
done
if [ -n "$im" ]; then
  # Trim the blank viewport below the page (keeping a margin), then cut into tiles.
  "$im" "$full" -background white -gravity south -splice 0x1 -trim +repage -gravity south -splice 0x40 "$full"
  rm -f "$out"/tile-*.png
  "$im" "$full" -crop "${width}x${tile}" +repage "$out/tile-%02d.png"
  echo "wrote $full ($("$im" identify -format '%wx%h' "$full" 2>/dev/null || identify -format '%wx%h' "$full")) and $(ls "$out"/tile-*.png | wc -l) tiles in $out"
else
  echo "wrote $full (install imagemagick to trim and tile it)"
fi
