"""The grid-event dialogs: registering an event, and an event's detail with its next steps.

Both only call the services in core/events; a refusal shows its Chinese message under the form and
keeps what was typed.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from gridstation.core.events import agreement, event_steps, handling, lists, mediation, rules
from gridstation.core.events.register import (
    EventInput,
    PartyInput,
    add_photo,
    get_event,
    history,
    parties_of,
    photos_of,
    register_event,
)
from gridstation.core.grids import choices, people
from gridstation.core.grids import rules as grid_rules
from gridstation.core.intake import residents
from gridstation.core.rules import clock
from gridstation.core.rules.errors import DomainError
from gridstation.core.rules.idcard import mask_phone
from gridstation.core.station import printouts, steps
from gridstation.core.station.topics import Topic
from gridstation.core.storage import models as m
from gridstation.reports.mediation_agreement import write_agreement
from gridstation.ui.common.context import AppContext
from gridstation.ui.common.feedback import ask_before_discarding, show_message
from gridstation.ui.common.file_dialogs import open_file_name, open_file_names
from gridstation.ui.common.forms import Form
from gridstation.ui.common.keyboard import fit_to_screen, tab_chain
from gridstation.ui.common.printing import new_pdf_path, preview_document
from gridstation.ui.common.saving import one_at_a_time
from gridstation.ui.events.people_choice import chosen, fill_handlers, fill_people, make_filterable, select_person
from gridstation.ui.intake.resident_picker import ResidentPicker, resident_line

PHOTO_FILTER = "图片 (*.jpg *.jpeg *.png *.gif *.bmp *.webp)"


def no_default_button(dialog: QDialog) -> None:
    """Enter in a field never presses a button: a dialog otherwise makes its first push button the
    default (here a file chooser). The dialogs act on their own shortcuts (Ctrl+S, Ctrl+Enter)."""
    for button in dialog.findChildren(QPushButton):
        button.setAutoDefault(False)


def _fill(combo: QComboBox, items: list[tuple[str, object]]) -> None:
    for text, data in items:
        combo.addItem(text, data)


class RegisterEventDialog(QDialog, Form):
    """发现/登记: Ctrl+S saves; the new event's number is in ``saved`` afterwards."""

    FORM = "event_register_dialog.ui"
    categoryCombo: QComboBox
    levelCombo: QComboBox
    sourceCombo: QComboBox
    gridCombo: QComboBox
    placeEdit: QLineEdit
    descriptionEdit: QPlainTextEdit
    pickerCaption: QLabel
    pickerHost: QWidget  # placeholder: the resident search (ResidentPicker)
    peopleLabel: QLabel
    reporterNameEdit: QLineEdit
    reporterPhoneEdit: QLineEdit
    photoButton: QPushButton
    finderCombo: QComboBox
    assigneeCombo: QComboBox
    suggestionLabel: QLabel
    messageLabel: QLabel
    saveButton: QPushButton
    cancelButton: QPushButton

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.saved: m.GridEvent | None = None
        self.photo_paths: list[str] = []
        self.setWindowTitle("登记网格事件")
        self.setup_form()
        _fill(self.categoryCombo, [(c.name, c.name) for c in lists.categories()])
        _fill(self.levelCombo, [(x, x) for x in rules.LEVELS])
        _fill(self.sourceCombo, [(x, x) for x in rules.SOURCES])
        grids = [("（未分网格）", None), *residents.grid_choices()]
        _fill(self.gridCombo, grids)
        mine = next((i for i, (_, gid) in enumerate(grids) if gid is not None and ctx.staff is not None
                     and m.Grid.get_by_id(gid).worker_id == ctx.staff.id), 0)
        self.gridCombo.setCurrentIndex(mine)
        # Residents from the register: the first one chosen for an event a resident reported is its
        # reporter (unless one was typed), the others are residents involved.
        self.picker = Form.place(self.pickerHost, ResidentPicker(self))
        self.picker.results.setMaximumHeight(70)
        self.picker.chosen.connect(self.add_resident)
        self.pickerCaption.setBuddy(self.picker.edit)  # Alt+R: the cursor in the search box
        # Tab: after the reporter, the search and its results, then the photos (the order rows were added in).
        tab_chain(self.reporterPhoneEdit, self.picker.edit, self.picker.results, self.photoButton,
                  self.finderCombo, self.assigneeCombo)
        self.reporter_id: int | None = None
        self.involved: list[int] = []
        # 发现人 and 经办人 are people of the register (many without a login): typing part of a name finds them.
        register_people = choices.person_choices()
        for combo in (self.finderCombo, self.assigneeCombo):
            fill_people(combo, register_people)
            make_filterable(combo)
        me = people.person_of_staff(ctx.staff) if ctx.staff is not None else None
        select_person(self.finderCombo, me.id if me else None)
        # What the last suggestion set: a grid or 经办人 the clerk chose by hand is never replaced.
        self._suggested = (self.gridCombo.currentData(), self.assigneeCombo.currentData())
        self.placeEdit.editingFinished.connect(self.suggest)
        self.photoButton.clicked.connect(self.choose_photos)
        self.saveButton.clicked.connect(self.save)
        self.cancelButton.clicked.connect(self.reject)
        no_default_button(self)  # Enter chooses a resident in the search box; only Ctrl+S saves
        QShortcut(QKeySequence("Ctrl+S"), self, self.save)
        QShortcut(QKeySequence("F2"), self, self.picker.focus_search)
        fit_to_screen(self, 600, 720)
        self._as_opened = self._typed()

    def _typed(self) -> tuple:
        """What the clerk has entered so far, to tell a half-typed event from an untouched form."""
        return (self.categoryCombo.currentIndex(), self.levelCombo.currentIndex(), self.sourceCombo.currentIndex(),
                self.gridCombo.currentIndex(), self.placeEdit.text(), self.descriptionEdit.toPlainText(),
                self.reporterNameEdit.text(), self.reporterPhoneEdit.text(), self.reporter_id, tuple(self.involved),
                tuple(self.photo_paths), self.finderCombo.currentText(), self.assigneeCombo.currentText())

    def reject(self) -> None:
        """Esc, 取消 or the window's close: with something entered, ask first."""
        if self._typed() == self._as_opened:
            super().reject()
        else:
            ask_before_discarding(self, super().reject)

    @one_at_a_time
    def choose_photos(self) -> None:
        paths = open_file_names(self, "选择处置前照片", "photos", PHOTO_FILTER, many=True)
        self.photo_paths.extend(paths)
        self.photoButton.setText(f"已选 {len(self.photo_paths)} 张，再添加(&P)…")

    def add_resident(self, resident_id: int) -> None:
        typed = self.reporterNameEdit.text().strip() or self.reporterPhoneEdit.text().strip()
        if resident_id == self.reporter_id or resident_id in self.involved:
            return
        if self.reporter_id is None and not typed and self.sourceCombo.currentData() == rules.RESIDENT_REPORT:
            self.reporter_id = resident_id
        else:
            self.involved.append(resident_id)
        names = {r.id: r for r in m.Resident.select().where(m.Resident.id.in_([self.reporter_id, *self.involved]))}
        parts = ([f"反映人 {resident_line(names[self.reporter_id])}"] if self.reporter_id else []) + \
            [f"涉及 {resident_line(names[i])}" for i in self.involved]
        self.peopleLabel.setText("\n".join(parts))
        self.picker.edit.clear()
        self.suggest()

    def suggest(self) -> None:
        """The grid of the residents chosen (or of the place typed) and its 网格长 as 经办人: set where the
        clerk has not chosen otherwise, and said in words either way."""
        residents_chosen = [r for r in (self.reporter_id, *self.involved) if r is not None]
        suggestion = choices.suggest(residents_chosen, self.placeEdit.text())
        grid_before, assignee_before = self._suggested
        if suggestion.grid is None:  # an earlier suggestion, for a place no longer typed, is withdrawn
            if grid_before is not None and self.gridCombo.currentData() == grid_before:
                self.gridCombo.setCurrentIndex(0)  # （未分网格）
            if assignee_before is not None and self.assigneeCombo.currentData() == assignee_before:
                select_person(self.assigneeCombo, None)
            self._suggested = (self.gridCombo.currentData(), self.assigneeCombo.currentData())
            self.suggestionLabel.setText("没有找到对应的网格，请自行选择网格和经办人")
            return
        if self.gridCombo.currentData() == grid_before and self.gridCombo.findData(suggestion.grid.id) >= 0:
            self.gridCombo.setCurrentIndex(self.gridCombo.findData(suggestion.grid.id))
        if suggestion.person is not None and self.assigneeCombo.currentData() == assignee_before:
            select_person(self.assigneeCombo, suggestion.person.id)
        self._suggested = (suggestion.grid.id, self.assigneeCombo.currentData()
                           if suggestion.person is not None else assignee_before)
        who = f"，经办人 {suggestion.person.name}" if suggestion.person is not None else "，该网格还没有网格长"
        self.suggestionLabel.setText(f"建议：{suggestion.grid.name}{who}（可以改选）")

    @one_at_a_time
    def save(self) -> None:
        name, phone = self.reporterNameEdit.text().strip(), self.reporterPhoneEdit.text().strip()
        reporter = PartyInput(name=name, phone=phone) if (name or phone) else None
        if self.reporter_id is not None:
            reporter = PartyInput(resident_id=self.reporter_id)
        try:
            finder = chosen(self.finderCombo, "人员", "finder")
            assignee = chosen(self.assigneeCombo, "人员", "assignee")
            data = EventInput(category=self.categoryCombo.currentData(), level=self.levelCombo.currentData(),
                              description=self.descriptionEdit.toPlainText(), source=self.sourceCombo.currentData(),
                              grid_id=self.gridCombo.currentData(), place=self.placeEdit.text(), reporter=reporter,
                              involved=list(self.involved), photos=list(self.photo_paths),
                              finder_id=finder[1] if finder else None, assignee_id=assignee[1] if assignee else None)
            self.saved = register_event(self.ctx.staff, data)
        except DomainError as exc:
            fields = {"category": self.categoryCombo, "level": self.levelCombo, "source": self.sourceCombo,
                      "description": self.descriptionEdit, "reporter": self.reporterNameEdit,
                      "name": self.reporterNameEdit, "address": self.placeEdit, "finder": self.finderCombo,
                      "assignee": self.assigneeCombo}
            field = fields.get(exc.field or "")
            show_message(self.messageLabel, "error", exc.message, field)  # gone once that field is changed
            if field is not None:
                field.setFocus()  # the cursor goes where the fault is
            return
        self.ctx.bus.data_changed.emit(Topic.EVENTS)
        self.ctx.bus.status_message.emit(f"已登记网格事件 {self.saved.number}，处置期限 {self.saved.due_date:%Y-%m-%d}。")
        self.accept()


