#!/usr/bin/env bash
# Screenshots of tbx-top's Images view drawn as real sixel graphics by xterm (VT340 emulation)
# on a virtual X display, in screenshots/:
#   images-sixel-xterm.png       key 3: the Images view on fig/hist (a matplotlib figure)
#   images-sixel-xterm-next.png  key j: the next image tag, drawn over the first one
#   images-sixel-xterm-left.png  key 1: back to Scalars, no sixel residue left over the charts
#
# Needs (Debian/Ubuntu): apt-get install xvfb xterm xdotool imagemagick x11-utils fonts-dejavu-core
# Usage: screenshots/make_sixel_shot.sh [images-mode (default sixel; auto picks sixel too, from
#        xterm's device attributes)] [logdir (default the test corpus; --demo for the demo)]
# Environment: OUT (folder, default screenshots), DISP (X display, default :97), WAIT (seconds
# for the app to start, default 8; 14 for --demo).
set -euo pipefail
cd "$(dirname "$0")/.."
MODE=${1:-sixel}
LOGDIR=${2:-tests/data/corpus/tbx/main}
DISP=${DISP:-:97}
OUT=${OUT:-screenshots}
WAIT=${WAIT:-8}
tmp=$(mktemp -d)
pids=()
cleanup() { for ((i = ${#pids[@]} - 1; i >= 0; i--)); do kill "${pids[i]}" 2>/dev/null || true; sleep 0.5; done; rm -rf "$tmp"; }
trap cleanup EXIT

Xvfb "$DISP" -screen 0 1400x900x24 -nolisten tcp >"$tmp/xvfb.log" 2>&1 &
pids+=($!)
export DISPLAY=$DISP
for _ in $(seq 50); do xdpyinfo >/dev/null 2>&1 && break; sleep 0.1; done

cat >"$tmp/run.sh" <<RUN
#!/usr/bin/env bash
cd "$PWD"
export TERM=xterm-256color
.venv/bin/tbx-top "$LOGDIR" --images "$MODE"
sleep 600
RUN
chmod +x "$tmp/run.sh"
# -ti vt340: sixel; 256 colour registers; black background like a typical dark terminal
xterm -ti vt340 -xrm 'XTerm*decTerminalID: vt340' -xrm 'XTerm*numColorRegisters: 256' \
    -xrm 'XTerm*sixelScrolling: true' -fa 'DejaVu Sans Mono' -fs 11 -bg black -fg white \
    -geometry 130x40+0+0 -e "$tmp/run.sh" &
pids+=($!)
sleep "$WAIT"
# no window manager: keys go to the window under the pointer
xdotool mousemove 400 300
shot() { sleep 3; import -window root -crop "$(xwininfo -root -tree | awk '/"xterm"/ {print $(NF-1); exit}')" +repage "$OUT/$1"; }
xdotool key 3 && shot images-sixel-xterm.png
xdotool key j && shot images-sixel-xterm-next.png
xdotool key 1 && shot images-sixel-xterm-left.png
echo "wrote $OUT/images-sixel-xterm{,-next,-left}.png"
