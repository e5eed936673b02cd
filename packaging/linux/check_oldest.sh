#!/usr/bin/env bash
# The .deb on the oldest system it claims, without containers: a bare Debian 12 (bookworm,
# glibc 2.36) made by debootstrap, where `apt install` must find every dependency and the
# installed app must pass its self-test; then `apt remove` must leave nothing in /opt.
# Needs root, debootstrap and a Debian mirror. The workflow does the same in a container.
# Usage: sudo packaging/linux/check_oldest.sh dist/writer-assistant_<version>_amd64.deb
set -euo pipefail
deb=$(realpath "${1:?path to the .deb}")
suite=${SUITE:-bookworm}
root=${CHROOT:-/tmp/writer-assistant-$suite}
[ -x "$root/bin/bash" ] || debootstrap --variant=minbase "$suite" "$root" http://deb.debian.org/debian
cp /etc/resolv.conf "$root/etc/resolv.conf"
cp "$deb" "$root/tmp/writer-assistant.deb"
mount -t proc proc "$root/proc"
mount --bind /dev "$root/dev"
trap 'umount "$root/dev" "$root/proc"' EXIT
# shellcheck disable=SC2016  # expanded inside the chroot
chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive \
  /bin/bash -euo pipefail -c '
  echo "$(ldd --version | head -n 1), Debian $(cat /etc/debian_version)"
  apt-get update -qq
  apt-get install -y -q /tmp/writer-assistant.deb > /tmp/apt.log
  cd /tmp && WRITER_ASSISTANT_HOME=/tmp/wa QT_QPA_PLATFORM=offscreen writer-assistant --self-test
  apt-get remove -y -q writer-assistant > /tmp/remove.log
  ! ls /opt/writer-assistant 2>/dev/null
  echo "installed, self-tested and removed on $(. /etc/os-release && echo "$PRETTY_NAME")"
'
