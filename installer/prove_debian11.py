"""Proof on the target: the release .deb installs with apt in a fresh Debian 11 root, runs there and prints.

    sudo python3 installer/prove_debian11.py [dist/gridstation_<version>_amd64.deb] [--keep]

Makes a new minimal bullseye root (glibc 2.31, the oldest the registry still serves), lets apt install
the package with its Depends from Debian's registry and without Recommends (so Depends alone must be
enough), then runs the installed ``gridstation`` offscreen: --version, init, selftest (which opens every page
and dialog) and screenshots of the intake and statistics pages; they land beside the .deb as
``<name>.debian11.png``, ``…-stats.png`` and ``…-settings.png`` for a person to look at.

Then the print proof, in the same root: Debian 11's CUPS with a cups-pdf queue ``PDF`` as the default
printer (cupsd started inside the root, on its own socket only), an X server (Xvfb) with a window manager
(openbox), and the installed program's window driven by its keys with xdotool as a clerk would: sign in,
find the resident, Ctrl+Enter 保存并打印回执, Ctrl+P in the preview, Enter in Qt's print dialog (the
system's default printer). The station keeps the paper ``init`` gives it (回执尺寸 A5, shown on the
settings screenshot; the command line's receipt without ``--size`` must be A5 too). The PDF the queue
wrote must be A5 (pdfinfo), one page, text and not a picture (the serial and the masked ID number come
out of pdftotext, pdfimages lists no image) with an embedded font (pdffonts); it and a PNG of it land
beside the .deb (``<name>.debian11-cups-a5.pdf`` / ``.png``), the screenshots of each step in
``<name>.debian11-print/``. The Chinese words are only reported: Debian 11's cups-pdf turns the PDF into
PostScript and back with Ghostscript, which keeps the glyphs and the embedded font but drops the
ToUnicode map, so pdftotext cannot read Chinese from what the queue wrote, from this program's PDF or
from one Qt wrote (the program's own PDF is checked for it instead). With an intake and a grid event on
the station, selftest runs again and must skip no window. The X tools, CUPS and poppler are installed
only after the program's own proof, so they cannot stand in for a missing Depends of the offscreen run;
they bring X libraries of their own (libx11 …), so the window's run on X does not prove that Depends
alone carry the xcb platform (a desktop has those libraries anyway).

The root is deleted afterwards unless --keep. Needs root, debootstrap and Debian's registry; about eight
minutes on two cores (see the README), so it runs before each release, not in CI.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import sys
import tempfile
import time
from pathlib import Path

from debian_root import RootError, create, entered, remove, run
from release import SUITE, cache_folder

ROOT = Path(__file__).resolve().parents[1]
STATION = "新亚洲体育城社区为民服务站"
SHOT = "/root/intake.png"
RESIDENT = ("张秀兰", "110101199003077715", "13812345678")
PROVE = f"""
apt-get update -qq
apt-get install -y -qq --no-install-recommends /tmp/{{deb}}
dpkg -s gridstation | grep -E '^(Status|Version|Depends):'
gridstation --version
gridstation init --station '{STATION}' --admin admin
gridstation selftest
gridstation screenshot --page intake --out {SHOT}
gridstation screenshot --page stats --out /root/stats.png
gridstation screenshot --page settings --out /root/settings.png
"""
# Debian 11's CUPS with a cups-pdf queue as the default printer, an X server and a window manager.
# policy-rc.d keeps apt from starting services; cupsd listens only on its socket inside the root
# (no TCP port shared with the host), and the clients there ask only that socket.
PRINTING = r"""
printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
chmod 755 /usr/sbin/policy-rc.d
apt-get install -y -qq --no-install-recommends cups printer-driver-cups-pdf poppler-utils \
    xvfb xauth openbox xdotool imagemagick > /root/apt-printing.log
sed -i -e '/^Listen localhost:631/d' -e '/^Port 631/d' /etc/cups/cupsd.conf
echo 'ServerName /run/cups/cups.sock' > /etc/cups/client.conf
mkdir -p /run/cups /root/shots
/usr/sbin/cupsd -f > /root/cupsd.out 2>&1 &
echo $! >> /root/pids
i=0
until lpstat -r 2>/dev/null | grep -q 'is running'; do
    i=$((i + 1)); [ $i -lt 60 ] || { echo 'cupsd 没有启动'; cat /root/cupsd.out; exit 1; }; sleep 0.5
