"""受理: find the resident, choose the service, fill its fields, save and print the receipt.

Everything here works from the keyboard: F2 search, Enter choose, F3 service, Ctrl+Enter save.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from pathlib import Path

from PySide6.QtCore import QDate, Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QVBoxLayout,
    QWidget,
)

from gridstation.core.intake import intakes, material_check, residents
from gridstation.core.intake.material_rules import MISSING_OVERDUE, NOTICE
from gridstation.core.residents import status
from gridstation.core.rules import clock, idcard
from gridstation.core.rules.errors import DomainError
from gridstation.core.station import catalog
from gridstation.core.station.roles import HEAD
from gridstation.core.station.topics import Topic
from gridstation.core.storage import models as m
from gridstation.ui.common.background import BackgroundOp
from gridstation.ui.common.context import AppContext
from gridstation.ui.common.feedback import show_message
from gridstation.ui.common.keyboard import button_keys, focus_first_inside, tab_chain
from gridstation.ui.common.saving import one_at_a_time
from gridstation.ui.common.table_model import Column, PagedTableModel, setup_table
from gridstation.ui.evaluation.resident_screen import ResidentScreenLink
from gridstation.ui.intake.grid_line import grid_line
from gridstation.ui.intake.intake_page_form import IntakePageForm
from gridstation.ui.intake.materials_widgets import MaterialsChecklist, preview_material_document
from gridstation.ui.intake.resident_picker import ResidentPicker
from gridstation.ui.intake.service_fields import ServiceFieldsForm

VIEWS = [("我的在办", "mine"), ("全部在办", "open"), ("逾期", intakes.OVERDUE), (MISSING_OVERDUE, MISSING_OVERDUE),
         ("全部", "")] + [
    (s, s) for s in intakes.STATUSES]
# The views the 受理日期 range narrows. 在办, 逾期 and 逾期未补齐 are the work still to do: an intake
# received long ago and still open belongs there whatever the dates read, so they ignore the range.
DATED_VIEWS = ("", *intakes.STATUSES)


def intake_columns() -> list[Column]:
    """The intake list's columns; "overdue" is decided as the row paints, so it is right after midnight."""
    return [
        Column("受理编号", lambda i: i.serial, "serial"),
        Column("受理时间", lambda i: f"{i.received_at:%Y-%m-%d %H:%M}", "received"),
        Column("居民", lambda i: i.resident.name, "resident"),
        Column("证件号码", lambda i: idcard.mask_id(i.resident.doc_number)),
        Column("业务", lambda i: f"{i.service.name}·{i.action}" if i.action else i.service.name, "service"),
        Column("状态", lambda i: f"{i.status}（{intakes.OVERDUE}）" if is_overdue_now(i) else i.status, "status"),
        Column("承诺办结", lambda i: "待补正后起算" if i.status == intakes.PENDING_DOCS else f"{i.due_date:%Y-%m-%d}",
               "due"),
    ]


def is_overdue_now(intake: m.Intake) -> bool:
    return intakes.is_overdue(intake, clock.today())


def roster_shown(year: int, searched: str, choice: str) -> tuple[list[intakes.RosterRow], int]:
    """For the roster's worker: the rows the filter ``choice`` (全部/未认证/已认证) shows, and how many
    pensioners found are certified (28 000 rows: counted and filtered off the GUI thread)."""
    rows = intakes.pension_roster(year, searched)
    done = sum(r.certified for r in rows)
    if choice != "全部":
        rows = [r for r in rows if r.certified == (choice == "已认证")]
    return rows, done


