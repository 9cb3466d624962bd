"""The grid register's dialogs, each from its own Designer form: a grid, a building, a person, a role,
a day something ends, and a target something moves to (合并到…, 移到其他网格, 交接).

Each saves with Ctrl+S through ``@one_at_a_time`` by calling one core service; a refusal is the
service's Chinese line under the form, gone once the field it names is changed; a save announces
``Topic.GRIDS`` so the page (and every other window) reloads.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

from gridstation.core.grids import boundaries, overview, people, places, register, rules
from gridstation.core.rules import clock
from gridstation.core.rules.errors import DomainError
from gridstation.core.station.topics import Topic
from gridstation.core.storage import models as m
from gridstation.ui.common.context import AppContext
from gridstation.ui.common.feedback import ask_before_discarding, show_message
from gridstation.ui.common.forms import Form
from gridstation.ui.common.saving import one_at_a_time

COMMUNITY = "（社区，无上级网格）"
WIDTH = 520  # room for a grid's label with its code, and for the question a move asks


class _SaveDialog(QDialog):
    """A dialog whose Ctrl+S (or 保存) calls one service; Esc (or 取消) closes it with nothing stored.

    A base, not a dialog of its own: each subclass is also its Designer form (``setup_form``) and gives
    ``store``, the one service call its 保存 makes."""

    messageLabel: QLabel
    saveButton: QPushButton
    cancelButton: QPushButton
    store: Callable[[], object]  # each subclass's own method

    def __init__(self, ctx: AppContext, title: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.stored: object = None
        self._as_opened: tuple | None = None
        self.setWindowTitle(title)
        self.setup_form()  # type: ignore[attr-defined] - every subclass is also its Form
        self.setMinimumWidth(WIDTH)
        self.saveButton.clicked.connect(self.save)
        self.cancelButton.clicked.connect(self.reject)
        QShortcut(QKeySequence("Ctrl+S"), self, self.save)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        if self._as_opened is None:  # filled by now: what an untouched form holds
            self._as_opened = self._entered()
        super().showEvent(event)

    def _entered(self) -> tuple:
        """What the fields hold, to tell a half-typed form from an untouched one."""
        values: list[object] = []
        for widget in self.findChildren(QWidget):
            if isinstance(widget, QLineEdit):  # an editable list's text and a date's are line edits too
                values.append(widget.text())
            elif isinstance(widget, QPlainTextEdit):
                values.append(widget.toPlainText())
            elif isinstance(widget, QComboBox):
                values.append(widget.currentIndex())
            elif isinstance(widget, QCheckBox):
                values.append(widget.isChecked())
        return tuple(values)

    def reject(self) -> None:
        """Esc, 取消 or the window's close: with something typed and not saved, ask first."""
        if self._as_opened is None or self._entered() == self._as_opened:
            super().reject()
        else:
            ask_before_discarding(self, super().reject)

    def fields(self) -> dict[str, QWidget]:
        """The widget each of the service's field names stands for, so a refusal clears when it changes."""
        return {}

    @one_at_a_time
    def save(self) -> object:
        try:
            stored = self.store()
        except DomainError as exc:
            show_message(self.messageLabel, "error", exc.message, self.fields().get(exc.field or ""))
            return None
        self.stored = stored
        self.ctx.bus.data_changed.emit(Topic.GRIDS)
        self.accept()
        return stored


def _fill(combo: QComboBox, items: Sequence[tuple[str, object]], current: object = None) -> None:
    for text, data in items:
        combo.addItem(text, data)
    if current is not None:
        combo.setCurrentIndex(max(0, combo.findData(current)))


def _day(box: QDateEdit) -> dt.date:
    return box.date().toPython()


class GridDialogForm(Form):
    FORM = "grid_dialog.ui"
    nameEdit: QLineEdit
    codeEdit: QLineEdit
    levelCombo: QComboBox
    kindCombo: QComboBox
    parentCombo: QComboBox
    scopeEdit: QPlainTextEdit
    openedEdit: QDateEdit
    messageLabel: QLabel
    saveButton: QPushButton
    cancelButton: QPushButton


