"""The resident-facing window (好差评 评价器) on a second screen.

Full screen on ``QGuiApplication.screens()[1]`` when the PC has one, large type, the station's name.
While the clerk types it shows only what the resident should confirm for the intake in hand (name,
masked ID, service, documents received); after the save, five large buttons to touch to rate the
service and for 不满意/非常不满意 the reasons to tap. The buttons name no keys: no key a resident types
reaches this window (a touch does not give it the keyboard either; the keys then go to the counter). It shows nothing else, never another
resident's data, and cannot be used to reach the app:

* it is shown without activation, tells the window manager it takes no focus
  (``WindowDoesNotAcceptFocus``) and none of its widgets takes keyboard focus, so showing or updating
  it never takes the keyboard from the clerk's window (a window manager gave it the keyboard after
  every sign-in while it asked only not to be activated);
* it belongs to the counter window it was opened from: it closes when that window closes (so the
  program ends and makes its exit backup) and a take-over at the lock screen leaves only the new
  window's;
* should a system make it the active window all the same, its key handler takes only its own keys
  (5..1 for the levels, 1..5 for the reasons, Enter to submit) and swallows every other key, so
  nothing typed there reaches the counter window, and it cannot be closed from its own keyboard;
* it holds no menu, no link and nothing that opens another window.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QGuiApplication, QKeyEvent
from PySide6.QtWidgets import QGridLayout, QLabel, QPushButton, QStackedWidget, QWidget

from gridstation.core.evaluation import ratings
from gridstation.core.evaluation.rules import BAD, LEVELS, REASONS, SCREEN, level_of_key
from gridstation.core.rules import idcard
from gridstation.core.rules.errors import DomainError
from gridstation.core.station.topics import Topic
from gridstation.core.storage import models as m
from gridstation.core.storage import settings
from gridstation.ui.common.context import AppContext
from gridstation.ui.common.forms import Form

IDLE, CONFIRM, RATE, REASONS_PAGE, THANKS = range(5)
THANKS_MS = 4000  # the thanks stay this long, then the screen is back to its welcome
NUMBER_KEYS = {Qt.Key.Key_1: 1, Qt.Key.Key_2: 2, Qt.Key.Key_3: 3, Qt.Key.Key_4: 4, Qt.Key.Key_5: 5}


def second_screen():
    """The resident's screen, or None on a PC with one screen."""
    screens = QGuiApplication.screens()
    return screens[1] if len(screens) > 1 else None


def _reason_text(number: int, chosen: bool) -> str:
    """A chosen reason carries a tick, so it shows from across the counter, not only as a shade."""
    return f"{'✓ ' if chosen else ''}{REASONS[number - 1]}"