done
lpstat -v PDF 2>/dev/null || lpadmin -p PDF -E -v cups-pdf:/ -P /usr/share/ppd/cups-pdf/CUPS-PDF_opt.ppd
lpoptions -d PDF > /dev/null
lpstat -d -v
dpkg-query -W cups printer-driver-cups-pdf
"""
# The clerk's keys on the installed program's window; a screenshot after each step.
WINDOW = r"""
export QT_QPA_PLATFORM=xcb DISPLAY=:{display}
shot() {{ import -window root "/root/shots/$1.png" 2>/dev/null || true; }}
# a visible window whose title matches $1 (a regular expression) and not $2 (fixed text)
seen() {{
    for window in $(xdotool search --onlyvisible --name "$1" 2> /dev/null); do
        if [ -z "${{2:-}}" ] || ! xdotool getwindowname "$window" | grep -qF "$2"; then echo "$window"; return 0; fi
    done
    return 1
}}
wait_for() {{  # title, name of the screenshot if it never shows, title text to pass over
    i=0
    until seen "$1" "${{3:-}}" > /dev/null; do
        i=$((i + 1))
        if [ $i -ge 120 ]; then
            echo "等了 60 秒，没有出现窗口 / no window titled '$1' after 60 s"; shot "missing-$2"
            echo '--- gui.log'; cat /root/gui.log; return 1
        fi
        sleep 0.5
    done
    xdotool windowactivate --sync "$(seen "$1" "${{3:-}}")" 2> /dev/null || true
    sleep 1.5
}}
Xvfb :{display} -screen 0 1366x768x24 -nolisten tcp > /root/xvfb.log 2>&1 &
echo $! >> /root/pids
sleep 2
openbox > /root/openbox.log 2>&1 &
echo $! >> /root/pids
sleep 1
printf '姓名,身份证号,联系电话\n{name},{id},{phone}\n' > /root/residents.csv
QT_QPA_PLATFORM=offscreen gridstation import residents /root/residents.csv
gridstation > /root/gui.log 2>&1 &
echo $! >> /root/pids
wait_for '登录' 1-login
shot 1-login
xdotool type --delay 40 admin
xdotool key Tab
xdotool type --delay 40 "$GRIDSTATION_ADMIN_PASSWORD"
xdotool key Return
i=0
while seen '登录' > /dev/null; do i=$((i + 1)); [ $i -lt 40 ] || {{ shot 2-login-stuck; echo '登录窗口没有关闭'; exit 1; }}; sleep 0.5; done
sleep 2
shot 2-signed-in
xdotool type --delay 30 '{id}'
xdotool key Return
sleep 2
xdotool key Tab Tab Tab space
sleep 0.5
shot 3-intake
xdotool key ctrl+Return
wait_for '打印预览' 4-preview
shot 4-preview
xdotool getwindowname "$(seen '打印预览')" | grep -o 'SL[0-9]*' > /root/serial
xdotool key ctrl+p
wait_for '^打印' 5-print-dialog 预览
shot 5-print-dialog
xdotool key Return
sleep 4
shot 6-printed
echo '--- gui.log'; cat /root/gui.log
"""
# What the queue wrote: A5, the receipt's text, an embedded font; the program's own PDF for comparison.
CHECK = r"""
i=0
until out=$(find /root/PDF /var/spool/cups-pdf -name '*.pdf' 2> /dev/null | head -1) && [ -n "$out" ]; do
    i=$((i + 1))
    if [ $i -ge 90 ]; then
        echo '90 秒内打印队列没有写出 PDF / the queue wrote no PDF in 90 s'
        lpstat -t; lpstat -W all -o; tail -30 /var/log/cups/error_log; tail -30 /var/log/cups/cups-pdf*_log 2>/dev/null
        exit 1
    fi
    sleep 1
