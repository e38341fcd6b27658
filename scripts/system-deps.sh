#!/usr/bin/env bash
# Install the Debian packages the project needs, only those missing:
# chromium (browser tests), fonts-noto-cjk (Chinese glyphs in screenshots/PDF), gettext
# (compilemessages), espeak-ng (spoken expert notifications), pango (WeasyPrint PDFs), faketime (the suite run at other machine dates). Usage: scripts/system-deps.sh [package ...]
set -euo pipefail
want=("$@")
if [ ${#want[@]} -eq 0 ]; then
  command -v chromium >/dev/null || want+=(chromium)
  fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || want+=(fonts-noto-cjk)
  command -v msgfmt >/dev/null || want+=(gettext)
  command -v espeak-ng >/dev/null || want+=(espeak-ng)
  command -v pdftotext >/dev/null || want+=(poppler-utils)
  command -v faketime >/dev/null || want+=(faketime)
  dpkg -s libpango-1.0-0 libpangoft2-1.0-0 >/dev/null 2>&1 || want+=(libpango-1.0-0 libpangoft2-1.0-0)
fi
[ ${#want[@]} -eq 0 ] && exit 0
echo "Installing Debian packages: ${want[*]}"
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${want[@]}"
