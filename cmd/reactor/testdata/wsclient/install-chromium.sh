#!/bin/sh
# Installs Debian's chromium for the headless browser tests (cmd/reactor/websocket_clients_test.go), when
# it is missing and apt-get can be used: as root, or through sudo without a password. Run by
# `make browser-tools`. It does nothing when chromium is already there, and only warns where it cannot
# install it (no apt-get, no root, no chromium package): those tests then skip, saying why. A failing
# install where one is possible fails, so that CI does not skip them silently.
set -eu

if command -v chromium >/dev/null 2>&1; then
	exit 0
fi
warn() {
	echo "browser-tools: $*: the Chromium tests will skip" >&2
	exit 0
}
command -v apt-get >/dev/null 2>&1 || warn "chromium is not installed and there is no apt-get"
sudo=""
if [ "$(id -u)" != 0 ]; then
	sudo -n true 2>/dev/null || warn "chromium is not installed and apt-get needs root (sudo asks for a password)"
	sudo="sudo -n"
fi
$sudo apt-get update -q
apt-cache show chromium >/dev/null 2>&1 || warn "apt has no package named chromium here"
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium
