#!/usr/bin/env bash
# Debian packages the test suite uses: Chromium (browser tests), PostgreSQL (the second
# database), Dovecot (the bounce mailbox over IMAP), nginx (the redirect map), Java (the Nu
# Html Checker, EPUBCheck), Pango and the DejaVu fonts (WeasyPrint's book PDFs). Installs only
# what is missing.
set -euo pipefail
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
command -v java >/dev/null 2>&1 || need+=(default-jre-headless)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
[ -x /usr/sbin/dovecot ] || need+=(dovecot-imapd)
[ -x /usr/sbin/nginx ] || need+=(nginx)
command -v npm >/dev/null 2>&1 || need+=(npm)
ls /usr/lib/*/libpangoft2-1.0.so.0 >/dev/null 2>&1 || need+=(libpango-1.0-0 libpangoft2-1.0-0)
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf ] || need+=(fonts-dejavu-core)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "Missing Debian packages: ${need[*]} (install them as root: apt-get install ${need[*]})" >&2
    exit 1
  fi
  echo "Installing Debian packages: ${need[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
