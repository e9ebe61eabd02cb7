#!/bin/sh
# Install photoalbum's desktop entry, AppStream metainfo and icons (freedesktop layout).
#
#   packaging/install-desktop-files.sh [PREFIX] [EXEC]
#
# PREFIX defaults to ~/.local (a per-user install; /usr/local or /usr for a system one). EXEC is
# the command the menu entry runs, default `photoalbum` (on PATH after `pip install`); give the
# frozen app's absolute path (e.g. /opt/photoalbum/photoalbum) for a `make dist` build.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PREFIX=${1:-$HOME/.local}
EXEC=${2:-photoalbum}
ID=io.github.photoalbum.photoalbum
SHARE=$PREFIX/share

mkdir -p "$SHARE/applications" "$SHARE/metainfo"
sed -e "s|^Exec=photoalbum |Exec=$EXEC |" -e "s|^TryExec=photoalbum\$|TryExec=$EXEC|" \
    "$ROOT/resources/desktop/$ID.desktop" > "$SHARE/applications/$ID.desktop"
install -m 644 "$ROOT/resources/desktop/$ID.metainfo.xml" "$SHARE/metainfo/$ID.metainfo.xml"
install -D -m 644 "$ROOT/resources/icons/photoalbum.svg" \
    "$SHARE/icons/hicolor/scalable/apps/photoalbum.svg"
for size in 16 24 32 48 64 128 256 512; do
    install -D -m 644 "$ROOT/resources/icons/photoalbum-$size.png" \
        "$SHARE/icons/hicolor/${size}x${size}/apps/photoalbum.png"
done
# Refresh the desktop's caches where the tools exist (the files work without them too).
if command -v update-desktop-database >/dev/null 2>&1; then
    update-desktop-database -q "$SHARE/applications" || true
fi
if command -v gtk-update-icon-cache >/dev/null 2>&1; then
    gtk-update-icon-cache -q -t "$SHARE/icons/hicolor" || true
fi
echo "installed $ID under $SHARE (runs: $EXEC)"
