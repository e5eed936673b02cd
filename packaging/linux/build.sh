#!/usr/bin/env bash
# From the PyInstaller folder $DIST/"Writer Assistant" (DIST defaults to dist): a portable
# .tar.gz and a .deb, written to $DIST, with a SHA256SUMS line for each.
# Usage: packaging/linux/build.sh VERSION   (run from the repository root; make package does)
set -euo pipefail
version=${1:?version}
arch=$(dpkg --print-architecture 2>/dev/null || echo amd64)
dist=${DIST:-dist}
app="$dist/Writer Assistant"
here=$(dirname "$0")
[ -x "$app/Writer Assistant" ] || { echo "no frozen app at $app: run pyinstaller first" >&2; exit 1; }
command -v objdump >/dev/null || { echo "objdump (binutils) is needed to compute Depends" >&2; exit 1; }

# Every ELF file of the bundle. Qt plugins for platforms the app does not claim (Wayland
# client and decorations, EGLFS/KMS, linuxfb, VNC, the GTK theme) are left out of the
# computation: Qt skips a plugin whose libraries are missing and falls back to X11.
elf_files() {
  find "$app" -type f \( -name '*.so*' -o -perm -u+x \) \
    -not -path '*/plugins/wayland-*' -not -path '*/plugins/egldeviceintegrations/*' \
    -not -path '*/plugins/platformthemes/*' -not -name 'libqwayland*.so' \
    -not -name 'libqeglfs*.so' -not -name 'libqlinuxfb.so' -not -name 'libqvnc.so' \
    -not -name 'libqvkkhrdisplay.so' -not -name 'libQt6Wayland*' -not -name 'libQt6Wl*' \
    -not -name 'libQt6Egl*' -print0
}

# The oldest glibc the bundle runs on: the highest GLIBC_x.y symbol version any of its
# files asks for. PyInstaller copies some libraries (libstdc++, libgcc_s, libexpat) from
# the build machine, so this follows the build machine: build on the oldest system to
# support (the bundled PySide6 6.11 alone needs 2.34).
# (objdump fails on the bundle's few files that are not ELF, such as scripts: ignored.)
glibc=$({ elf_files | xargs -0 objdump -T 2>/dev/null || true; } | grep -o 'GLIBC_[0-9][0-9.]*' \
  | sed 's/GLIBC_//' | sort -u -V | tail -n 1)
[ -n "$glibc" ] || { echo "could not read the GLIBC versions of the bundle" >&2; exit 1; }

# Libraries the bundle links to but does not carry, and the Debian packages that have
# them. A library missing from this table fails the build: add its package.
declare -A package_of=(
  [libc.so.6]=libc6 [libm.so.6]=libc6 [libdl.so.2]=libc6 [libpthread.so.0]=libc6
  [librt.so.1]=libc6 [libresolv.so.2]=libc6 [libutil.so.1]=libc6
  [ld-linux-x86-64.so.2]=libc6 [ld-linux-aarch64.so.1]=libc6
  [libGL.so.1]=libgl1 [libEGL.so.1]=libegl1 [libOpenGL.so.0]=libopengl0
  [libxcb.so.1]=libxcb1 [libxcb-icccm.so.4]=libxcb-icccm4
  [libxcb-keysyms.so.1]=libxcb-keysyms1 [libxcb-cursor.so.0]=libxcb-cursor0
  [libxcb-shape.so.0]=libxcb-shape0 [libxkbcommon-x11.so.0]=libxkbcommon-x11-0
  [libxkbcommon.so.0]=libxkbcommon0 [libfontconfig.so.1]=libfontconfig1
  [libfreetype.so.6]=libfreetype6 [libX11.so.6]=libx11-6 [libX11-xcb.so.1]=libx11-xcb1
  [libglib-2.0.so.0]=libglib2.0-0 [libdbus-1.so.3]=libdbus-1-3 [libz.so.1]=zlib1g
)
bundled=$(find "$app" -name '*.so*' -printf '%f\n' | sort -u)
needed=$({ elf_files | xargs -0 objdump -p 2>/dev/null || true; } | awk '$1 == "NEEDED" {print $2}' \
  | sort -u)