class GridDialog(_SaveDialog, GridDialogForm):
    """新增网格 (under the grid chosen on the page) or 修改 (the grid chosen)."""

    def __init__(self, ctx: AppContext, *, grid: m.Grid | None = None, parent_grid: m.Grid | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(ctx, "修改网格" if grid else "新增网格", parent)
        self.grid = grid
        listed = register.grid_choices()
        if grid is None and parent_grid is not None and parent_grid.level == rules.LEVELS[-1]:
            parent_grid = parent_grid.parent if parent_grid.parent_id else None  # nothing lies below 五级: a sibling
        above = grid.parent if grid is not None and grid.parent_id else parent_grid
        above_label = next((label for label, grid_id in listed if above and grid_id == above.id), "")
        choices = [(label, label) for label, grid_id in listed if grid is None or grid_id != grid.id]
        _fill(self.parentCombo, [(COMMUNITY, ""), *choices], above_label)
        self.levelCombo.addItems(rules.LEVELS)
        self.kindCombo.addItems(rules.KINDS)
        self.openedEdit.setDate(QDate(clock.today()))
        if grid is not None:
            self.nameEdit.setText(grid.name)
            self.codeEdit.setText(grid.code or "")
            self.levelCombo.setCurrentText(grid.level)
            self.kindCombo.setCurrentIndex(max(0, self.kindCombo.findText(grid.kind)))
            self.scopeEdit.setPlainText(grid.scope)
            if grid.opened_on:
                self.openedEdit.setDate(QDate(grid.opened_on))
        elif parent_grid is not None:  # a child is a level below its parent, as the seeds divide them
            below = rules.LEVELS.index(parent_grid.level) + 1 if parent_grid.level in rules.LEVELS else 1
            self.levelCombo.setCurrentIndex(min(below, len(rules.LEVELS) - 1))
        self.nameEdit.setFocus()

    def fields(self) -> dict[str, QWidget]:
        return {"name": self.nameEdit, "code": self.codeEdit, "level": self.levelCombo, "kind": self.kindCombo,
                "parent": self.parentCombo, "grid": self.parentCombo, "scope": self.scopeEdit}

    def store(self) -> m.Grid:
        data = register.GridInput(name=self.nameEdit.text(), level=self.levelCombo.currentText(),
                                  kind=self.kindCombo.currentText(), parent=self.parentCombo.currentData() or "",
                                  code=self.codeEdit.text(), scope=self.scopeEdit.toPlainText(),
                                  opened_on=_day(self.openedEdit))
        if self.grid is None:
            return register.add_grid(self.ctx.staff, data)
        return register.edit_grid(self.ctx.staff, self.grid.id, data)


class BuildingDialogForm(Form):
    FORM = "building_dialog.ui"
    compoundEdit: QLineEdit
    numberEdit: QLineEdit
    gridCombo: QComboBox
    householdsSpin: QSpinBox
    companyEdit: QLineEdit
    contactEdit: QLineEdit
    messageLabel: QLabel
    saveButton: QPushButton
    cancelButton: QPushButton


class BuildingDialog(_SaveDialog, BuildingDialogForm):
    """新增楼栋 in the grid chosen, or 修改楼栋; the residents at its address follow it."""

    def __init__(self, ctx: AppContext, grid: m.Grid | None, *, building: m.Building | None = None,
                 address: tuple[str, str] | None = None, parent: QWidget | None = None) -> None:
        super().__init__(ctx, "修改楼栋" if building else "新增楼栋", parent)
        self.building = building
        choices = register.grid_choices()
        _fill(self.gridCombo, [(label, label) for label, _id in choices],
              next((label for label, grid_id in choices if grid and grid_id == grid.id), None))
        if address is not None:  # 待归属地址: the compound and building as the residents wrote them
            self.compoundEdit.setText(address[0])
            self.numberEdit.setText(address[1])
        if building is not None:
            self.compoundEdit.setText(building.compound)
            self.numberEdit.setText(building.number)
            self.householdsSpin.setValue(building.households)
            self.companyEdit.setText(building.property_company)
            self.contactEdit.setText(building.property_contact)
        (self.gridCombo if address else self.compoundEdit).setFocus()

    def fields(self) -> dict[str, QWidget]:
        return {"compound": self.compoundEdit, "number": self.numberEdit, "grid": self.gridCombo,
                "households": self.householdsSpin, "property_company": self.companyEdit,
                "property_contact": self.contactEdit}

    def store(self) -> m.Building:
        data = places.BuildingInput(self.compoundEdit.text(), self.numberEdit.text(), self.gridCombo.currentData() or "",
                                    self.householdsSpin.value(), self.companyEdit.text(), self.contactEdit.text())
        if self.building is None:
            return places.add_building(self.ctx.staff, data)
        return places.edit_building(self.ctx.staff, self.building.id, data)


class PersonDialogForm(Form):
    FORM = "person_dialog.ui"
    nameEdit: QLineEdit
    phoneEdit: QLineEdit
    publicCheck: QCheckBox
    staffCombo: QComboBox
    noteEdit: QLineEdit
    messageLabel: QLabel
    saveButton: QPushButton
    cancelButton: QPushButton


class PersonDialog(_SaveDialog, PersonDialogForm):
    """新增人员, or 修改人员 for ``person``: the name, the phone and the consent to publish it (the day it was
    given is kept while it stands), the login account they use if they have one."""

    def __init__(self, ctx: AppContext, *, person: m.Person | None = None, parent: QWidget | None = None) -> None:
        super().__init__(ctx, "修改人员" if person else "新增人员", parent)
        self.person = person
        _fill(self.staffCombo, [("（无登录账号）", None), *overview.staff_choices(person.staff_id if person else None)],
              person.staff_id if person else None)
        if person is not None:
            self.nameEdit.setText(person.name)
            self.phoneEdit.setText(person.phone)
            self.publicCheck.setChecked(person.phone_public)
            self.noteEdit.setText(person.note)
        self.nameEdit.setFocus()

    def fields(self) -> dict[str, QWidget]:
        return {"name": self.nameEdit, "phone": self.phoneEdit, "staff": self.staffCombo, "note": self.noteEdit}

    def store(self) -> m.Person:
        data = people.PersonInput(
            name=self.nameEdit.text(), phone=self.phoneEdit.text(), phone_public=self.publicCheck.isChecked(),
            staff_id=self.staffCombo.currentData(), resident_id=self.person.resident_id if self.person else None,
            note=self.noteEdit.text())
        if self.person is None:
            return people.add_person(self.ctx.staff, data)
        return people.edit_person(self.ctx.staff, self.person.id, data)


class UnitDialogForm(Form):
    FORM = "unit_dialog.ui"
    questionLabel: QLabel
    unitEdit: QLineEdit
    gridCombo: QComboBox
    messageLabel: QLabel
    saveButton: QPushButton
    cancelButton: QPushButton


class UnitDialog(_SaveDialog, UnitDialogForm):
    """设置单元: a unit of a building, in its building's grid or a micro-grid of its own (五级网格 often are
    one unit); its residents follow, and an existing unit typed again is changed, not doubled."""

    def __init__(self, ctx: AppContext, building_id: int, label: str, units: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(ctx, f"设置单元：{label}", parent)
        self.building_id = building_id
        self.questionLabel.setText(f"{label}已有单元：{units or '（无）'}。输入单元号；选“跟随楼栋”则归楼栋所在网格。")
        _fill(self.gridCombo, [("跟随楼栋", ""), *((text, text) for text, _grid_id in register.grid_choices())])
        self.unitEdit.setFocus()

    def fields(self) -> dict[str, QWidget]:
        return {"unit": self.unitEdit, "grid": self.gridCombo}

    def store(self) -> m.Unit:
        return places.set_unit(self.ctx.staff, self.building_id, self.unitEdit.text(), self.gridCombo.currentData())


class RoleDialogForm(Form):
    FORM = "role_dialog.ui"
    personCombo: QComboBox
    roleCombo: QComboBox
    placeCombo: QComboBox
    startEdit: QDateEdit
    messageLabel: QLabel
    saveButton: QPushButton
    cancelButton: QPushButton


class RoleDialog(_SaveDialog, RoleDialogForm):
    """任命角色: a person serves the chosen grid, or one of its buildings, in a role from a day."""

    def __init__(self, ctx: AppContext, grid: m.Grid, *, person_id: int | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(ctx, f"任命角色：{grid.name}", parent)
        self.grid = grid
        _fill(self.personCombo, overview.person_choices(), person_id)
        self.roleCombo.addItems(rules.ROLES)
        _fill(self.placeCombo, [("整个网格", None), *((row.label, row.id) for row in overview.buildings(grid.id))])
        self.startEdit.setDate(QDate(clock.today()))
        (self.roleCombo if person_id is not None else self.personCombo).setFocus()

    def fields(self) -> dict[str, QWidget]:
        return {"role": self.roleCombo, "grid": self.placeCombo, "person": self.personCombo}

    def store(self) -> m.PersonRole:
        person_id = self.personCombo.currentData()
        if person_id is None:
            raise DomainError("请先新增人员（Ctrl+Shift+N），再为其任命角色。", field="person")
        return people.assign_role(self.ctx.staff, person_id, people.RoleInput(
            role=self.roleCombo.currentText(), grid=self.grid.code or self.grid.name,
            building_id=self.placeCombo.currentData(), started_on=_day(self.startEdit)))


class GridDateDialogForm(Form):
    FORM = "grid_date_dialog.ui"
    questionLabel: QLabel
    dateEdit: QDateEdit
    messageLabel: QLabel
    saveButton: QPushButton
    cancelButton: QPushButton


class GridDateDialog(_SaveDialog, GridDateDialogForm):
    """撤销网格 / 结束角色: what ends (said in the question) and the day it ends (today unless changed)."""

    def __init__(self, ctx: AppContext, title: str, question: str, act: Callable[[dt.date], object],
                 parent: QWidget | None = None) -> None:
        super().__init__(ctx, title, parent)
        self.act = act
        self.questionLabel.setText(question)
        self.dateEdit.setDate(QDate(clock.today()))
        self.dateEdit.setFocus()

    def fields(self) -> dict[str, QWidget]:
        return {"closed_on": self.dateEdit, "ended_on": self.dateEdit}

    def store(self) -> object:
        return self.act(_day(self.dateEdit))


class GridChooseDialogForm(Form):
    FORM = "grid_choose_dialog.ui"
    questionLabel: QLabel
    targetCombo: QComboBox
    messageLabel: QLabel
    saveButton: QPushButton
    cancelButton: QPushButton


class GridChooseDialog(_SaveDialog, GridChooseDialogForm):
    """合并到… / 移到其他网格 / 交接: the target chosen from a list; the question says what will move. The list
    starts on 「（请选择）」: Ctrl+S at once must not merge or hand over to whatever came first."""

    def __init__(self, ctx: AppContext, title: str, question: str, choices: Sequence[tuple[str, object]],
                 act: Callable[[object], object], parent: QWidget | None = None) -> None:
        super().__init__(ctx, title, parent)
        self.act = act
        self.questionLabel.setText(question)
        _fill(self.targetCombo, [("（请选择）", None), *choices])
        self.targetCombo.setFocus()

    def fields(self) -> dict[str, QWidget]:
        return {"grid": self.targetCombo, "successor": self.targetCombo}

    def store(self) -> object:
        if self.targetCombo.currentData() is None:
            raise DomainError("请先选择。", field="grid")
        return self.act(self.targetCombo.currentData())


class SplitDialogForm(Form):
    FORM = "split_dialog.ui"
    questionLabel: QLabel
    nameEdit: QLineEdit
    placeCombo: QComboBox
    buildingList: QListWidget
    messageLabel: QLabel
    saveButton: QPushButton
    cancelButton: QPushButton


class SplitDialog(_SaveDialog, SplitDialogForm):
    """拆分网格: one new grid at a time, beside the old one or under it (a grid divided into micro-grids),
    with the buildings ticked moving into it; the old grid stays until it is empty and the head closes it,
    so every step keeps its history (``boundaries.split_grid``)."""

    def __init__(self, ctx: AppContext, grid: m.Grid, parent: QWidget | None = None) -> None:
        super().__init__(ctx, f"拆分网格：{grid.name}", parent)
        self.grid = grid
        self.questionLabel.setText(f"从“{register.grid_label(grid)}”拆出一个新网格：")
        above = grid.parent.code if grid.parent_id else ""
        _fill(self.placeCombo, [(f"与原网格同级（{grid.level}）", (above, grid.level)),
                                (f"作为原网格的下级（{rules.level_under(grid.level)}）",
                                 (grid.code or grid.name, rules.level_under(grid.level)))])
        for row in overview.buildings(grid.id):
            item = QListWidgetItem(f"{row.label}　在册居民{row.residents}人")
            item.setData(Qt.ItemDataRole.UserRole, row.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.buildingList.addItem(item)
        self.buildingList.setCurrentRow(0)
        self.nameEdit.setFocus()

    def fields(self) -> dict[str, QWidget]:
        return {"name": self.nameEdit, "level": self.placeCombo, "parent": self.placeCombo}

    def store(self) -> list[m.Grid]:
        parent, level = self.placeCombo.currentData()
        chosen = [self.buildingList.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.buildingList.count())
                  if self.buildingList.item(i).checkState() == Qt.CheckState.Checked]
        part = boundaries.SplitPart(register.GridInput(name=self.nameEdit.text(), level=level, kind=self.grid.kind,
                                                       parent=parent), chosen)
        return boundaries.split_grid(self.ctx.staff, self.grid.id, [part], close=False)