def next_steps(event: m.GridEvent, actor: m.Staff | None) -> list[str]:
    """The labels of the steps core offers ``actor`` for the event as it is now (each calls one service,
    which has the last word): 返工 of a closed event is the head's, so a clerk is not offered it."""
    return [step.shown for step in event_steps.available(event, actor)]


# The services of the steps that read only the text box, by the step's code.
TEXT_STEPS = {"in_grid": handling.handle_in_grid, "answer": handling.record_street_answer, "note": handling.add_note,
              "close": handling.close, "reopen": handling.reopen, "visit": handling.visit}
# The widgets of the fields a step reads besides the text box (core/events/event_steps.py names them).
FIELD_WIDGETS = {"assignee": ("assigneeCombo",), "case_no": ("caseEdit",), "party_name": ("partyNameEdit",),
                 "party_phone": ("partyPhoneEdit",), "place": ("placeEdit",), "mediators": ("mediatorCombo", "mediatorsEdit"),
                 "photo": ("photoEdit", "photoButton")}


class EventDetailDialog(QDialog, Form):
    """One event: what was found, who has it, its history; choose the next step and press Ctrl+Enter."""

    FORM = "event_detail_dialog.ui"
    summaryLabel: QLabel
    historyTable: QTableWidget
    stepForm: QFormLayout
    actionCombo: QComboBox
    assigneeCombo: QComboBox
    caseEdit: QLineEdit
    partyNameEdit: QLineEdit
    partyPhoneEdit: QLineEdit
    placeEdit: QLineEdit
    mediatorCombo: QComboBox
    mediatorsEdit: QLineEdit
    photoRow: QHBoxLayout
    photoEdit: QLineEdit
    photoButton: QPushButton
    textLabel: QLabel
    textEdit: QPlainTextEdit
    messageLabel: QLabel
    doButton: QPushButton
    agreementButton: QPushButton
    closeButton: QPushButton

    def __init__(self, ctx: AppContext, number: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.number = number
        self.setup_form()
        # 分派 offers the one list of the register's people and the partner units; 调解 its 调解员 first.
        fill_handlers(self.assigneeCombo, lists.handlers())
        register_people = choices.person_choices()
        mediators = choices.person_choices(roles=(grid_rules.MEDIATOR,))
        ids = {c.person_id for c in mediators}
        fill_people(self.mediatorCombo, mediators + [c for c in register_people if c.person_id not in ids])
        for combo in (self.assigneeCombo, self.mediatorCombo):
            make_filterable(combo)
        tab_chain(self.doButton, self.closeButton, self.agreementButton)  # 关闭 before the dispute-only button
        # the text box is each step's own (调解情况, a party's 住址 …): what was typed for one never saves as another
        self._texts: dict[str, str] = {}
        self._step_code: str | None = None
        self.actionCombo.currentIndexChanged.connect(self._action_changed)
        self.photoButton.clicked.connect(self.choose_photo)
        self.doButton.clicked.connect(self.perform)
        self.closeButton.clicked.connect(self.accept)
        self.agreementButton.clicked.connect(self.print_agreement)
        QShortcut(QKeySequence("Ctrl+P"), self, self.print_agreement)
        self.agreement_pdf: Path | None = None
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self, self.perform)
        no_default_button(self)
        # Room for six steps with the header; the rows a step does not use are hidden to make it.
        rows = self.historyTable.verticalHeader().defaultSectionSize()
        self.historyTable.setMinimumHeight(6 * rows + self.historyTable.horizontalHeader().sizeHint().height() + 4)
        fit_to_screen(self, 860, 720)
        self.reload()

    def reload(self) -> None:
        event = get_event(self.number)
        self.event = event
        self.setWindowTitle(f"网格事件 {event.number}")
        who = event.assigned_to.name if event.assigned_to else (event.partner.name if event.partner else "未分派")
        reporter = next(iter(parties_of(event, rules.REPORTER)), None)
        lines = [
            f"{event.number}　{event.category}·{event.level}　{event.status}"
            + ("（逾期）" if rules.is_overdue(event) else ""),
            f"网格：{event.grid.name if event.grid else '未分网格'}　地点：{event.place or '—'}　来源：{event.source}",
            (f"发现：{event.found_at:%Y-%m-%d %H:%M} {event.finder.name if event.finder else ''}"
            f"　处置期限：{event.due_date:%Y-%m-%d}　处置方式：{event.route or '未定'}　经办：{who}"),
            f"问题：{event.description}",
        ]
        if reporter is not None:
            lines.append(f"反映人：{reporter.name} {mask_phone(reporter.phone)}")
        if event.platform_case_no:
            lines.append(f"街道平台编号：{event.platform_case_no}（{event.reported_on:%Y-%m-%d} 上报）"
                         f"　街道答复：{event.street_answer or '尚未答复'}")
        dispute = lists.category(event.category).mediation
        self.agreementButton.setVisible(dispute)
        if dispute:
            parties = "、".join(f"{p.name} {mask_phone(p.phone)}".strip() for p in parties_of(event, rules.PARTY))
            lines.append(f"当事人：{parties or '尚未登记'}　调解 {len(mediation.sessions_of(event))} 次"
                         + (f"　{event.mediation_outcome}" if event.mediation_outcome else "")
                         + (f"：{event.agreement_terms}" if event.agreement_terms else "")
                         + (f"，引导至{event.referred_to}" if event.referred_to else ""))
        if event.status == rules.CLOSED:
            lines.append(f"销号结果：{event.result}" + (f"　回访：{event.visit_view}" if event.visited_at else ""))
        photos = photos_of(event)
        if photos:
            lines.append(f"照片：处置前 {sum(p.stage == rules.BEFORE for p in photos)} 张，"
                         f"处置后 {sum(p.stage == rules.AFTER for p in photos)} 张")
        self.summaryLabel.setText("\n".join(lines))
        steps = history(event)
        self.historyTable.setRowCount(len(steps))
        for row, step in enumerate(steps):
            values = (f"{step.at:%Y-%m-%d %H:%M}", step.action, step.staff.display_name if step.staff else "", step.note)
            for col, value in enumerate(values):
                self.historyTable.setItem(row, col, QTableWidgetItem(value))
        self.historyTable.resizeColumnsToContents()
        self.historyTable.scrollToBottom()  # the newest step is the one the clerk looks for
        chosen = self.actionCombo.currentData()
        self.actionCombo.blockSignals(True)
        self.actionCombo.clear()
        for step in event_steps.available(event, self.ctx.staff):
            self.actionCombo.addItem(step.shown, step.code)
        # The step just done stays chosen while it is offered: a quick second Ctrl+Enter repeats it (refused
        # for its emptied text) instead of doing the first step of the new list (it assigned the event).
        self.actionCombo.setCurrentIndex(max(0, self.actionCombo.findData(chosen)))
        self.actionCombo.blockSignals(False)
        self._action_changed()
        offered = self.actionCombo.count() > 0
        for widget in (self.actionCombo, self.textEdit, self.doButton):
            widget.setEnabled(offered)
        if not offered:
            self.summaryLabel.setText(self.summaryLabel.text() + "\n没有您可以办理的下一步；需要返工时请站长办理。")
        (self.actionCombo if offered else self.closeButton).setFocus()

    def _action_changed(self, _index: int = 0) -> None:
        code = self.actionCombo.currentData()
        if code != self._step_code:
            if self._step_code is not None:
                self._texts[self._step_code] = self.textEdit.toPlainText()
            self.textEdit.setPlainText(self._texts.get(code, ""))
            self._step_code = code
        step = event_steps.EVENT.step(code) if code else None
        wanted = [w for f in (step.fields if step else ()) for w in FIELD_WIDGETS.get(f, ())]
        for name in ("assigneeCombo", "caseEdit", "partyNameEdit", "partyPhoneEdit", "placeEdit", "mediatorCombo",
                     "mediatorsEdit", "photoEdit", "photoButton"):
            getattr(self, name).setEnabled(name in wanted)
        for name in ("assigneeCombo", "caseEdit", "partyNameEdit", "partyPhoneEdit", "placeEdit", "mediatorCombo",
                     "mediatorsEdit"):
            self.stepForm.setRowVisible(getattr(self, name), name in wanted)
        self.stepForm.setRowVisible(self.photoRow, "photoEdit" in wanted)
        self.textLabel.setText(f"{step.text_label if step else '说明'}(&T)")

    @one_at_a_time
    def perform(self) -> None:
        code, text, actor = self.actionCombo.currentData(), self.textEdit.toPlainText(), self.ctx.staff
        if not code:  # nothing offered (a closed event, to a clerk): Ctrl+Enter does nothing
            return
        number = self.number
        seen = steps.version_of(event_steps.EVENT, self.event)  # what this window shows; a newer one is refused
        try:
            if code == "assign":
                kind, value = chosen(self.assigneeCombo, "经办人或协作单位", "assignee") or ("", None)
                who = {"person_id": value} if kind == "person" else {"partner": value or ""}
                handling.assign(actor, number, note=text, seen=seen, **who)
            elif code == "report":
                handling.report_up(actor, number, self.caseEdit.text(), clock.today(), text, seen=seen)
            elif code == "photo":
                add_photo(actor, number, self.photoEdit.text().strip(), rules.AFTER, text)
            elif code == "party":
                mediation.add_party(actor, number, PartyInput(name=self.partyNameEdit.text(),
                                                              phone=self.partyPhoneEdit.text(), address=text))
            elif code == "session":
                mediator = chosen(self.mediatorCombo, "调解员", "mediators")
                mediation.record_session(actor, number, self.placeEdit.text(), self.mediatorsEdit.text(), text,
                                         mediator_id=mediator[1] if mediator else None, seen=seen)
            elif code in ("success", "failed"):
                if code == "success":
                    mediation.record_outcome(actor, number, rules.MEDIATION_SUCCESS, terms=text, seen=seen)
                else:
                    mediation.record_outcome(actor, number, rules.MEDIATION_FAILED, referred_to=text, seen=seen)
            else:  # the steps that read the text box alone
                TEXT_STEPS[code](actor, number, text, seen=seen)
        except DomainError as exc:
            show_message(self.messageLabel, "error", exc.message, self._named(exc.field))
            return
        for edit in (self.textEdit, self.caseEdit, self.partyNameEdit, self.partyPhoneEdit, self.photoEdit):
            edit.clear()
        self._texts.pop(code, None)  # done: its text is not offered again
        self.ctx.bus.data_changed.emit(Topic.EVENTS)
        show_message(self.messageLabel, "ok", event_steps.EVENT.step(code).done)
        self.reload()

    def _named(self, field: str | None) -> list[QWidget]:
        """What a refusal is about: the step chosen, and the field it names (its own widget, else the
        text box). Changing either clears the red line."""
        named: list[QWidget] = [self.actionCombo]
        if field in FIELD_WIDGETS:
            named.append(getattr(self, FIELD_WIDGETS[field][0]))
        elif field:
            named.append(self.textEdit)
        return named

    @one_at_a_time
    def choose_photo(self) -> None:
        path = open_file_name(self, "选择处置后照片", "photos", PHOTO_FILTER)
        if path:
            self.photoEdit.setText(path)

    @one_at_a_time
    def print_agreement(self) -> Path | None:
        """The 人民调解协议书 of a successful mediation, written and opened in the print preview."""
        try:
            data = agreement.agreement_data(self.number)
            path = write_agreement(data, new_pdf_path(f"调解协议书-{self.number}"))
            preview_document(self, self.ctx.staff, path, f"人民调解协议书 {self.number}", printouts.AGREEMENT,
                             self.number)
        except DomainError as exc:
            show_message(self.messageLabel, "error", exc.message)
            return None
        self.agreement_pdf = path
        return path
