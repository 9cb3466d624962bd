"""Build what this machine can: the PyInstaller bundle, the Debian package, the Windows installer.

    python installer/build.py                 everything this machine can build (same as --all)
    python installer/build.py --bundle        dist/gridstation/ (one folder, PyInstaller)
    python installer/build.py --deb           dist/gridstation_<version>_<arch>.deb (Linux, dpkg-deb)
    python installer/build.py --nsis [--windows-bundle DIR]
                                              dist/gridstation-<version>-setup.exe (makensis)
    python installer/build.py --release       bundle and .deb for the stations, built inside a
                                              Debian 11 root (root, debootstrap; see release.py)

Every bundle is checked for the newest GLIBC_ symbol version its files need (glibc_check.py); the
build fails above the floor it promises, and the .deb's Depends names that floor. A release build
promises RELEASE_GLIBC_FLOOR; any other build only the glibc of the machine it was built on.

--deb and --nsis reuse the bundle in the output folder and build it first only when it is missing;
--bundle always builds it afresh. PyInstaller cannot cross-compile, so the Windows installer needs a
bundle built on Windows: there it is the one just built, on Linux a copy named by --windows-bundle.

Needs the project installed with the ``bundle`` extra (PyInstaller); Pillow (a ReportLab
dependency) writes the Windows .ico; PySide6's SVG renderer draws the icons.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

from debian_root import RootError
from glibc_check import parse_version, scan, show
from release import build_release

ROOT = Path(__file__).resolve().parents[1]
INSTALLER = ROOT / "installer"
ICON_SVG = ROOT / "resources" / "icons" / "gridstation.svg"
ICON_PNG = ROOT / "resources" / "icons" / "gridstation.png"
BUNDLE = "gridstation"
DEB_ICON_SIZES = (48, 128, 256)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
# Libraries the bundle takes from the system (PyInstaller never bundles libGL/libEGL; the spec leaves
# out Fontconfig and FreeType; the XCB helpers are bundled only when the build machine has them).
DEB_DEPENDS = ("libgl1", "libegl1", "libfontconfig1", "libfreetype6", "libxkbcommon0", "libxcb-icccm4",
               "libxcb-keysyms1", "libdbus-1-3")
DEB_RECOMMENDS = ("libwayland-cursor0", "libwayland-egl1", "cups-client")
# Debian 11 and Kylin V10 have glibc 2.31; see the README for UOS 20 (2.28).
RELEASE_GLIBC_FLOOR = "2.31"


class BuildError(Exception):
    """A build step that cannot run here or failed; the message says what to do."""


def version() -> str:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]


def step(text: str) -> None:
    print(f"==> {text}", flush=True)


def folder_size(path: Path) -> int:
    return sum(f.lstat().st_size for f in path.rglob("*") if f.is_file() and not f.is_symlink())


def build_bundle(out: Path, work: Path, floor: str) -> Path:
    """Run PyInstaller on installer/gridstation.spec; the bundle lands in ``out``/gridstation."""
    try:
        import PyInstaller  # noqa: F401 - only checking that it is installed
    except ImportError:
        raise BuildError("没有安装 PyInstaller。请运行：pip install -e '.[bundle]'（或 pip install 'pyinstaller>=6,<7'）") from None
    step("PyInstaller 打包 / building the bundle")
    started = time.perf_counter()
    command = [sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
               "--distpath", str(out), "--workpath", str(work / "pyinstaller"), str(INSTALLER / "gridstation.spec")]
    if subprocess.call(command, cwd=ROOT) != 0:
        raise BuildError("PyInstaller 打包失败，详见上面的输出。")
    bundle = out / BUNDLE
    print(f"    {bundle}  {folder_size(bundle) / 1e6:.0f} MB  {time.perf_counter() - started:.0f} s")
    check_glibc(bundle, floor)
    selftest_bundle(bundle)
    return bundle


def selftest_bundle(bundle: Path) -> None:
    """The bundle's own ``selftest`` on a new station, offscreen: every document, page and dialog of the
    program opens from the bundle (a Qt module the spec left out once crashed the 统计 page only there)."""
    step("程序包自检 / the bundle's selftest")
    program = bundle / ("gridstation-cli.exe" if sys.platform == "win32" else "gridstation")
    with tempfile.TemporaryDirectory(prefix="gridstation-build-selftest-") as folder:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "GRIDSTATION_"))}
        env.update(QT_QPA_PLATFORM="offscreen", GRIDSTATION_DATA_DIR=str(Path(folder) / "data"),
                   GRIDSTATION_ADMIN_PASSWORD="build-selftest-1")
        for args in (["init", "--station", "自检", "--admin", "admin"], ["selftest"]):
            result = subprocess.run([str(program), *args], cwd=folder, env=env, capture_output=True, text=True,
                                    timeout=600, check=False)
            if result.returncode != 0:
                raise BuildError(f"程序包自检失败（{' '.join(args)}）：\n{result.stdout[-2000:]}{result.stderr[-2000:]}")
    print("    自检通过 / selftest passed")


def existing_bundle(out: Path, work: Path, floor: str) -> Path:
    bundle = out / BUNDLE
    return bundle if (bundle / "_internal").is_dir() else build_bundle(out, work, floor)


def render_png(size: int, target: Path) -> Path:
    """The SVG icon drawn at ``size`` pixels by Qt's SVG renderer (no Inkscape needed)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    _app = QGuiApplication.instance() or QGuiApplication([])
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    QSvgRenderer(str(ICON_SVG)).render(painter)
    painter.end()
    target.parent.mkdir(parents=True, exist_ok=True)
    if not image.save(str(target)):
        raise BuildError(f"无法写入图标 {target}。")
    return target