class IntakePage(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.ui = IntakePageForm.load(self)
        self.resident: m.Resident | None = None
        self._form_shown: tuple[str, str, str] | None = None
        self.last_intake: m.Intake | None = None
        self.last_receipt: Path | None = None
        self.picker = ResidentPicker(self.ui.pickerHost)
        QVBoxLayout(self.ui.pickerHost).addWidget(self.picker)
        self.picker.layout().setContentsMargins(0, 0, 0, 0)
        self.fields = ServiceFieldsForm(self.ui.fieldsHost)
        QVBoxLayout(self.ui.fieldsHost).addWidget(self.fields)
        self._add_materials_block()
        self._add_resident_screen()
        # A splitter, not a row: the line between the two halves stays where the clerk put it while
        # each service brings its own fields; the form's side takes the larger share of a wider window.
        self.ui.newSplitter.setStretchFactor(0, 2)
        self.ui.newSplitter.setStretchFactor(1, 3)
        self.picker.chosen.connect(self.choose_resident)
        self.picker.register_requested.connect(self.register_resident)
        self.picker.nobody.connect(self._forget_resident)
        self.fields.changed.connect(self._clear_stale_message)
        self.ui.documentsEdit.textEdited.connect(self._clear_stale_message)
        self.materials.changed.connect(self._clear_stale_message)  # a 容缺 refusal goes with the tick or choice
        self.materials.date_edit.dateChanged.connect(self._clear_stale_message)
        # The picker is built after the form: Tab follows the eye, search first, save last.
        tab_chain(self.picker.edit, self.picker.results, self.ui.newResidentButton, self.ui.serviceCombo,
                  self.ui.actionCombo, self.ui.documentsEdit, self.ui.clearButton, self.ui.saveButton)
        self.ui.newResidentButton.clicked.connect(lambda: self.register_resident(""))
        self.ui.serviceCombo.currentIndexChanged.connect(self._service_changed)
        self.ui.saveButton.clicked.connect(self.save)
        self.ui.clearButton.clicked.connect(self.clear)
        self._shortcuts()
        self._build_list_tab()
        self._build_roster_tab()
        self.ctx.bus.data_changed.connect(self._data_changed)
        self.ui.tabs.currentChanged.connect(lambda _i: (self.refresh(), self.focus_start()))
        self.load_services()

    # --- keyboard -----------------------------------------------------------------------------
    def _shortcuts(self) -> None:
        pairs = [
            ("F1", lambda: self.ui.tabs.setCurrentIndex(0)),
            ("F2", self.focus_search),
            ("F3", lambda: (self.ui.tabs.setCurrentIndex(0), self.ui.serviceCombo.setFocus(),
                            self.ui.serviceCombo.showPopup())),
            ("F4", lambda: self.register_resident("")),
            ("Ctrl+Return", self.save),
            ("Ctrl+Enter", self.save),
            ("Esc", self.clear),
        ]
        for key, slot in pairs:
            QShortcut(QKeySequence(key), self, activated=slot,
                      context=Qt.ShortcutContext.WidgetWithChildrenShortcut)

    def focus_search(self) -> None:
        self.ui.tabs.setCurrentIndex(0)
        self.picker.focus_search()

    def focus_start(self) -> None:
        """Ctrl+1 or sign-in: the search box on 新建受理, else the first control of the tab in view."""
        if self.ui.tabs.currentIndex() == 0:
            self.picker.focus_search()
        else:
            focus_first_inside(self.ui.tabs.currentWidget())

    # --- new intake ---------------------------------------------------------------------------
    def load_services(self) -> None:
        current = self.ui.serviceCombo.currentData()
        self.ui.serviceCombo.blockSignals(True)
        self.ui.serviceCombo.clear()
        self.ui.filterServiceCombo.clear()
        self.ui.filterServiceCombo.addItem("全部业务", None)
        for svc in catalog.active_services():
            self.ui.serviceCombo.addItem(svc.name, svc.code)
        for svc in catalog.all_services():
            self.ui.filterServiceCombo.addItem(svc.name if svc.active else f"{svc.name}（停用）", svc.id)
        index = self.ui.serviceCombo.findData(current)
        self.ui.serviceCombo.setCurrentIndex(max(index, 0))
        self.ui.serviceCombo.blockSignals(False)
        if self._shown_form() != self._form_shown:
            self._service_changed()  # a catalogue change elsewhere keeps half-typed fields unless it touched them

    def _shown_form(self) -> tuple[str, str, str] | None:
        service = self.service()
        return (service.code, service.actions, service.fields) if service else None

    def service(self) -> m.ServiceType | None:
        code = self.ui.serviceCombo.currentData()
        return catalog.get_service(code) if code else None

    def _service_changed(self) -> None:
        service = self.service()
        self._form_shown = self._shown_form()
        self.ui.actionCombo.clear()
        if service is not None:
            self.ui.actionCombo.addItems(catalog.actions_of(service))
            self.fields.set_service(service)
        else:
            self.fields.clear()
        self.materials.set_service(service)  # Tab follows the eye: fields, then the checklist, then 收取材料
        self.fields.chain_tab_order(self.ui.actionCombo, *self.materials.tab_stops(), self.ui.documentsEdit)
        self._update_eligibility()

    def choose_resident(self, resident_id: int) -> None:
        self.resident = residents.get_resident(resident_id)
        r = self.resident
        age = f"，{idcard.age_on(r.birth_date, clock.today())}岁" if r.birth_date else ""
        self._message("warn", "")  # 「已保存…」 belonged to the resident served before
        self.ui.chosenLabel.setText(f"为 <b>{escape(r.name)}</b>（{idcard.mask_id(r.doc_number)}{age}）办理")
        flags = "　养老金领取人员" if r.is_pensioner else ""
        gone = "" if r.status == status.PRESENT else f"<br><b style='color:#b00020'>{escape(status.describe(r))}</b>"
        phone = r.phone or "无"
        self.ui.residentCard.setText(
            f"<b style='font-size:16px'>{escape(r.name)}</b>　{r.gender}{age}{flags}{gone}<br>"
            f"{r.doc_type}：{idcard.mask_id(r.doc_number)}　电话：{escape(phone)}<br>"
            f"住址：{escape(residents.address(r) or '未登记')}<br>{escape(grid_line(r.grid if r.grid_id else None))}"
        )
        self._update_eligibility()
        self._show_on_resident_screen()
        self.ui.serviceCombo.setFocus()

    def _forget_resident(self) -> None:
        """A search that found nobody: the resident chosen before must not receive this intake."""
        self.resident = None
        self.ui.residentCard.setText("请先查找或新增居民。")
        self.ui.chosenLabel.setText("")
        self._update_eligibility()

    def _clear_stale_message(self) -> None:
        """A refusal about a field no longer applies once that field is changed."""
        if self.ui.messageLabel.property("role") == "error":
            self._message("warn", "")

    def _update_eligibility(self) -> None:
        service = self.service()
        if self.resident is None or service is None or service.code != catalog.SUBSIDY_4050:
            self.ui.eligibilityLabel.setText("")
            return
        ok = intakes.meets_4050(self.resident.gender, self.resident.birth_date)
        rule = "女性满40周岁、男性满50周岁"
        show_message(self.ui.eligibilityLabel, "ok" if ok else "error",
                  f"符合“4050”年龄条件（{rule}）" if ok else f"不符合“4050”年龄条件（{rule}），请核实后再受理")

    def register_resident(self, doc_number: str):
        """Open 新增居民 (window-modal, not blocking); a saved resident becomes the one served."""
        # late import (start-up time): loaded on first use, after the window's first paint
        from gridstation.ui.intake.resident_dialog import ResidentDialog

        dialog = ResidentDialog(self.ctx, self, doc_number=doc_number)
        dialog.known_resident.connect(lambda rid: (dialog.leave(), self.choose_resident(rid)))
        dialog.accepted.connect(lambda: dialog.saved is not None and self.choose_resident(dialog.saved.id))
        dialog.open()
        return dialog

    @one_at_a_time
    def save(self) -> None:
        """Save the intake (serial assigned in the same transaction), then preview its receipt."""
        if self.ui.tabs.currentIndex() != 0:
            return
        if self.resident is None:
            self._message("error", "请先查找或新增居民（F2 查找，F4 新增）。")
            self.focus_search()
            return
        service = self.service()
        if service is None:
            self._message("error", "请选择业务类型（F3）。")
            return
        data = intakes.IntakeInput(
            resident_id=self.resident.id, service=service.code, action=self.ui.actionCombo.currentText(),
            details=self.fields.values(), documents=self.ui.documentsEdit.text(),
        )
        mode = self.materials.mode()
        try:
            if self.materials.has_list():
                intake = material_check.create_checked_intake(self.ctx.staff, data, self.materials.brought(),
                                                            mode=mode, deadline=self.materials.deadline())
            else:
                intake = intakes.create_intake(self.ctx.staff, data)
        except DomainError as exc:
            self._message("error", exc.message)
            if not self.materials.focus_field(exc.field, exc.items):
                self.fields.focus_field(exc.field, {"service": self.ui.serviceCombo, "action": self.ui.actionCombo,
                                                    "documents": self.ui.documentsEdit})
            return
        self.last_intake = intake
        self.ctx.bus.data_changed.emit(Topic.INTAKE)
        if mode == NOTICE:  # not yet accepted: the resident takes the notice, not a receipt
            self._message("ok", f"已登记为待补正，编号 {intake.serial}，已出具一次性告知单。")
        else:
            self._message("ok", f"已保存，受理编号 {intake.serial}，承诺办结日期 {intake.due_date:%Y-%m-%d}。")
            self.last_receipt = self.print_receipt(intake.serial)
        if mode:
            self.last_material_document = preview_material_document(self, self.ctx.staff, intake.serial, mode)
        self._reset_form(keep_message=True)
        self._after_save_on_resident_screen(intake, mode)

    # --- 材料清单 (core/intake/material_rules.py, material_check.py): one self-contained block --------------------------
    def _add_materials_block(self) -> None:
        """The checklist sits above 收取材料, which stays for anything brought beyond the list."""
        self.materials = MaterialsChecklist(self.ui.intakeGroup, next_widget=self.ui.documentsEdit)
        self.last_material_document: Path | None = None
        self.ui.place(self.ui.materialsHost, self.materials)

    # --- 好差评: the resident screen on a second screen (ui/resident_screen.py), one block ---------
    def _add_resident_screen(self) -> None:
        """Shows the resident what is being typed for them, then asks for the rating after the save."""
        self.resident_screen = ResidentScreenLink.open(self.ctx, self)
        if self.resident_screen is None:
            return
        self.materials.changed.connect(self._show_on_resident_screen)
        self.ui.serviceCombo.currentIndexChanged.connect(self._show_on_resident_screen)

    def _show_on_resident_screen(self) -> None:
        if self.resident_screen is not None:
            service = self.service()
            name = (f"{service.name}·{self.ui.actionCombo.currentText()}" if service and self.ui.actionCombo.currentText()
                    else service.name if service else "")
            self.resident_screen.show_intake(self.resident, name, self.materials.received_text())

    def _after_save_on_resident_screen(self, intake: m.Intake, mode: str) -> None:
        if self.resident_screen is not None:
            if mode == NOTICE:  # not accepted yet: nothing to rate
                self.resident_screen.clear()
            else:
                self.resident_screen.ask_rating(intake.serial)

    def print_receipt(self, serial: str) -> Path | None:
        # late import (start-up time): loaded on first use, after the window's first paint
        from gridstation.ui.common.printing import preview_receipt

        try:
            return preview_receipt(self, self.ctx.staff, serial)
        except DomainError as exc:
            self._message("error", exc.message)
            return None

    def _message(self, role: str, text: str) -> None:
        show_message(self.ui.messageLabel, role, text)

    def _reset_form(self, keep_message: bool = False) -> None:
        self._forget_resident()
        self.ui.documentsEdit.clear()
        self._service_changed()
        self.picker.edit.clear()
        if not keep_message:
            self._message("warn", "")
        self.focus_search()

    def clear(self) -> None:
        self._reset_form()

    # --- lists --------------------------------------------------------------------------------
    def _build_list_tab(self) -> None:
        for title, key in VIEWS:
            self.ui.viewCombo.addItem(title, key)
        self._list_day = clock.today()  # the day the range was last set to end on
        self.ui.fromDate.setDate(QDate(self._list_day).addYears(-1))
        self.ui.toDate.setDate(QDate(self._list_day))
        self.ui.viewCombo.currentIndexChanged.connect(self._show_date_scope)
        self._show_date_scope()
        self.list_model = PagedTableModel(intake_columns(), highlight=is_overdue_now, query=self._intake_query)
        self.list_model.loaded.connect(self._show_count)
        self.list_model.load_failed.connect(self.ctx.bus.status_message)
        table = self.ui.intakeTable
        setup_table(table, self.list_model)
        table.setSortingEnabled(True)
        table.horizontalHeader().setSortIndicator(1, Qt.SortOrder.DescendingOrder)
        table.doubleClicked.connect(lambda index: self.open_detail(index.row()))
        QShortcut(QKeySequence(Qt.Key.Key_Return), table, activated=lambda: self.open_detail(table.currentIndex().row()),
                  context=Qt.ShortcutContext.WidgetShortcut)
        self.ui.detailButton.clicked.connect(lambda: self.open_detail(table.currentIndex().row()))
        self.ui.serialFilterEdit.returnPressed.connect(self._open_typed_serial)
        self.ui.exportListButton.clicked.connect(lambda: self.export_list())
        button_keys((self.ui.exportListButton, "Ctrl+E"))
        self._fill_filter_combos()
        for signal in (self.ui.viewCombo.currentIndexChanged, self.ui.filterServiceCombo.currentIndexChanged,
                       self.ui.filterStaffCombo.currentIndexChanged, self.ui.filterGridCombo.currentIndexChanged,
                       self.ui.fromDate.dateChanged, self.ui.toDate.dateChanged, self.ui.serialFilterEdit.textChanged):
            signal.connect(self.reload_list)

    def _fill_filter_combos(self) -> None:
        """Staff and grids change while the app runs; keep the chosen entry when refilling."""
        choices = [
            (self.ui.filterStaffCombo, "全部经办人", [(s.display_name, s.id) for s in m.Staff.select().order_by(m.Staff.username)]),
            (self.ui.filterGridCombo, "全部网格", residents.grid_choices()),
        ]
        for combo, everyone, entries in choices:
            current = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(everyone, None)
            for text, key in entries:
                combo.addItem(text, key)
            combo.setCurrentIndex(max(combo.findData(current), 0))
            combo.blockSignals(False)

    def current_filter(self) -> intakes.IntakeFilter:
        view = self.ui.viewCombo.currentData() or ""
        flt = intakes.IntakeFilter(
            status="open" if view == "mine" else view,
            service_id=self.ui.filterServiceCombo.currentData(),
            staff_id=self.ui.filterStaffCombo.currentData(),
            grid_id=self.ui.filterGridCombo.currentData(),
            text=self.ui.serialFilterEdit.text(),
        )
        model = getattr(self, "list_model", None)  # the model's first fetch runs inside its constructor
        if model is not None and model.order:
            flt.sort, flt.descending = model.order
        if view == "mine":
            flt.staff_id = self.ctx.staff.id if self.ctx.staff else None
        if view in DATED_VIEWS:
            flt.date_from = self.ui.fromDate.date().toPython()
            flt.date_to = self.ui.toDate.date().toPython()
        return flt

    def _show_date_scope(self) -> None:
        """Say on screen whether the dates narrow the view: greyed and marked 不限 where they do not."""
        dated = (self.ui.viewCombo.currentData() or "") in DATED_VIEWS
        for widget in (self.ui.fromDate, self.ui.toCaption, self.ui.toDate):
            widget.setEnabled(dated)
        self.ui.fromCaption.setText("受理日期" if dated else "受理日期（本视图不限）")

    def _follow_today(self) -> None:
        """A window left open overnight: a range that ended on the day it was set moves on to today."""
        today = clock.today()
        if today != self._list_day and self.ui.toDate.date().toPython() == self._list_day:
            self.ui.toDate.blockSignals(True)
            self.ui.toDate.setDate(QDate(today))
            self.ui.toDate.blockSignals(False)
        self._list_day = today

    def _intake_query(self) -> Callable[[int, int], list[m.Intake]]:
        """The list's rows as filtered now; the fetch runs off the GUI thread, so it reads no widget."""
        flt = self.current_filter()
        return lambda offset, limit: list(intakes.query_intakes(flt).offset(offset).limit(limit))

    def reload_list(self) -> None:
        """Load the list in the background; the rows shown stay until the new ones are in."""
        self.ui.countLabel.setText("正在加载……")
        self.list_model.reload()

    def _show_count(self) -> None:
        shown = self.list_model.rowCount()
        more = "（向下滚动加载更多）" if self.list_model.canFetchMore(self.list_model.index(-1, -1)) else ""
        serial = intakes.full_serial(self.ui.serialFilterEdit.text())  # found whatever the view and dates
        found = (f"按受理编号 {serial} 查找（不限视图和日期）：" + (f"显示 {shown} 条" if shown else "没有这个编号的受理"))
        self.ui.countLabel.setText(found if serial else f"显示 {shown} 条{more}")

    def open_detail(self, row: int):
        if row < 0 or row >= self.list_model.rowCount():
            return
        # late import (start-up time): loaded on first use, after the window's first paint
        from gridstation.ui.intake.intake_detail import IntakeDetailDialog

        intake = self.list_model.row_at(row)
        dialog = IntakeDetailDialog(self.ctx, intake.serial, self)
        dialog.open()
        return dialog

    def _open_typed_serial(self) -> None:
        """Enter in the serial filter: once the list has loaded (in the background), one match opens
        at once; several go to the list to choose."""
        self.list_model.loaded.connect(self._open_loaded_match, Qt.ConnectionType.SingleShotConnection)
        self.reload_list()

    def _open_loaded_match(self) -> None:
        if self.list_model.rowCount() == 1:
            self.open_detail(0)
        elif self.list_model.rowCount() > 1:
            self.ui.intakeTable.setFocus()
            self.ui.intakeTable.selectRow(0)

    def export_list(self, path: Path | None = None) -> Path | None:
        """The intakes as filtered on screen, to Excel (ID numbers masked)."""
        # late import (start-up time): loaded on first use, after the window's first paint
        from gridstation.ui.common.exporting import export_list

        return export_list(self, self.ctx, "intakes", self.current_filter(), "受理记录", path)

    # --- pension roster -----------------------------------------------------------------------
    def export_roster(self, path: Path | None = None) -> Path | None:
        # late import (start-up time): loaded on first use, after the window's first paint
        from gridstation.ui.common.exporting import export_list

        return export_list(self, self.ctx, "roster", self.ui.yearSpin.value(), "养老认证名册", path)

    def _build_roster_tab(self) -> None:
        self.ui.yearSpin.setValue(clock.today().year)
        self.ui.rosterFilterCombo.addItems(["全部", "未认证", "已认证"])
        self.ui.wayCombo.addItems(["窗口", "手机APP协助", "上门"])
        self.roster_rows: list[intakes.RosterRow] = []
        self.roster_job: BackgroundOp | None = None
        self.roster_model = PagedTableModel([
            Column("姓名", lambda r: r.resident.name),
            Column("证件号码", lambda r: idcard.mask_id(r.resident.doc_number)),
            Column("联系电话", lambda r: idcard.mask_phone(r.resident.phone)),
            Column("住址", lambda r: residents.address(r.resident)),
            Column("认证情况", lambda r: "已认证" if r.certified else "未认证"),
            Column("受理编号", lambda r: r.serial),
        ], lambda offset, limit: self.roster_rows[offset:offset + limit], highlight=lambda r: not r.certified)
        setup_table(self.ui.rosterTable, self.roster_model)
        self.ui.yearSpin.valueChanged.connect(self.reload_roster)
        self.ui.rosterFilterCombo.currentIndexChanged.connect(self.reload_roster)
        # Typing narrows the list once the typist pauses, not at every key; Enter at once.
        self.roster_search_timer = QTimer(self, singleShot=True, interval=300)
        self.roster_search_timer.timeout.connect(self.reload_roster)
        self.ui.rosterSearchEdit.textChanged.connect(self.roster_search_timer.start)
        self.ui.rosterSearchEdit.returnPressed.connect(self.reload_roster)
        self.ui.certifyButton.clicked.connect(self.certify_selected)
        self.ui.rosterPhoneButton.clicked.connect(self.reveal_roster_phone)
        self.ui.exportRosterButton.clicked.connect(lambda: self.export_roster())

    def reload_roster(self) -> None:
        """The roster holds every pensioner (over a second at the README's scale): read, count and
        filter it in the background, then show it keeping the selected pensioner and the scroll
        position. The model takes the rows a page at a time as the list scrolls."""
        if self.roster_job is not None:
            self.roster_job.cancel()
        self.roster_search_timer.stop()
        year, choice = self.ui.yearSpin.value(), self.ui.rosterFilterCombo.currentText()
        searched = self.ui.rosterSearchEdit.text().strip()
        job = BackgroundOp(self, lambda _progress, _cancelled: roster_shown(year, searched, choice),
                           done=lambda shown: self._roster_in(job, shown, ""),
                           failed=lambda text: self._roster_in(job, None, text), cancelled=lambda: None)
        self.roster_job = job
        self.ui.rosterSummary.setText("正在读取名册……")
        job.start()

    def _roster_in(self, job: BackgroundOp, shown: tuple[list[intakes.RosterRow], int] | None, failure: str) -> None:
        """``shown`` is the rows to list and how many pensioners are certified; None: the read failed."""
        if job is not self.roster_job:
            return  # an older year or filter
        self.roster_job = None
        if shown is None:
            self.ui.rosterSummary.setText(failure)
            return
        self.roster_rows, done = shown
        self.roster_model.reload()
        found = f"找到 {len(self.roster_rows)} 人，" if self.ui.rosterSearchEdit.text().strip() else ""
        self.ui.rosterSummary.setText(f"{found}养老金领取人员已认证 {done} 人")

    def _roster_selection(self) -> intakes.RosterRow | None:
        index = self.ui.rosterTable.currentIndex()
        if not index.isValid():
            self.ctx.bus.status_message.emit("请先在名册中选择一位居民。")
            return None
        return self.roster_model.row_at(index.row())

    def reveal_roster_phone(self) -> None:
        """The roster shows phones masked; the station head may look one up, and it is audited."""
        row = self._roster_selection()
        if row is None:
            return
        try:
            phone = residents.reveal_phone(self.ctx.staff, row.resident.id, role=HEAD,
                                           why={"roster": self.ui.yearSpin.value()})
        except DomainError as exc:
            self.ctx.bus.status_message.emit(exc.message)
            return
        self.ui.rosterSummary.setText(f"{row.resident.name}：{phone or '未登记电话'}")

    @one_at_a_time
    def certify_selected(self) -> None:
        row = self._roster_selection()
        if row is None:
            return
        try:
            intake = intakes.record_certification(self.ctx.staff, row.resident.id, self.ui.yearSpin.value(),
                                                  self.ui.wayCombo.currentText())
        except DomainError as exc:
            self.ctx.bus.status_message.emit(exc.message)
            return
        self.ctx.bus.data_changed.emit(Topic.INTAKE)
        self.ctx.bus.status_message.emit(f"已登记 {row.resident.name} 的认证，受理编号 {intake.serial}。")

    # --- refresh ------------------------------------------------------------------------------
    def _data_changed(self, area: Topic) -> None:
        if area == Topic.SETTINGS:
            self.load_services()
        if area in (Topic.INTAKE, Topic.RESIDENT) and self.isVisible():  # a hidden page reloads when shown
            self.refresh()

    def refresh(self) -> None:
        """Reload only the tab in view: the roster can hold tens of thousands of pensioners."""
        tab = self.ui.tabs.currentIndex()
        if tab == 1:
            self._fill_filter_combos()
            self._follow_today()
            self.reload_list()
        elif tab == 2:
            self.reload_roster()
