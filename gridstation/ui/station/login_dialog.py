"""Sign-in at start, after an idle lock, and when staff change at the window."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QLabel, QLineEdit, QPushButton, QWidget

from gridstation.core.rules.errors import DomainError
from gridstation.core.station import accounts
from gridstation.core.storage import models as m
from gridstation.core.storage import settings
from gridstation.ui.common.forms import Form


class LoginDialogForm(Form):
    FORM = "login_dialog.ui"
    cancelButton: QPushButton
    loginButton: QPushButton
    messageLabel: QLabel
    passwordEdit: QLineEdit
    stationLabel: QLabel
    titleLabel: QLabel
    usernameEdit: QLineEdit


class LoginDialog(QDialog):
    def __init__(self, parent: QWidget | None = None, *, username: str = "", locked: bool = False) -> None:
        super().__init__(parent)
        self.setWindowTitle("锁定" if locked else "登录")  # Qt adds " — 网格服务站"
        self.ui = LoginDialogForm.load(self)
        self.staff: m.Staff | None = None
        self.ui.stationLabel.setText(settings.get("station_name"))
        if locked:
            self.ui.titleLabel.setText("窗口已锁定，请输入密码继续（也可由其他人员登录）")
            self.ui.cancelButton.hide()
        self.ui.usernameEdit.setText(username)
        self.ui.loginButton.clicked.connect(self.try_sign_in)
        self.ui.cancelButton.clicked.connect(self.reject)
        # Enter is handled by the fields alone (neither button is a default): a default button would
        # try a second time, counting one wrong password as two towards the lockout.
        self.ui.passwordEdit.returnPressed.connect(self.try_sign_in)
        self.ui.usernameEdit.returnPressed.connect(self.ui.passwordEdit.setFocus)
        (self.ui.passwordEdit if username else self.ui.usernameEdit).setFocus()
        self.resize(400, 230)

    def try_sign_in(self) -> None:
        try:
            self.staff = accounts.sign_in(self.ui.usernameEdit.text(), self.ui.passwordEdit.text())
        except DomainError as exc:
            self.ui.messageLabel.setText(exc.message)
            self.ui.passwordEdit.clear()
            self.ui.passwordEdit.setFocus()
            return
        self.accept()