def render_ico(target: Path) -> Path:
    """A multi-size Windows icon (installer, shortcuts, Apps & features)."""
    from PIL import Image

    largest = render_png(256, target.with_suffix(".256.png"))
    Image.open(largest).save(target, sizes=[(s, s) for s in ICO_SIZES])
    return target


def build_glibc() -> str:
    """The glibc of the machine running the build: what a bundle built here can promise at best."""
    return os.confstr("CS_GNU_LIBC_VERSION").split()[-1] if sys.platform == "linux" else RELEASE_GLIBC_FLOOR


def check_glibc(bundle: Path, floor: str) -> None:
    """Refuse a bundle any file of which needs a newer glibc than ``floor``: it would not start there."""
    report = scan(bundle)
    too_new = report.above(parse_version(floor))
    print(f"    GLIBC: newest needed {show(report.newest)}, promised floor {floor}")
    if too_new:
        listed = "\n".join(f"      GLIBC_{show(v)}  {p.relative_to(bundle)}" for v, p in too_new[:10])
        raise BuildError(f"程序包里有 {len(too_new)} 个文件需要比 glibc {floor} 更新的 C 库，"
                         f"在承诺的最旧系统上无法启动：\n{listed}\n请用 --release 在 Debian 11 环境里打包。")


def deb_architecture() -> str:
    return subprocess.run(["dpkg", "--print-architecture"], check=True, capture_output=True, text=True).stdout.strip()


