#!/usr/bin/env bash
# Installs the Debian packages the tests use as real peers, when they are missing:
#   python3-onelogin-saml2, python3-pysaml2 (SAML peers run with /usr/bin/python3), python3-lxml
#   (libxml2's c14n, a second reference for ours), xmlsec1 (independent
#   signature verifier), chromium (end-to-end tests), postgresql (the second database).
set -euo pipefail
need=()
dpkg -s python3-onelogin-saml2 >/dev/null 2>&1 || need+=(python3-onelogin-saml2)
dpkg -s python3-pysaml2 >/dev/null 2>&1 || need+=(python3-pysaml2)
dpkg -s python3-lxml >/dev/null 2>&1 || need+=(python3-lxml)
command -v xmlsec1 >/dev/null 2>&1 || need+=(xmlsec1)
[ -x /usr/bin/chromium ] || need+=(chromium)
ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || need+=(postgresql)
if [ ${#need[@]} -eq 0 ]; then
  echo "system packages: all present"
  exit 0
fi
echo "system packages: installing ${need[*]}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}"
