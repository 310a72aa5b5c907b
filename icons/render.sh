#!/usr/bin/env bash
# Renders icon.svg into the Tauri icon set. Run by hand after editing icon.svg (not part of CI).
# Needs rsvg-convert (apt: librsvg2-bin), ImageMagick (apt: imagemagick) and png2icns (apt: icnsutils).
set -euo pipefail
cd "$(dirname "$0")"
render() { rsvg-convert --width "$1" --height "$1" icon.svg -o "$2"; }
render 32 32x32.png
render 128 128x128.png
render 256 128x128@2x.png
render 512 icon.png
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
for s in 16 24 32 48 64 128 256; do render "$s" "$tmp/$s.png"; done
convert -background none "$tmp"/{16,24,32,48,64,128,256}.png icon.ico
# macOS: the .icns the .app and .dmg carry (png2icns takes 16, 32, 48, 128, 256, 512 and 1024).
for s in 512 1024; do render "$s" "$tmp/$s.png"; done
png2icns icon.icns "$tmp"/{16,32,48,128,256,512,1024}.png >/dev/null
for f in 32x32.png 128x128.png 128x128@2x.png icon.png; do
  # Tauri on Linux rejects PNGs without an alpha channel.
  [[ "$(identify -format '%[channels]' "$f")" == srgba ]] || { echo "$f is not RGBA" >&2; exit 1; }
done
identify 32x32.png 128x128.png 128x128@2x.png icon.png icon.ico
icns2png -l icon.icns
