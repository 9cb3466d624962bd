"""The import wizard: choose a ledger, check the column mapping, preview the bad rows, import.

A column no name matched is pointed at its field on the mapping page by keyboard (Tab to the field's
drop-down); the import remembers the choice for the station (``core/ledgers/column_choices.py``).
An intake ledger's service column is mapped on the same page: each distinct value the file writes
gets a drop-down, preset from the catalogue's names, codes and aliases (or the station's earlier
choice); a value nothing matches must be chosen before the preview. The preview then states the
whole mapping (sheets read, column → field, value → service) above the rows and their reasons.

Reading, the preview (a dry run of the real import) and the import itself run off the GUI thread
through the UI's one background helper (``ui.background``), which only calls core functions and
never touches a widget, so the counter stays responsive while 100 000 rows are checked. Cancelling
stops the job at its next progress report; the import's transaction is then rolled back and
nothing is written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from itertools import islice
from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from gridstation.core.ledgers import column_choices, ledger_files, ledger_read
from gridstation.core.ledgers.ledger_columns import (
    EVENTS,
    GRID_PEOPLE,
    GRIDS,
    ID_NUMBER,
    INTAKES,
    KIND_NAMES,
    KINDS,
    LOANS,
    PHONE,
    RESIDENTS,
    TOOLS,
    columns_for,
    normalise_header,
)
from gridstation.core.ledgers.ledger_import import (
    ImportOptions,
    ImportReport,
    ServiceMatch,
    mapping_lines,
    match_services,
    run_import,
)
from gridstation.core.rules import free_text
from gridstation.core.rules.errors import DomainError
from gridstation.core.station import catalog
from gridstation.core.station.topics import Topic
from gridstation.ui.common.background import BackgroundOp, Work
from gridstation.ui.common.context import AppContext
from gridstation.ui.common.file_dialogs import open_file_name, save_file_name
from gridstation.ui.common.forms import Form
from gridstation.ui.common.keyboard import button_keys

CHOOSE, MAPPING, PREVIEW, RESULT = range(4)
STEPS = {CHOOSE: "选择台账文件", MAPPING: "核对列的对应关系", PREVIEW: "预览与检查", RESULT: "导入结果"}
NOT_IMPORTED = "（不导入）"
CHOOSE_SERVICE, SKIP_SERVICE = "（请选择）", "（不导入这些行）"
BAD_ROW, BAD_CELL = QColor("#fde2e1"), QColor("#f4a6a0")
# What each kind of ledger changes, as the pages listen for it on the bus; one entry per kind in KINDS.
AREA = {RESIDENTS: Topic.RESIDENT, INTAKES: Topic.INTAKE, TOOLS: Topic.TOOLS, LOANS: Topic.TOOLS, EVENTS: Topic.EVENTS,
        GRIDS: Topic.GRIDS, GRID_PEOPLE: Topic.GRIDS}
STOPPED = "已取消，没有写入任何数据。"
PREVIEW_ROWS = 1_000  # rows the preview's table lists: enough to see what is wrong, never a table of a million
# What step 1 says of one kind of ledger beyond what its columns tell (see ``kind_help``).
KIND_HELP = {INTAKES: "受理台账中未登记的居民按台账登记。",
             EVENTS: "事件导入时重新编号；本站没有的网格按台账新增（预览中列出），发现人须为本站人员。",
             GRIDS: "一行一个网格或一栋楼，也可每个网格一张工作表（工作表名或“网格：…”标题行即网格）；"
                    "已有的网格按编码或上级网格下的名称找到，没有的网格和楼栋新增（预览中列出）。须站长权限。",
             GRID_PEOPLE: "一行一人一个岗位，也可每个网格一张工作表；同一人（姓名和电话相同，或关联同一账号、居民）"
                          "只登记一次，没有的人员和网格新增（预览中列出）。须站长权限。"}


def kind_help(kind: str) -> str:
    """Step 1's help for the ledger chosen: its own headers as the example, and the text-format advice
    only where it has ID numbers or phones."""
    columns = columns_for(kind)
    headers = "、".join(c.header for c in columns if c.required)
    numbers = "、".join(name for name, kinds in (("身份证号码", (ID_NUMBER,)), ("电话", (PHONE,)))
                        if any(c.type in kinds for c in columns))
    return "".join((f"每张工作表的前10行中有表头（{headers}等）的都会读取，如按月或按业务分表的台账；"
                    "标题行、序号列、空行和合计行会被跳过。", KIND_HELP.get(kind, ""),
                    f"没有现成的{KIND_NAMES[kind]}台账？先保存模板，按模板填写后再导入。",
                    f"{numbers}请设为“文本”格式，" if numbers else "", "不要合并单元格。"))


class PreviewModel(QAbstractTableModel):
    """The file's rows under the mapped columns, then the reasons; rows the check refused are tinted."""

    def __init__(self, ledger: ledger_read.Ledger, report: ImportReport) -> None:
        super().__init__()
        self.ledger = ledger
        self.keys = [c.key for c in ledger.columns if c.key in ledger.mapping]
        self.problems: dict[int, list] = {}
        for problem in report.problems:
            self.problems.setdefault(problem.row, []).append(problem)
        self.all_rows = ledger.sheet.rows
        self.rows = self.all_rows[:PREVIEW_ROWS]

    def show_bad_only(self, bad_only: bool) -> None:
        self.beginResetModel()
        rows = (r for r in self.all_rows if r[0] in self.problems) if bad_only else iter(self.all_rows)
        self.rows = list(islice(rows, PREVIEW_ROWS))
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else 2 + len(self.keys)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> object:  # noqa: N802
        if role != Qt.ItemDataRole.DisplayRole or orientation != Qt.Orientation.Horizontal:
            return None
        if section == 0:
            return "行号"
        if section == len(self.keys) + 1:
            return "问题"
        return self.ledger.header_of(self.keys[section - 1])

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        number, values = self.rows[index.row()]
        problems = self.problems.get(number, [])
        column = index.column()
        key = self.keys[column - 1] if 0 < column <= len(self.keys) else None
        header = self.ledger.header_of(key, number) if key else None
        if role == Qt.ItemDataRole.DisplayRole:
            if key is not None:
                place = self.ledger.mapping[key]
                return _shown(values[place] if place < len(values) else None)
            if column == 0:  # the row number, with its sheet when the file has several
                return self.ledger.sheet.place(number) if len(self.ledger.sheet.parts) > 1 else str(number)
            return "；".join(p.message for p in problems)
        if role == Qt.ItemDataRole.BackgroundRole and problems:
            cell_bad = header is not None and any(p.column == header for p in problems)
            return QBrush(BAD_CELL if cell_bad else BAD_ROW)
        if role == Qt.ItemDataRole.ToolTipRole and problems:
            return "\n".join(p.line() for p in problems)
        return None


