#!/bin/bash
# Install the kiosk session on a terminal (Debian 12). Run as root from the suite's checkout at /opt/hall:
#   /opt/hall/deploy/kiosk/install.sh            # install and enable (field guide §1.4)
#   install.sh --root /tmp/x                     # write the files under /tmp/x only (no users, no systemctl)
set -euo pipefail

root=/
if [ "${1:-}" = "--root" ]; then root=${2:?--root needs a directory}; fi
here=$(dirname "$(readlink -f "$0")")
etc="$root/etc"

install -d -m 0755 "$etc/systemd/system" "$etc/logrotate.d" "$etc/systemd/journald.conf.d" "$etc/hall" \
  "$etc/X11" "$root/var/log/hall" "$root/var/lib/hall" "$root/usr/local/bin"
install -m 0644 "$here/hall-kiosk.service" "$here/hall-kiosk-nightly.service" "$here/hall-kiosk-nightly.timer" \
  "$here/hall-logrotate.service" "$here/hall-logrotate.timer" "$etc/systemd/system/"
# The technician's command: `hall devices diagnose`, `sudo -u kiosk hall cache status`.
install -m 0755 "$here/hall" "$root/usr/local/bin/hall"
install -m 0644 "$here/hall-kiosk.logrotate" "$etc/logrotate.d/hall-kiosk"
install -m 0644 "$here/journald-hall.conf" "$etc/systemd/journald.conf.d/hall.conf"
[ -e "$etc/hall/kiosk.env" ] || install -m 0600 "$here/kiosk.env.example" "$etc/hall/kiosk.env"
# The X server is started by an unprivileged user from a service: allow it (Debian's Xorg wrapper).
printf 'allowed_users=anybody\nneeds_root_rights=yes\n' >"$etc/X11/Xwrapper.config"

if [ "$root" != / ]; then
  echo "files written under $root"
  exit 0
fi

id kiosk >/dev/null 2>&1 || useradd --system --create-home --home-dir /var/lib/hall/home --shell /usr/sbin/nologin kiosk
usermod -aG dialout,video,audio,lp,plugdev,input kiosk
chown -R kiosk:kiosk /var/log/hall /var/lib/hall
[ -e /etc/hall/terminal.toml ] || echo "NOTE: write /etc/hall/terminal.toml (field guide §1.6) before starting"
systemctl daemon-reload
systemctl set-default graphical.target
systemctl enable hall-kiosk.service hall-kiosk-nightly.timer hall-logrotate.timer
echo "installed; start now with: systemctl start hall-kiosk.service"
