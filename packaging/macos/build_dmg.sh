#!/usr/bin/env bash
# macOS: the .app that PyInstaller's BUNDLE step made, signed, in a compressed .dmg with a
# link to /Applications; notarized and stapled when the notary credentials are set. Run on
# macOS (Apple Silicon) after `pyinstaller packaging/writer_assistant.spec`:
#   packaging/macos/build_dmg.sh 0.1.0
# Environment: SIGN_IDENTITY ("Developer ID Application: ..."; without it the app is signed
# ad hoc and Gatekeeper blocks it, see README); NOTARY_APPLE_ID, NOTARY_TEAM_ID and
# NOTARY_PASSWORD (an app-specific password) for notarization.
# References: man codesign; https://developer.apple.com/documentation/security/
# customizing-the-notarization-workflow (notarytool, stapler); man hdiutil.
set -euo pipefail
version=${1:?version}
app="dist/Writer Assistant.app"
here=$(cd "$(dirname "$0")" && pwd)
arch=$(uname -m)
dmg="dist/writer-assistant-$version-macos-$arch.dmg"
[ -d "$app" ] || { echo "no $app: run pyinstaller on macOS first" >&2; exit 1; }
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
ditto "$app" "$stage/Writer Assistant.app"
ln -s /Applications "$stage/Applications"

# Hardened runtime and a secure timestamp are what notarization requires. --deep signs the
# libraries inside the bundle with the same identity before the app itself.
if [ -n "${SIGN_IDENTITY:-}" ]; then
  codesign --force --deep --timestamp --options runtime \
    --entitlements "$here/entitlements.plist" --sign "$SIGN_IDENTITY" "$stage/Writer Assistant.app"
else
  codesign --force --deep --sign - "$stage/Writer Assistant.app"
fi
codesign --verify --deep --strict --verbose=2 "$stage/Writer Assistant.app"

# hdiutil fails now and then with "Resource busy" (Spotlight or XProtect holding a file):
# try again a few times before giving up.
for attempt in 1 2 3 4 5; do
  if hdiutil create -volname "Writer Assistant" -srcfolder "$stage" -ov -format UDZO "$dmg"; then
    break
  fi
  [ "$attempt" -lt 5 ] || { echo "hdiutil create failed $attempt times" >&2; exit 1; }
  echo "hdiutil create failed (attempt $attempt); trying again" >&2
  sleep $((attempt * 10))
done

if [ -n "${SIGN_IDENTITY:-}" ]; then
  codesign --force --timestamp --sign "$SIGN_IDENTITY" "$dmg"
  if [ -n "${NOTARY_APPLE_ID:-}" ]; then
    xcrun notarytool submit "$dmg" --apple-id "$NOTARY_APPLE_ID" --team-id "$NOTARY_TEAM_ID" \
      --password "$NOTARY_PASSWORD" --wait --timeout 30m
    xcrun stapler staple "$dmg"
    xcrun stapler validate "$dmg"
  fi
fi
ls -l "$dmg"