def _shown(value: object) -> str:
    """A cell as the preview shows it; text as the command line shows it (``free_text.shown``), so a
    direction override in a cell cannot turn the row around."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M") if value.time() != dt.time() else value.strftime("%Y-%m-%d")
    if isinstance(value, dt.date):
        return value.isoformat()
    return free_text.shown(str(value))


class ImportWizardForm(Form):
    FORM = "import_wizard.ui"
    backButton: QPushButton
    badOnlyCheck: QCheckBox
    browseButton: QPushButton
    chooseHint: QLabel
    cancelButton: QPushButton
    fileEdit: QLineEdit
    importButton: QPushButton
    kindCombo: QComboBox
    mappingTable: QTableWidget
    mappingText: QPlainTextEdit
    messageLabel: QLabel
    nextButton: QPushButton
    pages: QStackedWidget
    previewSummary: QLabel
    previewTable: QTableView
    progressBar: QProgressBar
    resultSummary: QLabel
    resultText: QPlainTextEdit
    serviceHint: QLabel
    serviceTable: QTableWidget
    stepLabel: QLabel
    templateButton: QPushButton
    updateExistingCheck: QCheckBox
    validOnlyCheck: QCheckBox


class ImportWizard(QDialog):
    """Four steps in one dialog; each long step runs in the background with the progress bar shown."""

    finished_import = Signal(object)  # the ImportReport of a real import

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.ledger: ledger_read.Ledger | None = None
        self.preview: ImportReport | None = None
        self.report: ImportReport | None = None
        self.worker: BackgroundOp | None = None  # the step running in the background
        self.combos: dict[str, QComboBox] = {}
        self.initial: dict[str, str] = {}  # column key -> the column name that fed it when the file was read
        self.read_with: dict[str, str] = {}
        self.service_combos: dict[str, QComboBox] = {}
        self.matches: list[ServiceMatch] = []
        self.model: PreviewModel | None = None
        self.setWindowTitle("导入台账")
        self.ui = ImportWizardForm.load(self)
        for kind in KINDS:
            self.ui.kindCombo.addItem(f"{KIND_NAMES[kind]}台账", kind)
        self.ui.kindCombo.currentIndexChanged.connect(self._kind_changed)
        self.ui.browseButton.clicked.connect(self._browse)
        self.ui.templateButton.clicked.connect(self._save_template)
        self.ui.backButton.clicked.connect(self.back)
        self.ui.nextButton.clicked.connect(self.next)
        self.ui.importButton.clicked.connect(self.start_import)
        self.ui.cancelButton.clicked.connect(self.cancel)
        self.ui.badOnlyCheck.toggled.connect(self._bad_only)
        self.ui.updateExistingCheck.toggled.connect(self._update_toggled)
        # Enter goes forward (下一步, then 导入), never to 浏览… which would open the file dialog.
        for button in (self.ui.browseButton, self.ui.templateButton, self.ui.backButton, self.ui.cancelButton):
            button.setAutoDefault(False)
        # Esc is 取消 (stop the running step first), not QDialog's plain close.
        button_keys((self.ui.browseButton, "Ctrl+O"), (self.ui.templateButton, "Ctrl+T"), (self.ui.backButton, "Alt+Left"),
                    (self.ui.cancelButton, "Esc"))
        # 填写要求 takes the rest of the width and wraps, whole at 1366×768 rather than cut with “…”.
        table = self.ui.mappingTable
        table.setWordWrap(True)
        table.setTextElideMode(Qt.TextElideMode.ElideNone)
        table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        table.horizontalHeader().sectionResized.connect(lambda *_: table.resizeRowsToContents())
        self.resize(960, 640)
        self._kind_changed()
        self._go(CHOOSE)

    # ------------------------------------------------------------ navigation

    @property
    def kind(self) -> str:
        return self.ui.kindCombo.currentData()

    def _go(self, step: int) -> None:
        self.ui.pages.setCurrentIndex(step)
        self.ui.stepLabel.setText(f"第{step + 1}步，共4步：{STEPS[step]}")
        self.ui.messageLabel.setText("")
        self._buttons()

    def _buttons(self) -> None:
        step, busy = self.ui.pages.currentIndex(), self.worker is not None
        self.ui.backButton.setVisible(step in (MAPPING, PREVIEW))
        self.ui.backButton.setEnabled(not busy)
        self.ui.nextButton.setVisible(step in (CHOOSE, MAPPING))
        self.ui.nextButton.setEnabled(not busy)
        self.ui.importButton.setVisible(step == PREVIEW)
        self.ui.importButton.setEnabled(not busy and self.preview is not None)
        self.ui.nextButton.setDefault(step in (CHOOSE, MAPPING))
        self.ui.importButton.setDefault(step == PREVIEW)
        self.ui.cancelButton.setText("关闭 (Esc)" if step == RESULT and not busy else "取消 (Esc)")
        self.ui.progressBar.setVisible(busy)
        self.ui.updateExistingCheck.setEnabled(not busy)

    def _kind_changed(self) -> None:
        self.ui.updateExistingCheck.setVisible(self.kind == RESIDENTS)
        self.ui.chooseHint.setText(kind_help(self.kind))

    def back(self) -> None:
        self._go(max(CHOOSE, self.ui.pages.currentIndex() - 1))

    def next(self) -> None:
        step = self.ui.pages.currentIndex()
        if step == CHOOSE:
            self._read_file()
        elif step == MAPPING:
            self._apply_mapping()

    # ------------------------------------------------------------ step 1: the file

    def _browse(self) -> None:
        name = open_file_name(self, "选择台账文件", "ledgers", ledger_files.OPEN_FILTER)
        if name:
            self.ui.fileEdit.setText(name)

    def _save_template(self) -> None:
        name = save_file_name(self, "保存模板", "ledgers", f"{KIND_NAMES[self.kind]}台账模板.xlsx", "Excel (*.xlsx)")
        if not name:
            return
        # late import (start-up time): loaded on first use, after the window's first paint
        from gridstation.core.ledgers.ledger_templates import write_template

        try:
            write_template(self.kind, name)
        except (DomainError, OSError) as exc:
            self.ui.messageLabel.setText(getattr(exc, "message", str(exc)))
            return
        self.ctx.bus.status_message.emit(f"已保存模板：{name}")

    def _read_file(self) -> None:
        path = Path(self.ui.fileEdit.text().strip())
        if not self.ui.fileEdit.text().strip():
            self.ui.messageLabel.setText("请选择要导入的文件。")
            return
        kind = self.kind
        self._run(lambda _progress, _cancel: column_choices.open_ledger(path, kind), self._file_read)

    def _file_read(self, ledger: ledger_read.Ledger) -> None:
        self.ledger = ledger
        self.preview = None
        table = self.ui.mappingTable
        table.setRowCount(len(ledger.columns))
        self.combos = {}
        names = column_names(ledger)
        self.initial = {key: normalise_header(header) for key, header in first_headers(ledger).items()}
        self.read_with = dict(ledger.choices)  # the station's remembered choices; the page's own go on top
        for row, spec in enumerate(ledger.columns):
            item = QTableWidgetItem(("* " if spec.required else "") + spec.header)
            item.setToolTip(spec.note)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled)
            table.setItem(row, 0, item)
            combo = QComboBox()
            combo.addItem(NOT_IMPORTED, None)
            for name, shown in names.items():
                combo.addItem(shown, name)
            found = combo.findData(self.initial.get(spec.key))
            combo.setCurrentIndex(max(found, 0) if spec.key in ledger.mapping else 0)
            table.setCellWidget(row, 1, combo)
            self.combos[spec.key] = combo
            note = QTableWidgetItem(spec.note)  # the template's words: which service needs the field, and when
            note.setToolTip(spec.note)
            note.setFlags(Qt.ItemFlag.ItemIsEnabled)
            table.setItem(row, 2, note)
        table.resizeColumnToContents(0)
        table.setColumnWidth(1, 260)
        table.resizeRowsToContents()
        self.matches = []
        self._show_services([])
        self._go(MAPPING)
        several = len(ledger.sheet.parts) > 1
        unused = [f"{f'工作表“{part.name}”的' if several else ''}“{h}”" for part in ledger.sheet.parts
                  for h in ledger.unused(part)]
        if unused:
            self.ui.messageLabel.setText(
                f"文件中的{'、'.join(unused[:3])}{'等' if len(unused) > 3 else ''}列没有对应上。要导入，"
                "请按 Tab 走到它所填的项，选择文件中的这一列（导入后会记住）。")

    # ------------------------------------------------------------ step 2: the mapping

    def mapping(self) -> dict[str, str]:
        """Column key -> the (normalised) name of the file's column chosen for it."""
        return {key: combo.currentData() for key, combo in self.combos.items() if combo.currentIndex() > 0}

    def _apply_mapping(self) -> None:
        assert self.ledger is not None
        chosen = self.mapping()
        spec = self.ledger.spec
        used: dict[str, str] = {}
        for key, name in chosen.items():
            if name in used:
                self.ui.messageLabel.setText(
                    f"文件中的“{name}”列同时指定给了“{spec[used[name]].header}”和“{spec[key].header}”，请只选一项。")
                return
            used[name] = key
        # A column chosen for a field feeds it on the sheets where that column is, unless the sheet has
        # the field's own column (column_choices): the file is read again with the choices.
        choices = self.read_with | {name: key for key, name in chosen.items() if name != self.initial.get(key)}
        left_out = {c.key for c in self.ledger.columns} - set(chosen)
        if choices == self.ledger.choices:
            self._mapped(self.ledger, left_out)
            return
        ledger = self.ledger
        self._run(lambda _progress, _cancel: column_choices.reopen(ledger, choices),
                  lambda again: self._mapped(again, left_out))

    def _mapped(self, ledger: ledger_read.Ledger, left_out: set[str]) -> None:
        """The columns as chosen, without the fields the user set to 不导入; then the services, then the preview."""
        if ledger.mapping.get("service") != (self.ledger.mapping.get("service") if self.ledger else None):
            self.service_combos = {}  # another column: its values are matched afresh
        ledger.mapping = {key: index for key, index in ledger.sheet.fields.items() if key not in left_out}
        self.ledger = ledger
        missing = ledger.missing_required()
        if missing:
            self.ui.messageLabel.setText(f"请为必填的“{missing[0].header}”选择文件中的列。")
            return
        ledger.service_map = self.service_choices()
        if ledger.kind != INTAKES:
            self._start_preview()
            return
        self._run(lambda _progress, _cancel: match_services(ledger), self._services_matched)

    # ------------------------------------------------------------ step 2: the services of an intake ledger

    def service_choices(self) -> dict[str, str]:
        """Ledger value -> service code, for the values whose drop-down the user set to a service."""
        return {value: combo.currentData() for value, combo in self.service_combos.items()
                if combo.currentData() and combo.property("chosen")}

    def _services_matched(self, matches: list[ServiceMatch]) -> None:
        self.matches = matches
        if not self.service_combos:
            self._show_services(matches)
        waiting = [v for v, combo in self.service_combos.items() if combo.currentText() == CHOOSE_SERVICE]
        if waiting:
            self.ui.messageLabel.setText(f"服务清单中没有“{waiting[0]}”等 {len(waiting)} 种写法，"
                                         "请在下面为每种写法选择对应的业务（或选“不导入这些行”）。")
            self.service_combos[waiting[0]].setFocus()
            return
        self._start_preview()

    def _show_services(self, matches: list[ServiceMatch]) -> None:
        """One row per distinct value of the service column, its drop-down preset to the match found."""
        table = self.ui.serviceTable
        table.setRowCount(len(matches))
        self.service_combos = {}
        services = catalog.all_services() if matches else []
        for row, match in enumerate(matches):
            item = QTableWidgetItem(f"{match.value}（{match.rows}行）")
            item.setFlags(Qt.ItemFlag.ItemIsEnabled)
            table.setItem(row, 0, item)
            combo = QComboBox()
            if match.service is None:
                combo.addItem(CHOOSE_SERVICE, None)
                combo.addItem(SKIP_SERVICE, "")
            for service in services:
                combo.addItem(service.name, service.code)
            if match.service is not None:
                combo.setCurrentIndex(combo.findData(match.service.code))
            # Only what the user picks is remembered for the next import, not what matched by itself.
            combo.activated.connect(lambda _i, c=combo: c.setProperty("chosen", True))
            table.setCellWidget(row, 1, combo)
            self.service_combos[match.value] = combo
        shown = bool(matches)
        self.ui.serviceHint.setVisible(shown)
        table.setVisible(shown)
        table.resizeColumnToContents(0)

    def _start_preview(self) -> None:
        assert self.ledger is not None
        self._go(PREVIEW)
        ledger, actor, options = self.ledger, self.ctx.staff, self._options(dry_run=True)
        self.ui.previewSummary.setText("正在检查每一行…")
        self.ui.mappingText.setPlainText(self._mapping_text())
        self._run(lambda progress, cancel: run_import(ledger, actor, options, progress=progress, cancel=cancel),
                  self._previewed)

    def _mapping_text(self) -> str:
        """The mapping in words, the same lines the command line's dry run prints."""
        assert self.ledger is not None
        lines = [self.ledger.sheet.sheets_read(), "列的对应：" + "；".join(mapping_lines(self.ledger))]
        if self.matches:
            skipped = {v for v, combo in self.service_combos.items() if combo.currentText() == SKIP_SERVICE}
            lines.append("业务的对应：" + "；".join(
                f"“{m.value}”（{m.rows}行）→ {SKIP_SERVICE}" if m.value in skipped else m.line() for m in self.matches))
        return "\n".join(line for line in lines if line)

    # ------------------------------------------------------------ step 3: the preview

    def _options(self, *, dry_run: bool) -> ImportOptions:
        return ImportOptions(dry_run=dry_run, valid_only=self.ui.validOnlyCheck.isChecked(),
                             update_existing=self.kind == RESIDENTS and self.ui.updateExistingCheck.isChecked())

    def _previewed(self, report: ImportReport) -> None:
        assert self.ledger is not None
        self.preview = report
        if report.notes:  # what an update would change, each resident in words, as the command line says it
            self.ui.mappingText.setPlainText("\n".join([self._mapping_text(), *report.notes]))
        self.model = PreviewModel(self.ledger, report)
        self.ui.previewTable.setModel(self.model)
        self.ui.previewTable.resizeColumnsToContents()
        self.ui.previewTable.horizontalHeader().setStretchLastSection(True)
        bad = len(report.bad_rows)
        text = report.summary()
        if bad:
            text += " 有问题的行以红色标出，鼠标停在行上可看原因。可修改文件后重新选择，或勾选“只导入正确的行”。"
        if max(bad, len(self.ledger.sheet.rows)) > PREVIEW_ROWS:
            text += f" 表中只列出前 {PREVIEW_ROWS:,} 行。"
        self.ui.previewSummary.setText(text)
        self.ui.badOnlyCheck.setChecked(False)
        self._buttons()

    def _update_toggled(self, _checked: bool) -> None:
        """更新档案 changes what the import would do, so a preview on screen is checked again: the counts
        and the list of changes it shows are then those the import will make."""
        if self.ui.pages.currentIndex() == PREVIEW and self.ledger is not None and self.worker is None:
            self._start_preview()

    def _bad_only(self, checked: bool) -> None:
        if self.model is not None:
            self.model.show_bad_only(checked)

    # ------------------------------------------------------------ step 4: the import

    def start_import(self) -> None:
        assert self.ledger is not None and self.preview is not None
        if self.preview.problems and not self.ui.validOnlyCheck.isChecked():
            self.ui.messageLabel.setText(
                f"有 {len(self.preview.bad_rows)} 行有问题。请修改文件后重新导入，或勾选“只导入正确的行”。")
            return
        ledger, actor, options = self.ledger, self.ctx.staff, self._options(dry_run=False)
        self._go(RESULT)
        self.ui.resultSummary.setText("正在导入…")
        self.ui.resultText.setPlainText("")
        self._run(lambda progress, cancel: run_import(ledger, actor, options, progress=progress, cancel=cancel),
                  self._imported, failed=self._import_failed, cancelled=lambda: self._import_failed(f"导入{STOPPED}"))

    def _imported(self, report: ImportReport) -> None:
        self.report = report
        self.ui.resultSummary.setText(report.summary())
        self.ui.resultText.setPlainText("\n".join([*report.problem_lines(), *report.notes]))
        if report.written:
            self.ctx.bus.data_changed.emit(AREA[report.kind])
        self.finished_import.emit(report)

    def _import_failed(self, message: str) -> None:
        self.ui.resultSummary.setText(message)

    # ------------------------------------------------------------ the worker

    def _run(self, job: Work, done: Callable[[Any], None], *, failed: Callable[[str], None] | None = None,
             cancelled: Callable[[], None] | None = None) -> None:
        self.ui.progressBar.setRange(0, 0)

        def ending(callback: Callable[..., None]) -> Callable[..., None]:
            def end(*args: Any) -> None:
                # A step that starts the next one from its result (services matched -> preview) puts
                # the next op in ``self.worker``; only the one that ended is let go.
                if self.worker is op:
                    self.worker = None
                callback(*args)
                self._buttons()
            return end

        op = BackgroundOp(self, job, done=ending(done), failed=ending(failed or self.ui.messageLabel.setText),
                          cancelled=ending(cancelled or (lambda: self.ui.messageLabel.setText(STOPPED))),
                          progress=self._progress)
        self.worker = op
        self._buttons()
        op.start()

    def _progress(self, done: int, total: int) -> None:
        self.ui.progressBar.setRange(0, max(total, 1))
        self.ui.progressBar.setValue(done)

    def cancel(self) -> None:
        """Stop the running step (nothing is written), or close the wizard when nothing runs."""
        if self.worker is not None:
            self.worker.cancel()
            return
        self.reject()

    def reject(self) -> None:
        """Closing stops a running step; its answer is dropped once the wizard is gone, so nothing waits."""
        if self.worker is not None:
            self.worker.cancel()
        super().reject()


