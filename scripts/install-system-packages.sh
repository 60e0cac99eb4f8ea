#!/usr/bin/env bash
# System packages the tests need: Chromium for the browser tests, fonts for
# every script the platform prints, the libraries WeasyPrint renders with, and GNU gettext
# (the catalogue test extracts the code's strings as `make messages` does).
# Installed only when missing, and only when run as root (else it says what is missing).
set -euo pipefail
packages=(chromium gettext fonts-dejavu-core fonts-noto-core fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 wrk)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "Missing system packages: ${missing[*]}" >&2
  echo "Install them (e.g. sudo apt-get install ${missing[*]}) or run make test as root." >&2
  exit 1
fi
echo "Installing system packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
