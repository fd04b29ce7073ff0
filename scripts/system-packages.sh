#!/bin/sh
# Installs the Debian packages named as arguments when they are missing: with apt-get when
# run as root, else prints what to install and goes on (the app starts; PDFs or browser tests
# will say what is missing).
missing=""
for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing="$missing $pkg"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
    echo "Installing Debian packages:$missing"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq && apt-get install -y -qq --no-install-recommends $missing >/dev/null
    exit $?
fi
echo "Missing Debian packages:$missing"
echo "Install them as root:  sudo apt-get install$missing"
echo "(continuing without them; PDFs or the browser test need them)"