def column_names(ledger: ledger_read.Ledger) -> dict[str, str]:
    """Each column name the file uses (normalised) -> how the mapping page shows it: with its real
    place on each sheet (第4列 on one sheet; “2月”第4列 when several), never a number past a sheet's end."""
    parts = ledger.sheet.parts
    places: dict[str, list[str]] = {}
    shown: dict[str, str] = {}
    for part in parts:
        for i, header in enumerate(part.headers):
            name = normalise_header(header)
            if not name:
                continue
            shown.setdefault(name, header)
            virtual = part.by_sheet_name and i == len(part.headers) - 1
            place = "工作表名称" if virtual else f"第{i + 1}列"
            places.setdefault(name, []).append(f"“{part.name}”{place}" if len(parts) > 1 else place)
    if len(parts) == 1:
        return {name: f"{places[name][0]}：{header}" for name, header in shown.items()}
    return {name: f"{header}（{'、'.join(places[name])}）" for name, header in shown.items()}


def first_headers(ledger: ledger_read.Ledger) -> dict[str, str]:
    """Column key -> the file's name for its column, on the first sheet that has one."""
    found: dict[str, str] = {}
    for part in ledger.sheet.parts:
        for key, index in part.fields.items():
            found.setdefault(key, part.headers[index])
    return found


def open_import_wizard(ctx: AppContext, parent: QWidget | None) -> QDialog:
    """Show the import wizard (non-modal, so the counter stays usable) and return it."""
    wizard = ImportWizard(ctx, parent)
    wizard.show()
    return wizard