class ResidentScreen(QWidget, Form):
    """The window itself; the counter tells it what to show, it reports the rating through ``rated``.

    Its five pages come from forms/resident_screen.ui. The five level buttons are the form's own: the
    scale has five levels, fixed by core (``level_of_key`` maps the keys 5..1 onto ``LEVELS``); their
    words are core's. The reasons are a list core may lengthen, so their buttons are made here, one per
    reason in the grid the form keeps for them, in the look of the form's 提交, which follows them.
    """

    FORM = "resident_screen.ui"
    stationLabel: QLabel
    pages: QStackedWidget
    details: QLabel
    level5Button: QPushButton
    level4Button: QPushButton
    level3Button: QPushButton
    level2Button: QPushButton
    level1Button: QPushButton
    reasonGrid: QGridLayout
    submitButton: QPushButton

    rated = Signal(str, str, list)  # serial, level, reasons

    def __init__(self, station_name: str, owner: QWidget | None = None) -> None:
        """``owner`` (the counter's page) ends the window with it; the window stays a window of its own."""
        super().__init__(owner, Qt.WindowType.Window | Qt.WindowType.FramelessWindowHint
                         | Qt.WindowType.WindowDoesNotAcceptFocus)
        self.setWindowTitle("居民评价")
        self.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
        self.setAttribute(Qt.WidgetAttribute.WA_QuitOnClose, False)  # closing the counter ends the app
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.serial = ""
        self.level = ""
        self.reasons: list[str] = []
        self.ending = False
        self.setup_form()
        self.stationLabel.setText(station_name)
        self.level_buttons = [self.level5Button, self.level4Button, self.level3Button, self.level2Button,
                              self.level1Button]  # in the order of LEVELS
        for n, (level, button) in enumerate(zip(LEVELS, self.level_buttons, strict=True)):
            button.setText(level)
            button.clicked.connect(lambda _checked=False, n=n: self.choose_level(5 - n))
        self.reason_buttons = [self._reason_button(n) for n in range(1, len(REASONS) + 1)]
        self.reasonGrid.removeWidget(self.submitButton)
        for n, button in enumerate([*self.reason_buttons, self.submitButton]):
            self.reasonGrid.addWidget(button, n // 3, n % 3)
        self.submitButton.clicked.connect(self.submit_reasons)
        self.back_to_welcome = QTimer(self, singleShot=True, interval=THANKS_MS, timeout=self.clear)

    def _reason_button(self, number: int) -> QPushButton:
        """A reason to tap, looking like the form's 提交 (its type, its height, and no keyboard focus)."""
        like = self.submitButton
        button = QPushButton(_reason_text(number, False))
        button.setFont(like.font())
        button.setMinimumHeight(like.minimumHeight())
        button.setFocusPolicy(like.focusPolicy())  # a touch never moves the keyboard focus
        button.setCheckable(True)
        button.clicked.connect(lambda _checked=False: self.toggle_reason(number))
        return button

    # --- placing ------------------------------------------------------------------------------
    def show_on(self, screen) -> None:
        """Full screen on ``screen`` without taking the keyboard from the counter window."""
        self.setScreen(screen)
        self.setGeometry(screen.geometry())
        # Not showFullScreen(): it activates the window after showing it, which takes the keyboard.
        self.setWindowState(Qt.WindowState.WindowFullScreen)
        self.show()

    # --- what the counter tells it ------------------------------------------------------------
    def show_details(self, name: str, masked_id: str, service: str, documents: str) -> None:
        """The intake the clerk is typing; a new one replaces the last, so no other resident's data remains."""
        self.back_to_welcome.stop()
        self.serial = ""
        lines = [f"姓名：{name}", f"证件号码：{masked_id}"]
        if service:
            lines.append(f"办理业务：{service}")
        if documents:
            lines.append(f"已收材料：{documents}")
        self.details.setText("\n".join(lines))
        self.pages.setCurrentIndex(CONFIRM)

    def ask_rating(self, serial: str) -> None:
        self.back_to_welcome.stop()
        self.serial, self.level, self.reasons = serial, "", []
        for n, button in enumerate(self.reason_buttons, start=1):
            button.setChecked(False)
            button.setText(_reason_text(n, False))
        self.pages.setCurrentIndex(RATE)

    def clear_details(self) -> None:
        """The clerk cleared the form: the details go, a rating the resident is giving stays."""
        if self.pages.currentIndex() == CONFIRM:
            self.clear()

    def clear(self) -> None:
        """Back to the welcome page: nothing of the last resident stays on screen."""
        self.back_to_welcome.stop()
        self.serial, self.level, self.reasons = "", "", []
        self.details.setText("")
        self.pages.setCurrentIndex(IDLE)

    # --- the resident's answers ---------------------------------------------------------------
    def choose_level(self, key: int) -> None:
        if self.pages.currentIndex() != RATE:
            return
        self.level = level_of_key(key)
        if self.level in BAD:
            self.pages.setCurrentIndex(REASONS_PAGE)
        else:
            self._done()

    def toggle_reason(self, number: int) -> None:
        if self.pages.currentIndex() != REASONS_PAGE:
            return
        reason = REASONS[number - 1]
        if reason in self.reasons:
            self.reasons.remove(reason)
        else:
            self.reasons.append(reason)
        self.reason_buttons[number - 1].setChecked(reason in self.reasons)
        self.reason_buttons[number - 1].setText(_reason_text(number, reason in self.reasons))

    def submit_reasons(self) -> None:
        if self.pages.currentIndex() == REASONS_PAGE and self.reasons:
            self._done()

    def _done(self) -> None:
        self.rated.emit(self.serial, self.level, [r for r in REASONS if r in self.reasons])
        self.serial = ""
        self.pages.setCurrentIndex(THANKS)
        self.back_to_welcome.start()

    # --- its own keys only --------------------------------------------------------------------
    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        number = NUMBER_KEYS.get(Qt.Key(event.key()))
        page = self.pages.currentIndex()
        if number is not None and page == RATE:
            self.choose_level(number)
        elif number is not None and page == REASONS_PAGE:
            self.toggle_reason(number)
        elif event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.submit_reasons()
        event.accept()  # every other key stops here

    def end(self) -> None:
        """Closed for good, by the counter's side only (``ResidentScreenLink.close``)."""
        self.ending = True
        self.close()
        self.deleteLater()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        """Never closed from the resident's side (Alt+F4); it ends with the counter's window."""
        if self.ending:
            event.accept()
        else:
            event.ignore()


class ResidentScreenLink(QObject):
    """The counter's side: opens the window on the second screen, feeds it, records what it reports."""

    def __init__(self, ctx: AppContext, screen, owner: QWidget) -> None:
        super().__init__(owner)
        self.ctx = ctx
        self.window = ResidentScreen(str(settings.get("station_name")), owner)
        self.window.rated.connect(self._record)
        self.window.show_on(screen)
        self.owner = owner
        self.counter = owner.window()
        owner.installEventFilter(self)
        if self.counter is not owner:
            self.counter.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        """The counter's page hidden (the window locked, another page chosen): the details go too.
        The counter window closed (the program ends, or another staff member took over): the
        resident window closes with it."""
        if watched is self.counter and event.type() == QEvent.Type.Close:
            self.close()
        elif watched is self.owner and event.type() == QEvent.Type.Hide:
            self.window.clear_details()
        return False

    def close(self) -> None:
        """The resident window goes with the counter's; it is deleted, so it cannot come back."""
        for watched in (self.owner, self.counter):
            watched.removeEventFilter(self)
        self.window.end()

    @classmethod
    def open(cls, ctx: AppContext, owner: QWidget) -> ResidentScreenLink | None:
        """The link when this PC has a second screen, else None (ratings then come on paper or by phone)."""
        screen = second_screen()
        return cls(ctx, screen, owner) if screen is not None else None

    def show_intake(self, resident: m.Resident | None, service: str, documents: str) -> None:
        if resident is None:
            self.window.clear_details()
        else:
            self.window.show_details(resident.name, idcard.mask_id(resident.doc_number), service, documents)

    def ask_rating(self, serial: str) -> None:
        self.window.ask_rating(serial)

    def clear(self) -> None:
        self.window.clear()

    def _record(self, serial: str, level: str, reasons: list) -> None:
        try:
            ratings.record_rating(self.ctx.staff, serial, level, channel=SCREEN, reasons=reasons)
        except DomainError as exc:
            self.ctx.bus.status_message.emit(f"居民评价未保存：{exc.message}")
            return
        self.ctx.bus.status_message.emit(f"居民对受理 {serial} 的评价：{level}")
        self.ctx.bus.data_changed.emit(Topic.INTAKE)