def build_deb(bundle: Path, out: Path, work: Path, floor: str, *, fast: bool = False) -> Path:
    """Pack the bundle as a .deb: /opt/gridstation, /usr/bin/gridstation, menu entry and icons.

    No maintainer scripts: removing the package removes exactly its files, and the data (in each
    user's ~/.local/share/GridStation, or wherever the first-run setup put it) is never touched.
    Menu and icon caches are refreshed by the dpkg triggers of desktop-file-utils and hicolor.
    The bundle is checked against ``floor`` again (it may be an older build), and Depends names it.
    """
    if sys.platform != "linux" or shutil.which("dpkg-deb") is None:
        raise BuildError("制作 .deb 需要在 Linux 上运行，并且有 dpkg-deb（Debian/UOS/麒麟自带）。")
    check_glibc(bundle, floor)
    arch = deb_architecture()
    name = f"gridstation_{version()}_{arch}"
    step(f"制作 Debian 软件包 / building {name}.deb")
    root = work / "deb" / name
    shutil.rmtree(root, ignore_errors=True)
    shutil.copytree(bundle, root / "opt" / "gridstation", symlinks=True)
    (root / "usr" / "bin").mkdir(parents=True)
    (root / "usr" / "bin" / "gridstation").symlink_to("/opt/gridstation/gridstation")
    applications = root / "usr" / "share" / "applications"
    applications.mkdir(parents=True)
    shutil.copy2(INSTALLER / "gridstation.desktop", applications / "gridstation.desktop")
    icons = root / "usr" / "share" / "icons" / "hicolor"
    (icons / "scalable" / "apps").mkdir(parents=True)
    shutil.copy2(ICON_SVG, icons / "scalable" / "apps" / "gridstation.svg")
    for size in DEB_ICON_SIZES:
        render_png(size, icons / f"{size}x{size}" / "apps" / "gridstation.png")
    control = root / "DEBIAN" / "control"
    control.parent.mkdir()
    control.write_text(
        "Package: gridstation\n"
        f"Version: {version()}\n"
        f"Architecture: {arch}\n"
        "Maintainer: 网格服务站 GridStation <gridstation@localhost>\n"
        f"Installed-Size: {folder_size(root) // 1024}\n"
        f"Depends: libc6 (>= {floor}), {', '.join(DEB_DEPENDS)}\n"
        f"Recommends: {', '.join(DEB_RECOMMENDS)}\n"
        "Section: misc\n"
        "Priority: optional\n"
        "Description: 网格服务站 GridStation - community service station front counter\n"
        " 社区为民服务站一站式受理（失业证、待遇领取资格认证、讨薪、4050 等）与共享工具箱借还。\n"
        " One-stop intake and shared tool box for community service stations;\n"
        " a self-contained program under /opt/gridstation. Data stays in the user's data\n"
        " folder and is kept when the package is removed.\n",
        encoding="utf-8",
    )
    for folder in [root, *root.rglob("*")]:
        if folder.is_dir() and not folder.is_symlink():
            folder.chmod(0o755)
    out.mkdir(parents=True, exist_ok=True)
    target = out / f"{name}.deb"
    # xz makes the smallest package for a USB stick; gzip builds it six times faster.
    compression = ["-Zgzip", "-z6"] if fast else ["-Zxz", "-z6"]
    command = ["dpkg-deb", "--root-owner-group", *compression, "--build", str(root), str(target)]
    if subprocess.call(command, stdout=subprocess.DEVNULL) != 0:
        raise BuildError("dpkg-deb 打包失败，详见上面的输出。")
    print(f"    {target}  {target.stat().st_size / 1e6:.0f} MB")
    return target


def windows_bundle(args: argparse.Namespace, out: Path, work: Path) -> Path:
    if args.windows_bundle:
        bundle = Path(args.windows_bundle).resolve()
    elif sys.platform == "win32":
        bundle = existing_bundle(out, work, build_glibc())
    else:
        raise BuildError("Windows 安装程序需要在 Windows 上打好的程序包：请在 Windows 上运行 "
                         "python installer/build.py --bundle，再把 dist\\gridstation 文件夹用 --windows-bundle 指给本命令。")
    if not (bundle / "gridstation.exe").is_file():
        raise BuildError(f"{bundle} 里没有 gridstation.exe，不是 Windows 版程序包。")
    return bundle


