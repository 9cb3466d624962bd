"""First-run setup: a new station answers the wizard by keyboard and can sign in; bad answers create nothing."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog

from gridstation.core.rules.errors import DomainError
from gridstation.core.station import accounts, roles, station
from gridstation.core.storage import db as dbmod
from gridstation.core.storage import paths, settings
from gridstation.ui.common import local_settings
from gridstation.ui.station.setup_wizard import SetupWizard, should_offer
from tests.helpers import activate, type_text

PASSWORD = "secret123"


@pytest.fixture
def site(tmp_path, monkeypatch) -> Path:
    """This PC's default database location, not yet created (the first run)."""
    monkeypatch.setenv("GRIDSTATION_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("GRIDSTATION_DB", raising=False)
    yield Path(paths.default_database())
    dbmod.close_database()


@pytest.fixture
def wizard(qtbot, site) -> SetupWizard:
    window = SetupWizard(str(site))
    qtbot.addWidget(window)
    window.show()
    activate(qtbot, window)
    return window


def press(qtbot, wizard: SetupWizard, key: Qt.Key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    qtbot.keyClick(QApplication.focusWidget() or wizard, key, modifier)


def next_page(qtbot, wizard: SetupWizard) -> None:
    """Enter, as staff finish a page: QWizard takes it as 下一步 (or 完成 on the last page)."""
    press(qtbot, wizard, Qt.Key.Key_Return)


def replace_text(qtbot, edit, text: str) -> None:
    edit.setFocus()
    qtbot.keyClick(edit, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(edit, Qt.Key.Key_Delete)
    type_text(qtbot, edit, text)


def fill_station(qtbot, wizard: SetupWizard, name: str = "新亚洲体育城社区为民服务站", prefix: str = "xy") -> None:
    ui = wizard.station_page.ui
    type_text(qtbot, ui.stationNameEdit, name)
    press(qtbot, wizard, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is ui.addressEdit
    type_text(qtbot, ui.addressEdit, "昆明市官渡区广福路1号")
    press(qtbot, wizard, Qt.Key.Key_Tab)
    type_text(qtbot, ui.phoneEdit, "0871-67000000")
    replace_text(qtbot, ui.prefixEdit, prefix)
    next_page(qtbot, wizard)


def fill_admin(qtbot, wizard: SetupWizard, password: str = PASSWORD, repeat: str = PASSWORD, name: str = "周红") -> None:
    ui = wizard.admin_page.ui
    assert QApplication.focusWidget() is ui.nameEdit  # the page opens on the person's name
    type_text(qtbot, ui.nameEdit, name)
    press(qtbot, wizard, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is ui.usernameEdit
    replace_text(qtbot, ui.usernameEdit, "zhanzhang")
    press(qtbot, wizard, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is ui.passwordEdit
    type_text(qtbot, ui.passwordEdit, password)
    press(qtbot, wizard, Qt.Key.Key_Tab)
    type_text(qtbot, ui.repeatEdit, repeat)
    next_page(qtbot, wizard)


def test_new_station_by_keyboard_creates_the_database_and_the_admin_signs_in(qtbot, wizard, site):
    assert wizard.currentPage() is wizard.station_page
    fill_station(qtbot, wizard)
    assert wizard.currentPage() is wizard.admin_page
    fill_admin(qtbot, wizard)
    assert wizard.currentPage() is wizard.folders_page
    assert wizard.folders_page.ui.dataDirEdit.text() == str(site.parent)
    wizard.folders_page.ui.dataDirEdit.setFocus()
    next_page(qtbot, wizard)
    assert wizard.currentPage() is wizard.printing_page
    summary = wizard.printing_page.ui.summaryLabel.text()
    assert "新亚洲体育城社区为民服务站" in summary and str(site) in summary
    combo = wizard.printing_page.ui.receiptSizeCombo
    combo.setFocus()
    press(qtbot, wizard, Qt.Key.Key_Down)
    assert combo.currentData() == "80mm"
    next_page(qtbot, wizard)

    assert wizard.result() == QDialog.DialogCode.Accepted
    assert wizard.created == str(site) and site.is_file()
    assert sorted(p.name for p in site.parent.iterdir() if p.name.startswith(".")) == []
    values = settings.get_all()
    assert values["station_name"] == "新亚洲体育城社区为民服务站"
    assert values["station_address"] == "昆明市官渡区广福路1号"
    assert values["station_phone"] == "0871-67000000"
    assert values["serial_prefix"] == "XY"
    assert values["receipt_size"] == "80mm"
    assert values["backup_dir"] == ""  # the default: backups beside the database, wherever it moves
    staff = accounts.sign_in("zhanzhang", PASSWORD)
    assert staff.role == roles.ADMIN
    assert staff.display_name == "周红"  # receipts name the person, not 「管理员」


def test_the_administrator_must_give_a_name(qtbot, wizard, site):
    fill_station(qtbot, wizard)
    fill_admin(qtbot, wizard, name="")
    assert wizard.currentPage() is wizard.admin_page and not site.exists()
    assert QApplication.focusWidget() is wizard.admin_page.ui.nameEdit
    assert "请输入姓名" in wizard.admin_page.ui.messageLabel.text()


def test_a_backup_folder_of_its_own_is_stored(qtbot, wizard, site, tmp_path):
    fill_station(qtbot, wizard)
    fill_admin(qtbot, wizard)
    usb = tmp_path / "U盘" / "网格服务站备份"
    usb.parent.mkdir()  # the stick is plugged in
    replace_text(qtbot, wizard.folders_page.ui.backupDirEdit, str(usb))
    next_page(qtbot, wizard)
    next_page(qtbot, wizard)
    assert wizard.result() == QDialog.DialogCode.Accepted
    assert settings.get("backup_dir") == str(usb)


def test_a_backup_folder_on_an_unplugged_stick_is_refused_on_the_page(qtbot, wizard, site, tmp_path):
    fill_station(qtbot, wizard)
    fill_admin(qtbot, wizard)
    ui = wizard.folders_page.ui
    replace_text(qtbot, ui.backupDirEdit, str(tmp_path / "media" / "U盘" / "网格服务站备份"))
    next_page(qtbot, wizard)
    assert wizard.currentPage() is wizard.folders_page
    assert "U 盘或移动硬盘是否已插好" in ui.messageLabel.text()
    assert QApplication.focusWidget() is ui.backupDirEdit
    assert not site.exists()


def test_the_data_folder_hint_names_no_drive_letter_off_windows(wizard):
    hint = wizard.folders_page.ui.dataHint.text()
    assert ("D 盘" in hint) == (sys.platform == "win32"), hint


def test_backups_follow_a_new_data_folder_until_chosen(qtbot, wizard, tmp_path):
    fill_station(qtbot, wizard)
    fill_admin(qtbot, wizard)
    ui = wizard.folders_page.ui
    replace_text(qtbot, ui.dataDirEdit, str(tmp_path / "D" / "网格服务站数据"))
    assert ui.backupDirEdit.text() == str(tmp_path / "D" / "网格服务站数据" / "backups")


def test_another_data_folder_is_remembered_for_the_next_start(qtbot, wizard, site, tmp_path):
    fill_station(qtbot, wizard)
    fill_admin(qtbot, wizard)
    chosen = tmp_path / "D" / "网格服务站数据"
    replace_text(qtbot, wizard.folders_page.ui.dataDirEdit, str(chosen))
    next_page(qtbot, wizard)
    next_page(qtbot, wizard)
    assert wizard.created == str(chosen / "gridstation.db")
    assert not site.exists()
    assert paths.default_database() == str(chosen / "gridstation.db")
    assert accounts.sign_in("zhanzhang", PASSWORD).role == roles.ADMIN


def test_chosen_printer_is_stored(qtbot, wizard):
    fill_station(qtbot, wizard)
    fill_admin(qtbot, wizard)
    next_page(qtbot, wizard)
    combo = wizard.printing_page.ui.printerCombo
    combo.addItem("窗口1 回执打印机", "窗口1 回执打印机")  # offscreen Qt lists no printers
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key.Key_End)
    next_page(qtbot, wizard)
    assert wizard.result() == QDialog.DialogCode.Accepted
    assert local_settings.printer() == "窗口1 回执打印机" and settings.get("printer") is None  # this PC, not the station


def test_mismatched_passwords_are_refused_and_create_nothing(qtbot, wizard, site):
    fill_station(qtbot, wizard)
    fill_admin(qtbot, wizard, repeat="secret124")
    assert wizard.currentPage() is wizard.admin_page
    assert wizard.admin_page.ui.messageLabel.text() == "两次输入的密码不一致，请重新输入。"
    assert wizard.admin_page.ui.passwordEdit.text() == ""
    assert QApplication.focusWidget() is wizard.admin_page.ui.passwordEdit
    assert not site.parent.exists()


def test_short_password_is_refused(qtbot, wizard, site):
    fill_station(qtbot, wizard)
    fill_admin(qtbot, wizard, password="12345", repeat="12345")
    assert wizard.currentPage() is wizard.admin_page
    assert "密码至少需要6位" in wizard.admin_page.ui.messageLabel.text()


def test_empty_station_name_is_refused(qtbot, wizard, site):
    fill_station(qtbot, wizard, name="")
    assert wizard.currentPage() is wizard.station_page
    assert wizard.station_page.ui.messageLabel.text() == "服务站名称不能为空，最多60个字。"
    assert QApplication.focusWidget() is wizard.station_page.ui.stationNameEdit
    assert not site.parent.exists()


def test_bad_serial_prefix_is_refused(qtbot, wizard, site):
    fill_station(qtbot, wizard, prefix="S-1")
    assert wizard.currentPage() is wizard.station_page
    assert wizard.station_page.ui.messageLabel.text() == "受理编号前缀应为1至6位字母或数字。"
    assert not site.parent.exists()


def test_relative_folder_is_refused(qtbot, wizard, site):
    fill_station(qtbot, wizard)
    fill_admin(qtbot, wizard)
    replace_text(qtbot, wizard.folders_page.ui.dataDirEdit, "网格服务站数据")
    next_page(qtbot, wizard)
    assert wizard.currentPage() is wizard.folders_page
    assert "数据文件夹的完整路径" in wizard.folders_page.ui.messageLabel.text()


def test_an_existing_database_is_never_overwritten(qtbot, wizard, site, tmp_path):
    old = tmp_path / "旧数据"
    old.mkdir()
    (old / "gridstation.db").write_bytes(b"the old station's data")
    fill_station(qtbot, wizard)
    fill_admin(qtbot, wizard)
    replace_text(qtbot, wizard.folders_page.ui.dataDirEdit, str(old))
    next_page(qtbot, wizard)
    assert wizard.currentPage() is wizard.folders_page
    assert "不会覆盖" in wizard.folders_page.ui.messageLabel.text()
    assert (old / "gridstation.db").read_bytes() == b"the old station's data"


def test_a_failed_creation_leaves_nothing_behind(qtbot, wizard, site, monkeypatch):
    fill_station(qtbot, wizard)
    fill_admin(qtbot, wizard)
    next_page(qtbot, wizard)

    def refuse(actor, values):
        raise DomainError("回执尺寸只能是 A5 或 80mm。")

    monkeypatch.setattr(station, "update_settings", refuse)
    next_page(qtbot, wizard)
    assert wizard.currentPage() is wizard.printing_page
    assert wizard.printing_page.ui.messageLabel.text() == "回执尺寸只能是 A5 或 80mm。"
    assert list(site.parent.iterdir()) == []


def test_the_wizard_is_offered_only_for_this_pcs_missing_database(site, tmp_path, monkeypatch):
    monkeypatch.setenv("QT_QPA_PLATFORM", "xcb")
    assert should_offer(str(site))
    assert not should_offer(str(tmp_path / "typed-with-db.db"))  # --db: a typo or an unplugged drive
    site.parent.mkdir(parents=True)
    site.write_bytes(b"")
    assert not should_offer(str(site))
    site.unlink()
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    assert not should_offer(str(site))  # nobody to answer it


def test_restoring_a_backup_instead_takes_the_old_stations_data(qtbot, wizard, site, tmp_path):
    old = tmp_path / "U盘" / "gridstation-20250301-093000-daily.db"
    old.parent.mkdir()
    station.open_site(str(old))
    station.init_station("旧电脑上的服务站", "laowang", PASSWORD)
    dbmod.close_database()
    restore = wizard.button(wizard.WizardButton.CustomButton1)
    assert restore.isVisible() and restore.text() == "从备份恢复(&R)…"
    assert wizard.restore_from(old)
    assert wizard.result() == QDialog.DialogCode.Accepted
    assert wizard.created == str(site) and site.is_file()
    assert settings.get("station_name") == "旧电脑上的服务站"
    assert accounts.sign_in("laowang", PASSWORD).role == roles.ADMIN


def test_restoring_a_file_that_is_no_backup_creates_nothing(qtbot, wizard, site, tmp_path):
    bogus = tmp_path / "照片.db"
    bogus.write_bytes(b"not a database at all" * 100)
    assert not wizard.restore_from(bogus)
    assert "不是有效的网格服务站数据库" in wizard.station_page.ui.messageLabel.text()
    assert wizard.isVisible() and not site.parent.exists()


def test_restore_is_offered_only_before_any_question_is_answered(qtbot, wizard):
    restore = wizard.button(wizard.WizardButton.CustomButton1)
    fill_station(qtbot, wizard)
    assert wizard.currentPage() is wizard.admin_page
    assert not restore.isVisible()
