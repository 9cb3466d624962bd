"""Qt's own dialogs speak Chinese once the application has started."""

from __future__ import annotations

from PySide6.QtWidgets import QDialogButtonBox, QFileDialog, QLabel, QMessageBox

from gridstation.ui.common.qt_translations import install_qt_translations


def test_message_box_buttons_are_chinese(qapp, qtbot):
    assert install_qt_translations(qapp)
    box = QMessageBox(QMessageBox.Icon.Question, "网格服务站", "是否继续？",
                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
    qtbot.addWidget(box)
    yes = box.button(QMessageBox.StandardButton.Yes).text()
    no = box.button(QMessageBox.StandardButton.No).text()
    assert yes.startswith("是") and no.startswith("否"), (yes, no)
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel | QDialogButtonBox.StandardButton.Save)
    qtbot.addWidget(buttons)
    assert buttons.button(QDialogButtonBox.StandardButton.Cancel).text().startswith("取消")


def test_file_dialog_labels_are_chinese(qapp, qtbot):
    install_qt_translations(qapp)
    dialog = QFileDialog(None, "导出")
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
    qtbot.addWidget(dialog)
    labels = {label.text() for label in dialog.findChildren(QLabel) if label.text()}
    assert any("文件名" in text for text in labels), labels
    assert not any(text in ("Look in:", "File name:", "Files of type:") for text in labels), labels


def test_the_file_dialog_lists_folders_and_sizes_in_chinese(qapp, qtbot, tmp_path):
    """Qt's catalogue lacks the file list's "Folder", and sizes came as "20.00 KiB"."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QTreeView

    install_qt_translations(qapp)
    (tmp_path / "台账").mkdir()
    (tmp_path / "居民.xlsx").write_bytes(b"\0" * 20480)
    from gridstation.ui.common.file_dialogs import file_dialog, remember_folder

    remember_folder("ledgers", str(tmp_path / "居民.xlsx"))
    dialog = file_dialog(None, "选择台账文件", "ledgers")  # as the program makes every file dialog
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
    dialog.setViewMode(QFileDialog.ViewMode.Detail)
    qtbot.addWidget(dialog)
    dialog.show()
    view = next(v for v in dialog.findChildren(QTreeView) if v.objectName() == "treeView")
    model = view.model()

    def rows() -> dict[str, list[str]]:
        root = view.rootIndex()
        return {model.index(r, 0, root).data(): [str(model.index(r, c, root).data(Qt.ItemDataRole.DisplayRole))
                                                  for c in range(model.columnCount(root))]
                for r in range(model.rowCount(root))}

    qtbot.waitUntil(lambda: {"台账", "居民.xlsx"} <= set(rows()), timeout=5000)
    qtbot.waitUntil(lambda: rows()["居民.xlsx"][1] != "", timeout=5000)
    shown = rows()
    assert shown["台账"][2] == "文件夹", shown
    assert "KiB" not in shown["居民.xlsx"][1] and "KB" in shown["居民.xlsx"][1], shown
    assert shown["居民.xlsx"][3].startswith("20"), shown  # 2026-12-07 09:30, not 7 Dec 2026
    dialog.close()
