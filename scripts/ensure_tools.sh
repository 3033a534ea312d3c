#!/usr/bin/env bash
# The system tools every test tier needs: Node/npm (the build) and Chromium (the browser tier).
# Installs what is missing from Debian's packages when this user is root or has sudo without a
# password; otherwise stops, saying the one command to run. `make test` runs it first.
set -euo pipefail

missing=()
have_chromium() {
  if [ -n "${CHROMIUM:-}" ]; then [ -x "$CHROMIUM" ]; return; fi
  command -v chromium >/dev/null || command -v chromium-browser >/dev/null
}
have_chromium || missing+=(chromium)
command -v npm >/dev/null || missing+=(nodejs npm)
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
  sudo=""
elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
  sudo="sudo -n"
else
  echo "make test needs ${missing[*]} for the build and browser tiers, and cannot install it" >&2
  echo "without root. Run:  sudo apt-get install ${missing[*]}   (then make test again)," >&2
  echo "or set CHROMIUM=/path/to/chromium." >&2
  exit 1
fi
if ! command -v apt-get >/dev/null; then
  echo "make test needs ${missing[*]}; install it with your system's package manager" >&2
  echo "(or set CHROMIUM=/path/to/chromium), then run make test again." >&2
  exit 1
fi
echo "installing ${missing[*]} from Debian's packages (the build and browser tiers need it)"
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