packages=()
for lib in $(comm -23 <(echo "$needed") <(echo "$bundled")); do
  package=${package_of[$lib]:-}
  [ -n "$package" ] || { echo "the bundle needs $lib: add its package to build.sh" >&2; exit 1; }
  [ "$package" = libc6 ] || packages+=("$package")
done
# Loaded by Qt's X11 plugin at run time (dlopen, so not in NEEDED); the bundle usually
# carries them, the packages keep a system copy for when it does not.
packages+=(libxcb-cursor0 libxkbcommon-x11-0 libfontconfig1)
depends="libc6 (>= $glibc)"
for package in $(printf '%s\n' "${packages[@]}" | sort -u); do depends+=", $package"; done
echo "Depends: $depends"

# Portable tarball: unpack anywhere, run ./writer-assistant/"Writer Assistant".
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
cp -a "$app" "$stage/writer-assistant"
cp resources/writer-assistant.desktop resources/icons/writer-assistant.png \
   "$here/writer-assistant.xml" "$stage/writer-assistant/"
tarball="writer-assistant-$version-linux-$arch.tar.gz"
tar -C "$stage" -czf "$dist/$tarball" writer-assistant

# .deb: the app in /opt, a command on the PATH, a desktop entry, icons, and the .wstory
# file type. No maintainer scripts: the desktop-file-utils, shared-mime-info and
# hicolor-icon-theme packages rebuild their caches by dpkg triggers on these folders.
root="$stage/deb"
share="$root/usr/share"
mkdir -p "$root/DEBIAN" "$root/opt" "$root/usr/bin" "$share/applications" "$share/mime/packages" \
         "$share/icons/hicolor/256x256/apps" "$share/icons/hicolor/scalable/apps" \
         "$share/icons/hicolor/256x256/mimetypes" "$share/icons/hicolor/scalable/mimetypes" \
         "$share/doc/writer-assistant"
cp -a "$app" "$root/opt/writer-assistant"
ln -s "/opt/writer-assistant/Writer Assistant" "$root/usr/bin/writer-assistant"
cp resources/writer-assistant.desktop "$share/applications/"
cp "$here/writer-assistant.xml" "$share/mime/packages/writer-assistant.xml"
cp resources/icons/writer-assistant.png "$share/icons/hicolor/256x256/apps/"
cp resources/icons/writer-assistant.svg "$share/icons/hicolor/scalable/apps/"
mime_icon=application-x-writer-assistant-story
cp resources/icons/writer-assistant.png "$share/icons/hicolor/256x256/mimetypes/$mime_icon.png"
cp resources/icons/writer-assistant.svg "$share/icons/hicolor/scalable/mimetypes/$mime_icon.svg"
printf 'Writer Assistant %s\nLicense: MIT\n' "$version" > "$share/doc/writer-assistant/copyright"
size=$(du -sk "$root" | cut -f1)
cat > "$root/DEBIAN/control" <<CONTROL
Package: writer-assistant
Version: $version
Architecture: $arch
Maintainer: Writer Assistant developers <writer-assistant@users.noreply.github.com>
Installed-Size: $size
Depends: $depends
Recommends: shared-mime-info, desktop-file-utils, hicolor-icon-theme
Section: editors
Priority: optional
Homepage: https://github.com/writer-assistant/writer-assistant
Description: Novel writing with AI agents that run on your own computer
 A chapter editor with a story bible, and local agents (Writer, Editor,
 Character, Rater) on an embedded GGUF model. Nothing leaves the machine.
CONTROL
deb="writer-assistant_${version}_$arch.deb"
# xz (dpkg's default) for releases; DEB_COMPRESSION=gzip builds several times faster (tests).
dpkg-deb --root-owner-group -Z"${DEB_COMPRESSION:-xz}" --build "$root" "$dist/$deb" >/dev/null
(cd "$dist" && sha256sum "$tarball" "$deb" > SHA256SUMS-linux)
ls -l "$dist/$tarball" "$dist/$deb"
cat "$dist/SHA256SUMS-linux"
