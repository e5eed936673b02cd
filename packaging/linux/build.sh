#!/usr/bin/env bash
# From the PyInstaller folder $DIST/"Writer Assistant" (DIST defaults to dist): a portable
# .tar.gz and a .deb, written to $DIST.
# Usage: packaging/linux/build.sh VERSION   (run from the repository root; make package does)
set -euo pipefail
version=${1:?version}
arch=$(dpkg --print-architecture 2>/dev/null || echo amd64)
dist=${DIST:-dist}
app="$dist/Writer Assistant"
[ -x "$app/Writer Assistant" ] || { echo "no frozen app at $app: run pyinstaller first" >&2; exit 1; }

# Portable tarball: unpack anywhere, run ./writer-assistant/"Writer Assistant".
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
cp -a "$app" "$stage/writer-assistant"
cp resources/writer-assistant.desktop resources/icons/writer-assistant.png "$stage/writer-assistant/"
tar -C "$stage" -czf "$dist/writer-assistant-$version-linux-$arch.tar.gz" writer-assistant

# .deb: the app in /opt, a command on the PATH, a desktop entry and icons.
root="$stage/deb"
mkdir -p "$root/DEBIAN" "$root/opt" "$root/usr/bin" "$root/usr/share/applications" \
         "$root/usr/share/icons/hicolor/256x256/apps" "$root/usr/share/icons/hicolor/scalable/apps"
cp -a "$app" "$root/opt/writer-assistant"
ln -s "/opt/writer-assistant/Writer Assistant" "$root/usr/bin/writer-assistant"
cp resources/writer-assistant.desktop "$root/usr/share/applications/"
cp resources/icons/writer-assistant.png "$root/usr/share/icons/hicolor/256x256/apps/"
cp resources/icons/writer-assistant.svg "$root/usr/share/icons/hicolor/scalable/apps/"
size=$(du -sk "$root" | cut -f1)
cat > "$root/DEBIAN/control" <<CONTROL
Package: writer-assistant
Version: $version
Architecture: $arch
Maintainer: Writer Assistant developers <writer-assistant@users.noreply.github.com>
Installed-Size: $size
Depends: libc6 (>= 2.31), libegl1, libfontconfig1, libxkbcommon-x11-0, libxcb-cursor0, libxcb-icccm4, libxcb-keysyms1, libxcb-shape0
Section: editors
Priority: optional
Homepage: https://github.com/writer-assistant/writer-assistant
Description: Novel writing with AI agents that run on your own computer
 A chapter editor with a story bible, and local agents (Writer, Editor,
 Character, Rater) on an embedded GGUF model. Nothing leaves the machine.
CONTROL
dpkg-deb --root-owner-group --build "$root" "$dist/writer-assistant_${version}_$arch.deb" >/dev/null
ls -l "$dist/writer-assistant-$version-linux-$arch.tar.gz" "$dist/writer-assistant_${version}_$arch.deb"
