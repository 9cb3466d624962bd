"""Qt's own dialogs speak Chinese once the application has started."""

from __future__ import annotations

from PySide6.QtWidgets import QDialogButtonBox, QFileDialog, QLabel, QMessageBox

from gridstation.ui.qt_translations import install_qt_translations


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
