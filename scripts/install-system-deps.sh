#!/usr/bin/env bash
# The Debian packages the tests use as real peers: the one list of them, and what installs them.
#
#   bash scripts/install-system-deps.sh              install the missing ones (through sudo when not root)
#   bash scripts/install-system-deps.sh --no-prompt  the same, but never asks for a password: when not
#                                                    root and sudo needs one, print the command and fail
#                                                    (what `npm test` runs first)
#   bash scripts/install-system-deps.sh --check      print the missing ones, one a line; fail if any
#   bash scripts/install-system-deps.sh --list       print the list: package, then what the tests need
#
# FEDERA_SYSTEM_ROOT (default: none, i.e. /) prefixes every path checked, so that a test can point the
# checks at an empty directory instead of this machine's packages.
set -euo pipefail

# One package a line: its name, then what the tests need from it (not merely that dpkg lists it):
#   exe PATH…     executable files (a path may hold a * for a version)
#   file PATH…    files that are read, not run: a library, a PHP extension, a web application's entry
#   python MODULE a module Debian's /usr/bin/python3 imports
packages() {
  need xmlsec1 exe /usr/bin/xmlsec1                  # independent signature verifier
  need python3-onelogin-saml2 python onelogin.saml2  # OneLogin's python3-saml, Sentry's SP library
  need python3-pysaml2 python saml2                  # pysaml2, a second Python SAML peer
  need python3-lxml python lxml.etree                # libxml2's c14n, a reference for ours
  need postgresql exe '/usr/lib/postgresql/*/bin/initdb' '/usr/lib/postgresql/*/bin/postgres'
  need chromium exe /usr/bin/chromium                # the end-to-end tests' browser
  need apache2 exe /usr/sbin/apache2                 # the web server the SAML modules below run in
  need libapache2-mod-auth-mellon exe /usr/sbin/mellon_create_metadata  # mod_auth_mellon, an SP peer
  need libapache2-mod-shib exe /usr/sbin/shibd       # Shibboleth SP 3 (mod_shib and shibd), an SP peer
  need simplesamlphp file /usr/share/simplesamlphp/www/index.php  # SimpleSAMLphp 1.19, an SP and IdP peer
  need libapache2-mod-php file /usr/lib/apache2/modules/libphp8.2.so  # PHP in Apache, for SimpleSAMLphp
  need php-xml file '/usr/lib/php/*/dom.so'          # PHP's DOM: SimpleSAMLphp's package does not pull it in
}

root=${FEDERA_SYSTEM_ROOT:-}
mode=${1:-install}

# Does this machine have what the tests need from a package?
present() {
  local kind=$1 IFS='' path file found
  shift
  case $kind in
    exe)
      for path in "$@"; do
        found=no
        # IFS is empty: $root$path is globbed but never split.
        for file in $root$path; do [ -x "$file" ] && found=yes; done
        [ $found = yes ] || return 1
      done
      ;;
    file)
      for path in "$@"; do
        found=no
        for file in $root$path; do [ -f "$file" ] && found=yes; done
        [ $found = yes ] || return 1
      done
      ;;
    python) "$root/usr/bin/python3" -c "import $1" >/dev/null 2>&1 ;;
    *) echo "install-system-deps.sh: unknown check '$kind'" >&2 && exit 2 ;;
  esac
}

missing=()
need() {
  local package=$1
  shift
  if [ "$mode" = --list ]; then
    echo "$package $*"
  elif ! present "$@"; then
    missing+=("$package")
  fi
}

case $mode in
  --list) packages && exit 0 ;;
  --check)
    packages
    [ ${#missing[@]} -eq 0 ] || printf '%s\n' "${missing[@]}"
    exit $((${#missing[@]} > 0))
    ;;
  install | --no-prompt) packages ;;
  *) echo "usage: bash scripts/install-system-deps.sh [--no-prompt | --check | --list]" >&2 && exit 2 ;;
esac
if [ ${#missing[@]} -eq 0 ]; then
  echo "system packages: all present"
  exit 0
fi

as_root=()
if [ "$(id -u)" -ne 0 ]; then
  if [ "$mode" = install ] && command -v sudo >/dev/null; then
    as_root=(sudo)
  elif [ "$mode" = --no-prompt ] && sudo -n true >/dev/null 2>&1; then
    as_root=(sudo -n)
  else
    echo "system packages: the tests use ${missing[*]} as real peers, and they are not installed." >&2
    echo "Install them as root, then run the tests again:" >&2
    echo "  sudo bash scripts/install-system-deps.sh" >&2
    exit 1
  fi
fi
if ! command -v apt-get >/dev/null; then
  echo "system packages: the tests use the Debian packages ${missing[*]}, and there is no apt-get here to install them" >&2
  exit 1
fi

echo "system packages: installing ${missing[*]}, which the tests use as real peers (apt-get update, then apt-get install)"
# Packages such as apache2 and postgresql start a system service on every interface when installed;
# the tests start their own on loopback, so while installing, invoke-rc.d is told not to (Debian's
# policy-rc.d: exit 101 = action forbidden), unless the machine already has a policy of its own.
policy=/usr/sbin/policy-rc.d
if [ -z "$root" ] && [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' | "${as_root[@]}" tee "$policy" >/dev/null
  "${as_root[@]}" chmod 755 "$policy"
  trap '"${as_root[@]}" rm -f "$policy"' EXIT
fi
"${as_root[@]}" apt-get update
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"

# Installed is not enough: what the tests need from each package must be there now.
installed=("${missing[@]}")
missing=()
packages
if [ ${#missing[@]} -ne 0 ]; then
  echo "system packages: apt-get installed ${installed[*]}, but the tests still miss what they need from: ${missing[*]} (see 'bash scripts/install-system-deps.sh --list')" >&2
  exit 1
fi
echo "system packages: installed ${installed[*]}"
