#!/usr/bin/env bash
# Installs the Debian 12 packages the workbench needs to build, run and test, if any is missing.
set -euo pipefail

packages=(
  build-essential cmake pkg-config clang clang-format libclang-rt-14-dev
  qt6-base-dev qt6-base-dev-tools qt6-svg-dev qt6-l10n-tools
  libqcustomplot-dev libqcustomplot2.1-qt6
  libssl-dev openssl librabbitmq-dev rabbitmq-server zlib1g-dev libgif-dev poppler-utils
  libgtest-dev libgmock-dev libbenchmark-dev
  python3 python3-pika xvfb xauth fonts-dejavu-core
  appstream desktop-file-utils dpkg-dev file
  libvirt-clients libxml2-utils iptables iproute2 bash amqp-tools python3-kombu python3-pycryptodome
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]} == 0)); then
  exit 0
fi

as_root=()
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null || { echo "install-deps: run as root or install sudo" >&2; exit 1; }
  as_root=(sudo)
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -qq
# The broker package tries to start its service; policy-rc.d refusing that is expected.
"${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