done
sleep 2
echo "队列写出的 PDF / the queue wrote: $out"
cp "$out" /root/cups-receipt.pdf
lpstat -W completed -o
pdfinfo /root/cups-receipt.pdf | grep -E '^(Producer|Creator|Pages|Page size|File size):'
echo '--- pdffonts'; pdffonts /root/cups-receipt.pdf
echo '--- pdftotext'; pdftotext -layout /root/cups-receipt.pdf - | head -30
pdftoppm -r 60 -png -singlefile /root/cups-receipt.pdf /root/cups-receipt
serial=$(cat /root/serial)
gridstation receipt "$serial" --out /root/receipt-cli.pdf
echo "--- 程序自己的 PDF / the program's own PDF ($serial, no --size):"
pdfinfo /root/receipt-cli.pdf | grep -E '^(Page size|File size):'
failed=0
pdfinfo /root/receipt-cli.pdf | grep -qE 'Page size: +(419\.[0-9]+|420) x 595(\.[0-9]+)? pts' \
    || {{ echo '失败：回执尺寸不是 A5 / the receipt of the station is not A5'; failed=1; }}
pdfinfo /root/cups-receipt.pdf | grep -qE 'Page size: +(419\.[0-9]+|420) x 595(\.[0-9]+)? pts' \
    || {{ echo '失败：队列写出的不是 A5 / the PDF of the queue is not A5'; failed=1; }}
[ "$(pdfinfo /root/cups-receipt.pdf | awk '/^Pages:/ {{print $2}}')" = 1 ] \
    || {{ echo '失败：不是一页 / not one page'; failed=1; }}
text=$(pdftotext /root/cups-receipt.pdf - | tr -d ' \n')
for word in "$serial" '110101********7715'; do
    case "$text" in *"$word"*) ;; *) echo "失败：PDF 里没有文字「$word」 / no text '$word'"; failed=1 ;; esac
done
[ "$(pdfimages -list /root/cups-receipt.pdf | tail -n +3 | wc -l)" = 0 ] \
    || {{ echo '失败：PDF 里有图像 / the page holds an image'; pdfimages -list /root/cups-receipt.pdf; failed=1; }}
for word in 受理回执 '{station}' '{name}' 失业证; do
    case "$text" in *"$word"*) ;; *) echo "注意：汉字不能从队列的 PDF 里提取「$word」 / Chinese text not extractable" ;; esac
done
pdffonts /root/cups-receipt.pdf | awk 'NR > 2 && $(NF - 4) == "yes" {{ found = 1 }} END {{ exit !found }}' \
    || {{ echo '失败：没有嵌入的字体 / no embedded font'; failed=1; }}
pdftotext /root/receipt-cli.pdf - | tr -d ' \n' | grep -q 受理回执 \
    || {{ echo '失败：程序自己的 PDF 里没有汉字 / no Chinese text in the program PDF'; failed=1; }}
[ $failed = 0 ] && echo '打印验证通过 / printed on A5 to the CUPS PDF queue: one page, text (no image), font embedded'
exit $failed
"""
# With an intake and a grid event on the station, selftest opens the windows it skips on an empty one.
AGAIN = """
gridstation events add --category 环境卫生 --description '小区门口垃圾堆放'
gridstation selftest > /root/selftest-again.log 2>&1 || {{ cat /root/selftest-again.log; exit 1; }}
grep -E '受理详情|网格事件”|自检' /root/selftest-again.log
if grep -q '已跳过' /root/selftest-again.log; then echo '失败：自检仍有跳过的窗口 / selftest still skips'; exit 1; fi
"""
RUN_ENV = {"QT_QPA_PLATFORM": "offscreen", "GRIDSTATION_DATA_DIR": "/root/gridstation-data",
           "GRIDSTATION_ADMIN_PASSWORD": "release-proof-1"}


def newest_deb() -> Path:
    debs = sorted((ROOT / "dist").glob("gridstation_*.deb"), key=lambda p: p.stat().st_mtime)
    if not debs:
        raise RootError("dist/ 里没有 .deb：先运行 python3 installer/build.py --release。")
    return debs[-1]


def free_display() -> int:
    """An X display number nobody uses on this machine: Xvfb's abstract socket is shared with the host."""
    used = Path("/proc/net/unix").read_text()
    for number in range(91, 200):
        if f"/tmp/.X11-unix/X{number}" not in used and not Path(f"/tmp/.X{number}-lock").exists():
            return number
    raise RootError("没有空闲的 X 显示编号。")


