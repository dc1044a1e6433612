#!/usr/bin/env bash
# Installs the Debian packages Sky needs to build, test and fuzz, only when
# one is missing (so a second run costs a dpkg query, not an apt update).
# The list is the single source of truth for dependencies; README.md names it.
set -euo pipefail

packages=(
  build-essential cmake pkg-config
  flex bison
  llvm-19-dev clang-19 libclang-rt-19-dev libzstd-dev
  libjemalloc-dev libcmocka-dev libedit-dev libsodium-dev
  python3
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "install-deps: installing ${missing[*]}" >&2
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
