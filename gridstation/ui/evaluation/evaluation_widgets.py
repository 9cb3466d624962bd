"""好差评 on the counter's screens: the rating block of the intake detail (a paper card or a call back),
and the head's 差评整改 list. Rules and roles live in core/evaluation/; these only show and ask."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QWidget,
)

from gridstation.core.evaluation import ratings, rectification
from gridstation.core.evaluation.rules import BAD, CARD, LEVELS, PHONE, REASONS, VIEWS
from gridstation.core.intake import intakes
from gridstation.core.rules import clock, idcard
from gridstation.core.rules.errors import DomainError
from gridstation.core.station import steps
from gridstation.core.station.topics import Topic
from gridstation.core.storage import models as m
from gridstation.ui.common.context import AppContext
from gridstation.ui.common.exporting import export_list
from gridstation.ui.common.feedback import MessageLine, show_message
from gridstation.ui.common.forms import Form
from gridstation.ui.common.keyboard import tab_chain
from gridstation.ui.common.saving import one_at_a_time


def rating_line(rating: m.Rating) -> str:
    reasons = "、".join(json.loads(rating.reasons))
    parts = [f"{rating.level}（{rating.channel}，{rating.at:%Y-%m-%d %H:%M}）", reasons and f"原因：{reasons}",
             rating.text and f"“{rating.text}”", rating.appealed_at and f"已申诉：{rating.appeal_reason}"]
    return "　".join(p for p in parts if p)


class RatingBoxForm(Form):
    FORM = "rating_box.ui"
    summary: QLabel
    levelCombo: QComboBox
    channelCombo: QComboBox
    textEdit: QLineEdit
    saveButton: QPushButton
    reasonCaption: QLabel
    reasonBoxes: QHBoxLayout  # one check box per reason of core's list
    appealEdit: QLineEdit
    appealButton: QPushButton
    messageHost: QWidget  # placeholder: the block's MessageLine


class RatingBox(QGroupBox):
    """Record the resident's rating (Ctrl+E) of a completed intake, or a 回访 after it; the head marks 申诉.
    Its widgets come from forms/rating_box.ui; their names here are the ones its callers use."""

    changed = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__("好差评", parent)
        self.ctx = ctx
        self.serial = ""
        self.rating_is_new = True  # Ctrl+E records the rating (with its reasons), else a 回访 of it
        self.rating: m.Rating | None = None  # as shown: a 申诉 on a rating changed since is refused
        self.ui = ui = RatingBoxForm.load(self)
        self.layout().setContentsMargins(8, 4, 8, 4)  # compact: the detail dialog fits a 768-pixel-high screen
        self.summary, self.level_combo, self.channel_combo = ui.summary, ui.levelCombo, ui.channelCombo
        self.text_edit, self.save_button, self.reason_caption = ui.textEdit, ui.saveButton, ui.reasonCaption
        self.appeal_edit, self.appeal_button = ui.appealEdit, ui.appealButton
        self.level_combo.addItems(list(LEVELS))
        self.level_combo.setCurrentIndex(-1)  # none chosen: an untouched Ctrl+E saves nothing
        self.channel_combo.addItems([CARD, PHONE])
        self.reason_boxes = [QCheckBox(reason) for reason in REASONS]
        for box in self.reason_boxes:
            ui.reasonBoxes.addWidget(box)
        tab_chain(self.save_button, *self.reason_boxes, self.appeal_edit)
        self.message = Form.place(ui.messageHost, MessageLine())
        self.level_combo.currentTextChanged.connect(self._level_chosen)
        self.save_button.clicked.connect(self.save)
        self.appeal_button.clicked.connect(self.appeal)
        QShortcut(QKeySequence("Ctrl+E"), parent or self, activated=self.save)
        self._level_chosen(self.level_combo.currentText())

    def _level_chosen(self, level: str) -> None:
        bad = level in BAD and self.rating_is_new
        for widget in (self.reason_caption, *self.reason_boxes):
            widget.setVisible(bad)

    def show_intake(self, intake: m.Intake) -> None:
        self.serial = intake.serial
        rating = ratings.rating_of(intake.serial)
        self.rating_is_new = rating is None
        self.setVisible(intake.status != intakes.PENDING_DOCS)
        if rating is None:
            self.summary.setText("尚未评价。居民用纸质评价卡或电话回访评价时在此登记。")
            self.channel_combo.setVisible(True)
            self.save_button.setText("登记评价 (Ctrl+E)")
        else:
            visits = [f"回访 {v.at:%Y-%m-%d}：{v.level}{('，' + v.text) if v.text else ''}" for v in rating.visits]
            self.summary.setText("<br>".join([f"评价：{rating_line(rating)}", *visits]))
            self.save_button.setText("登记回访 (Ctrl+E)")
            self.channel_combo.setVisible(False)
        # 申诉 is the head's, once per rating: offered when core offers the step (the service checks too).
        self.rating = rating
        head = rating is not None and bool(steps.available_steps(ratings.APPEAL, rating, self.ctx.staff))
        self.appeal_edit.setVisible(head)
        self.appeal_button.setVisible(head)
        self._level_chosen(self.level_combo.currentText())

    @one_at_a_time
    def save(self) -> None:
        if not self.isVisible():
            return
        level, text = self.level_combo.currentText(), self.text_edit.text()
        try:
            if ratings.rating_of(self.serial) is None:
                reasons = [box.text() for box in self.reason_boxes if box.isChecked() and box.isVisible()]
                ratings.record_rating(self.ctx.staff, self.serial, level, channel=self.channel_combo.currentText(),
                                      reasons=reasons, text=text)
                done = "已登记评价。" + ("已转站长整改。" if level in BAD else "")
            else:
                ratings.record_visit(self.ctx.staff, self.serial, level, text)
                done = "已登记回访。"
        except DomainError as exc:
            # The cursor goes to what is missing; the red line goes once it is chosen or ticked.
            named = {"level": [self.level_combo], "reasons": [*self.reason_boxes, self.level_combo]}.get(exc.field or "")
            self.message.say("error", exc.message, named)
            if named:
                named[0].setFocus()
            return
        self.text_edit.clear()
        self.level_combo.setCurrentIndex(-1)  # another Ctrl+E is another choice, never a copy of this one
        self.message.say("ok", done)
        self.ctx.bus.data_changed.emit(Topic.INTAKE)
        self.changed.emit()

    @one_at_a_time
    def appeal(self) -> None:
        try:
            seen = steps.version_of(ratings.APPEAL, self.rating) if self.rating is not None else None
            ratings.appeal(self.ctx.staff, self.serial, self.appeal_edit.text(), seen=seen)
        except DomainError as exc:
            self.message.say("error", exc.message)
            return
        self.message.say("ok", "已标记申诉，该评价仍计入统计。")
        self.changed.emit()


class RectificationForm(Form):
    FORM = "rectification_dialog.ui"
    itemList: QListWidget
    detailLabel: QLabel
    findingEdit: QLineEdit
    visitButton: QPushButton
    actionEdit: QLineEdit
    viewCombo: QComboBox
    closeButton: QPushButton
    messageLabel: QLabel
    exportButton: QPushButton
    closeWindowButton: QPushButton


class RectificationDialog(QDialog):
    """差评整改 (head): the open items, overdue first marked; 回访 (Ctrl+1), then 完成整改 (Ctrl+S); every
    rating with its 整改 to Excel, the 好差评台账 (Ctrl+E)."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("差评整改")
        self.ui = ui = RectificationForm.load(self)
        self.list, self.detail, self.message = ui.itemList, ui.detailLabel, ui.messageLabel
        self.finding_edit, self.visit_button = ui.findingEdit, ui.visitButton
        self.action_edit, self.view_combo, self.close_button = ui.actionEdit, ui.viewCombo, ui.closeButton
        self.export_button, self.close_window_button = ui.exportButton, ui.closeWindowButton
        self.view_combo.addItems(list(VIEWS))
        self.view_combo.setCurrentIndex(-1)  # none chosen: the resident's view is asked, never preset
        self.close_window_button.clicked.connect(self.reject)
        self.export_button.clicked.connect(lambda: self.export())
        QShortcut(QKeySequence("Ctrl+E"), self, activated=lambda: self.export())
        self.list.currentRowChanged.connect(self._chosen)
        self.visit_button.clicked.connect(self.visit)
        self.close_button.clicked.connect(self.close_item)
        QShortcut(QKeySequence("Ctrl+1"), self, activated=self.visit)
        QShortcut(QKeySequence("Ctrl+S"), self, activated=self.close_item)
        self.resize(900, 560)
        self.load()

    def load(self) -> None:
        today = clock.today()
        self.items = rectification.open_items()
        self.list.clear()
        for item in self.items:
            intake = item.rating.intake
            late = item.due_date < today
            row = QListWidgetItem(f"{intake.serial}　{intake.service.name}　{item.rating.level}　"
                                  f"期限 {item.due_date:%Y-%m-%d}{'（已逾期）' if late else ''}"
                                  f"{'　已回访' if item.visited_at else ''}")
            if late:
                row.setForeground(Qt.GlobalColor.red)
            self.list.addItem(row)
        if self.items:
            self.list.setCurrentRow(0)
        else:
            self.detail.setText("没有待整改的差评。")
        self.list.setFocus()

    def current(self) -> m.Rectification | None:
        row = self.list.currentRow()
        return self.items[row] if 0 <= row < len(self.items) else None

    def _chosen(self, _row: int) -> None:
        item = self.current()
        if item is None:
            return
        intake, r = item.rating.intake, item.rating.intake.resident
        staff = intakes.handler_name(intake) or "—"
        lines = [f"{r.name}　{idcard.mask_id(r.doc_number)}　电话：{r.phone or '无'}　受理人员：{staff}",
                 f"评价：{rating_line(item.rating)}"]
        if item.visited_at:
            lines.append(f"回访（{item.visited_at:%Y-%m-%d}）：{item.finding}")
        self.detail.setText("<br>".join(lines))

    def _run(self, call, done: str, edit: QLineEdit) -> None:
        """``edit`` is the text the step needs: a refusal keeps it and puts the cursor there (or on 居民评价).
        ``call`` gets the serial and the version of the item as listed (one changed since is refused)."""
        item = self.current()
        if item is None:
            return
        try:
            call(item.rating.intake.serial, steps.version_of(rectification.RECTIFICATION, item))
        except DomainError as exc:
            named = self.view_combo if exc.field == "resident_view" else edit
            show_message(self.message, "error", exc.message, named)
            named.setFocus()
            return
        edit.clear()
        self.view_combo.setCurrentIndex(-1)  # the next item's view is asked again
        show_message(self.message, "ok", done)
        self.ctx.bus.data_changed.emit(Topic.INTAKE)
        row = self.list.currentRow()
        self.load()
        self.list.setCurrentRow(min(row, self.list.count() - 1))

    def export(self, path: Path | None = None) -> Path | None:
        """Every rating, its 申诉 and its 整改, as the 好差评台账 (``path`` skips the file dialog)."""
        return export_list(self, self.ctx, "ratings", None, "好差评台账", path)

    @one_at_a_time
    def visit(self) -> None:
        self._run(lambda serial, seen: rectification.record_visit(self.ctx.staff, serial, self.finding_edit.text(),
                                                                  seen=seen),
                  "已登记回访。", self.finding_edit)

    @one_at_a_time
    def close_item(self) -> None:
        item = self.current()  # 完成整改 needs the 回访 first: without it the cursor goes to 回访情况
        self._run(lambda serial, seen: rectification.close(self.ctx.staff, serial, self.action_edit.text(),
                                                           self.view_combo.currentText(), seen=seen), "整改已完成。",
                  self.action_edit if item is not None and item.visited_at else self.finding_edit)