def stop_started(root: Path) -> None:
    """End the processes the proof started in the root (cupsd, Xvfb, openbox, the window), by their ids."""
    pids = root / "root" / "pids"
    if not pids.is_file():
        return
    for line in reversed(pids.read_text().split()):
        with_id = int(line)
        try:
            os.kill(with_id, signal.SIGTERM)
        except ProcessLookupError:
            continue
    time.sleep(2)
    for line in pids.read_text().split():
        try:
            os.kill(int(line), signal.SIGKILL)
        except ProcessLookupError:
            pass
    pids.unlink()


def keep_beside(deb: Path, root: Path, inside: str, suffix: str) -> Path | None:
    """Copy ``inside`` (a path in the root) beside the .deb as ``<deb stem><suffix>``, if it was made."""
    made = root / inside.lstrip("/")
    if not made.exists():
        return None
    target = deb.with_name(deb.stem + suffix)
    if made.is_dir():
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(made, target)
    else:
        shutil.copy2(made, target)
    return target


def prove(deb: Path, keep: bool = False) -> Path:
    """Install ``deb`` in a fresh root, run it and print a receipt to a CUPS queue; returns the queue's PDF."""
    cache = cache_folder()
    cache.mkdir(parents=True, exist_ok=True)
    root = Path(tempfile.mkdtemp(prefix=f"{SUITE}-proof-", dir=cache))
    started = time.perf_counter()
    times: list[str] = []

    def lap(name: str, since: float) -> float:
        now = time.perf_counter()
        times.append(f"{name} {now - since:.0f} s")
        return now

    try:
        print(f"==> 新的 Debian 11 根目录 / fresh {SUITE} root in {root}", flush=True)
        create(root, SUITE)
        mark = lap("root", started)
        shutil.copy2(deb, root / "tmp" / deb.name)
        print(f"==> apt 安装并运行 / apt install {deb.name}, then init, selftest, screenshots", flush=True)
        with entered(root):
            try:
                run(root, PROVE.format(deb=deb.name), env=RUN_ENV)
                mark = lap("apt install, init, selftest, screenshots", mark)
                print("==> CUPS、PDF 打印队列、X / CUPS with a cups-pdf queue, Xvfb and openbox", flush=True)
                run(root, PRINTING, env=RUN_ENV)
                mark = lap("CUPS and X installed", mark)
                print("==> 受理并打印回执 / sign in, intake, Ctrl+Enter, Ctrl+P, Enter (keys, on X)", flush=True)
                display = free_display()
                script = WINDOW.format(display=display, name=RESIDENT[0], id=RESIDENT[1], phone=RESIDENT[2])
                run(root, script, env=RUN_ENV)
                print("==> 队列写出的 PDF / the PDF the queue wrote", flush=True)
                run(root, CHECK.format(station=STATION, name=RESIDENT[0]), env=RUN_ENV)
                mark = lap("intake and print through CUPS, checked", mark)
                print("==> 再次自检（有受理和网格事件）/ selftest again with an intake and an event", flush=True)
                run(root, AGAIN.format(), env=RUN_ENV)
                mark = lap("selftest again", mark)
            finally:
                stop_started(root)
                for inside, suffix in [(SHOT, ".debian11.png"), ("/root/stats.png", ".debian11-stats.png"),
                                       ("/root/settings.png", ".debian11-settings.png"),
                                       ("/root/cups-receipt.pdf", ".debian11-cups-a5.pdf"),
                                       ("/root/cups-receipt.png", ".debian11-cups-a5.png"),
                                       ("/root/shots", ".debian11-print")]:
                    kept = keep_beside(deb, root, inside, suffix)
                    if kept:
                        print(f"    {kept}")
        print(f"    {', '.join(times)}; in all {time.perf_counter() - started:.0f} s")
        return deb.with_name(deb.stem + ".debian11-cups-a5.pdf")
    finally:
        if not keep:
            remove(root)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="在新的 Debian 11 环境里安装并运行发布版 .deb，并打印回执到 CUPS 的 PDF 队列")
    parser.add_argument("deb", nargs="?", type=Path, help="默认 dist/ 里最新的 gridstation_*.deb")
    parser.add_argument("--keep", action="store_true", help="保留根目录（查问题用）")
    args = parser.parse_args(argv)
    try:
        prove((args.deb or newest_deb()).resolve(), keep=args.keep)
    except RootError as exc:
        print(f"验证未通过：{exc}", file=sys.stderr)
        return 1
    print("验证通过 / the release .deb installs, runs and prints a receipt on A5 to a CUPS queue on Debian 11")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