def build_nsis(bundle: Path, out: Path, work: Path) -> Path:
    """Fill installer/gridstation.nsi.in from the package version and compile it with makensis."""
    makensis = shutil.which("makensis")
    if makensis is None:
        raise BuildError("没有找到 makensis。Debian/UOS/麒麟：apt-get install nsis；Windows：安装 NSIS 3 并加入 PATH。")
    ver = version()
    step(f"制作 Windows 安装程序 / building gridstation-{ver}-setup.exe")
    folder = work / "nsis"
    folder.mkdir(parents=True, exist_ok=True)
    out.mkdir(parents=True, exist_ok=True)
    target = out / f"gridstation-{ver}-setup.exe"
    numbers = [int(x) for x in re.findall(r"\d+", ver)[:4]]
    fields = {
        "VERSION": ver,
        "VERSION_QUAD": ".".join(map(str, numbers + [0] * (4 - len(numbers)))),
        "OUTFILE": str(target.resolve()),
        "BUNDLE_DIR": str(bundle.resolve()),
        "ICON": str(render_ico(folder / "gridstation.ico").resolve()),
    }
    text = (INSTALLER / "gridstation.nsi.in").read_text(encoding="utf-8")
    script = folder / "gridstation.nsi"
    script.write_text(re.sub(r"@([A-Z_]+)@", lambda m: fields[m.group(1)], text), encoding="utf-8")
    command = [makensis, "-INPUTCHARSET", "UTF8", "-V2", str(script)]
    if subprocess.call(command) != 0:
        raise BuildError("makensis 编译失败，详见上面的输出。")
    print(f"    {target}  {target.stat().st_size / 1e6:.0f} MB")
    return target


def refresh_committed_icon() -> Path:
    """Redraw resources/icons/gridstation.png (window icon, PyInstaller's .exe icon) after the SVG changes."""
    step("重新生成图标 / rendering resources/icons/gridstation.png")
    return render_png(256, ICON_PNG)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="打包网格服务站 / build GridStation bundles and installers")
    parser.add_argument("--bundle", action="store_true", help="PyInstaller 单文件夹程序包（重新打包）")
    parser.add_argument("--deb", action="store_true", help="Debian/UOS/麒麟 软件包（Linux）")
    parser.add_argument("--nsis", action="store_true", help="Windows 安装程序（需要 makensis）")
    parser.add_argument("--all", action="store_true", help="本机能做的全部（默认）")
    parser.add_argument("--release", action="store_true",
                        help=f"发布版：在 Debian 11 环境里打包和制作 .deb，可在 glibc {RELEASE_GLIBC_FLOOR} 的系统上运行（需要 root 和 debootstrap）")
    parser.add_argument("--glibc-floor", metavar="X.Y",
                        help="承诺的最旧 glibc；程序包里有文件需要更新的就失败（默认：本机的 glibc，--release 时为 "
                             f"{RELEASE_GLIBC_FLOOR}）")
    parser.add_argument("--windows-bundle", metavar="DIR", help="在 Windows 上打好的 dist\\gridstation 文件夹（在 Linux 上制作安装程序时用）")
    parser.add_argument("--fast", action="store_true", help="用 gzip 压缩 .deb：更快、更大（试打包和测试用）")
    parser.add_argument("--icons", action="store_true", help="由 SVG 重新生成 resources/icons/gridstation.png")
    parser.add_argument("--out", default=str(ROOT / "dist"), help="输出文件夹（默认 dist/）")
    parser.add_argument("--work", default=str(ROOT / "build"), help="中间文件夹（默认 build/）")
    args = parser.parse_args(argv)
    out, work = Path(args.out).resolve(), Path(args.work).resolve()
    everything = args.all or not (args.bundle or args.deb or args.nsis or args.icons or args.release)
    floor = args.glibc_floor or (RELEASE_GLIBC_FLOOR if args.release else build_glibc())
    try:
        if args.icons:
            refresh_committed_icon()
        if args.release:
            check_glibc(build_release(ROOT, out, floor, fast=args.fast), floor)
        if args.bundle or everything:
            build_bundle(out, work, floor)
        if args.deb or (everything and sys.platform == "linux" and shutil.which("dpkg-deb")):
            build_deb(existing_bundle(out, work, floor), out, work, floor, fast=args.fast)
        if args.nsis or (everything and shutil.which("makensis") and (sys.platform == "win32" or args.windows_bundle)):
            build_nsis(windows_bundle(args, out, work), out, work)
    except (BuildError, RootError) as exc:
        print(f"打包未完成：{exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
