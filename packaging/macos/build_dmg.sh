#!/usr/bin/env bash
# macOS: the .app that PyInstaller's BUNDLE step made, in a compressed .dmg with a link to
# /Applications. Run on macOS after `pyinstaller packaging/writer_assistant.spec`:
#   packaging/macos/build_dmg.sh 0.1.0
set -euo pipefail
version=${1:?version}
app="dist/Writer Assistant.app"
[ -d "$app" ] || { echo "no $app: run pyinstaller on macOS first" >&2; exit 1; }
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
cp -R "$app" "$stage/"
ln -s /Applications "$stage/Applications"
# Unsigned builds: the author opens it with right-click > Open the first time.
# With a Developer ID, sign before packing: codesign --deep --force --options runtime -s "$ID" "$stage/Writer Assistant.app"
hdiutil create -volname "Writer Assistant" -srcfolder "$stage" -ov -format UDZO \
  "dist/writer-assistant-$version-macos-$(uname -m).dmg"
