#!/usr/bin/env bash
# Makes sure Debian's Chromium and a text font are installed, for the end-to-end tests (tests/site/e2e.test.ts).
# Idempotent: when both are there it only says so. Otherwise it installs the missing packages with apt-get,
# which needs root and reaches only Debian's mirrors: Playwright never downloads a browser of its own here.
#
#   CHROMIUM=/path     the browser binary to look for (default /usr/bin/chromium)
#   FONT=/path         a font file whose absence means text would render as boxes
#   DRY_RUN=1          print the commands instead of running them
set -euo pipefail

CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
FONT="${FONT:-/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf}"

packages=()
if [[ -x "$CHROMIUM" ]]; then
  echo "ensure-chromium: $CHROMIUM is installed"
else
  echo "ensure-chromium: $CHROMIUM is missing: installing Debian's chromium"
  packages+=(chromium)
fi
if [[ -f "$FONT" ]]; then
  echo "ensure-chromium: $FONT is installed"
else
  echo "ensure-chromium: $FONT is missing: installing fonts-dejavu-core"
  packages+=(fonts-dejavu-core)
fi
[[ ${#packages[@]} -eq 0 ]] && exit 0

run() {
  echo "ensure-chromium: + $*"
  [[ "${DRY_RUN:-}" == 1 ]] || "$@"
}
# Without root, apt-get would fail with a less helpful message.
if [[ "${DRY_RUN:-}" != 1 && "$(id -u)" != 0 ]]; then
  echo "ensure-chromium: installing needs root; run: apt-get install chromium fonts-dejavu-core" >&2
  exit 1
fi
run apt-get update
run env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${packages[@]}"
if [[ "${DRY_RUN:-}" != 1 && ! -x "$CHROMIUM" ]]; then
  echo "ensure-chromium: apt-get finished but $CHROMIUM is still missing" >&2
  exit 1
fi
echo "ensure-chromium: done"
