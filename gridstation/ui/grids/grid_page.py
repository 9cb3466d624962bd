"""The 网格 page: the grid register as a tree with its search, the chosen grid's facts, buildings and
people, and the head's changes (each a dialog of ``grid_dialogs``), the 公示牌 and the 分布表.

Everyone reads it; only the head sees the buttons that change it (core says so through
``roles.allows``, and every service checks its role again). Keyboard first: type in 查找 (a grid's
name or code, or a building: 3栋), Enter or Down takes the cursor to the tree, the arrows move and the
right side follows. The tree is one query and each list loads in the background, so the page stays
responsive at 100 grids and 2 000 buildings.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QKeySequence, QShortcut, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QCheckBox, QDialog, QLabel, QLineEdit, QPushButton, QTableView, QTreeView, QWidget

from gridstation.core.events.handover import hand_over
from gridstation.core.grids import boundaries, overview, people, places, register
from gridstation.core.grids.choices import person_choices as choices_of_people
from gridstation.core.rules.errors import DomainError
from gridstation.core.station import printouts, roles
from gridstation.core.station.topics import Topic
from gridstation.core.storage import models as m
from gridstation.ui.common.context import AppContext
from gridstation.ui.common.feedback import show_message
from gridstation.ui.common.forms import Form
from gridstation.ui.common.printing import preview_written
from gridstation.ui.common.saving import one_at_a_time
from gridstation.ui.common.table_model import Column, Fetch, PagedTableModel, setup_table
from gridstation.ui.grids.grid_dialogs import (
    BuildingDialog,
    GridChooseDialog,
    GridDateDialog,
    GridDialog,
    PersonDialog,
    RoleDialog,
    SplitDialog,
    UnitDialog,
)
from gridstation.ui.grids.unplaced_dialog import UnplacedDialog

GRID_ID = Qt.ItemDataRole.UserRole


class GridPageForm(Form):
    FORM = "grid_page.ui"
    searchEdit: QLineEdit
    gridTree: QTreeView
    showClosedCheck: QCheckBox
    addGridButton: QPushButton
    editGridButton: QPushButton
    closeGridButton: QPushButton
    mergeButton: QPushButton
    splitButton: QPushButton
    printBoardButton: QPushButton
    printTableButton: QPushButton
    printBoardA5Button: QPushButton
    unplacedButton: QPushButton
    titleLabel: QLabel
    factsLabel: QLabel
    buildingTable: QTableView
    addBuildingButton: QPushButton
    editBuildingButton: QPushButton
    moveBuildingButton: QPushButton
    unitButton: QPushButton
    peopleTable: QTableView
    addPersonButton: QPushButton
    editPersonButton: QPushButton
    assignRoleButton: QPushButton
    endRoleButton: QPushButton
    handoverButton: QPushButton
    messageLabel: QLabel


class GridPage(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.ui = GridPageForm.load(self)
        self.matches: list[int] = []  # the grids the search names, in the tree's order
        self.tree_model = QStandardItemModel(self)
        self.ui.gridTree.setModel(self.tree_model)
        self.ui.gridTree.selectionModel().currentChanged.connect(lambda current, _old: self.show_grid(current))
        self.buildings = PagedTableModel(
            [Column("楼栋", lambda b: b.label), Column("单元", lambda b: b.units), Column("户数", lambda b: b.households),
             Column("在册居民", lambda b: b.residents), Column("物业公司", lambda b: b.property_company),
             Column("物业联系方式", lambda b: b.property_contact)], query=self._buildings_query)
        setup_table(self.ui.buildingTable, self.buildings)
        self.people = PagedTableModel(
            [Column("岗位", lambda p: p.role), Column("姓名", lambda p: p.name), Column("电话", lambda p: p.phone),
             Column("服务范围", lambda p: p.serves), Column("开始日期", lambda p: f"{p.started_on:%Y-%m-%d}")],
            query=self._people_query)
        setup_table(self.ui.peopleTable, self.people)
        for model in (self.buildings, self.people):
            model.load_failed.connect(lambda text: show_message(self.ui.messageLabel, "error", text))
        self.ui.searchEdit.textChanged.connect(lambda _text: self.fill_tree())
        self.ui.searchEdit.returnPressed.connect(self.to_tree)
        QShortcut(QKeySequence("Down"), self.ui.searchEdit, self.to_tree).setContext(Qt.ShortcutContext.WidgetShortcut)
        self.ui.showClosedCheck.toggled.connect(lambda _on: self.fill_tree())
        QShortcut(QKeySequence("F2"), self, self.focus_start)
        self._actions()
        ctx.bus.data_changed.connect(lambda topic: topic in (Topic.GRIDS, Topic.RESIDENT) and self.reload())
        self.fill_tree()

    def _actions(self) -> None:
        """The head's buttons, each with the key its text shows; for anyone else they are not there."""
        head = roles.allows(self.ctx.staff, roles.HEAD)
        ui = self.ui
        for button, keys, slot in (
                (ui.addGridButton, "Ctrl+N", self.add_grid), (ui.editGridButton, "Ctrl+E", self.edit_grid),
                (ui.closeGridButton, "Ctrl+Del", self.close_grid), (ui.mergeButton, "Ctrl+M", self.merge_grid),
                (ui.unplacedButton, "Ctrl+Shift+U", self.show_unplaced), (ui.splitButton, "Ctrl+Shift+S", self.split_grid),
                (ui.addBuildingButton, "Ctrl+B", self.add_building),
                (ui.editBuildingButton, "Ctrl+Shift+B", self.edit_building),
                (ui.moveBuildingButton, "Ctrl+Shift+M", self.move_building), (ui.unitButton, "Ctrl+U", self.set_unit),
                (ui.addPersonButton, "Ctrl+Shift+N", self.add_person),
                (ui.editPersonButton, "Ctrl+Shift+E", self.edit_person), (ui.assignRoleButton, "Ctrl+J", self.assign_role),
                (ui.endRoleButton, "Ctrl+Shift+J", self.end_role), (ui.handoverButton, "Ctrl+H", self.hand_over)):
            button.setVisible(head)
            if head:
                button.clicked.connect(slot)
                QShortcut(QKeySequence(keys), self, slot)
        for button, keys, slot in ((ui.printBoardButton, "Ctrl+P", self.print_board),
                                   (ui.printBoardA5Button, "Ctrl+Alt+P", self.print_board_a5),
                                   (ui.printTableButton, "Ctrl+Shift+P", self.print_table)):
            button.clicked.connect(slot)
            QShortcut(QKeySequence(keys), self, slot)

    # --- the tree -------------------------------------------------------------------------------------

    def focus_start(self) -> None:
        self.ui.searchEdit.setFocus()
        self.ui.searchEdit.selectAll()

    def fill_tree(self) -> None:
        """The tree afresh: with a search, the grids it names and the grids above them (to see where they are)."""
        chosen = self.grid_id()
        nodes = overview.tree(include_closed=self.ui.showClosedCheck.isChecked())
        by_id = {node.id: node for node in nodes}
        text = self.ui.searchEdit.text().strip()
        shown = set(by_id)
        self.matches = []
        if text:
            found = overview.matching(text) & set(by_id)
            self.matches = [node.id for node in nodes if node.id in found]
            shown = set()
            for grid_id in found:
                while grid_id is not None and grid_id not in shown and grid_id in by_id:
                    shown.add(grid_id)
                    grid_id = by_id[grid_id].parent_id
        self.tree_model.clear()
        items: dict[int, QStandardItem] = {}
        for node in nodes:
            if node.id in shown:
                item = QStandardItem(node.label)
                item.setData(node.id, GRID_ID)
                item.setEditable(False)
                items[node.id] = item
        for node in nodes:  # siblings keep the Chinese order the nodes come in
            if node.id in items:
                above = items.get(node.parent_id) if node.parent_id is not None else None
                (above or self.tree_model.invisibleRootItem()).appendRow(items[node.id])
        self.ui.gridTree.expandAll()
        if chosen in items and (not text or chosen in self.matches):
            self.ui.gridTree.setCurrentIndex(items[chosen].index())
        elif self.matches:  # a grid above a match is shown for context only: the cursor goes to the match
            self.ui.gridTree.setCurrentIndex(items[self.matches[0]].index())
        else:
            self.ui.gridTree.setCurrentIndex(QModelIndex())
            self.show_grid(QModelIndex())

    def to_tree(self) -> None:
        """Enter or Down in 查找: the cursor goes to the tree, on the first grid the search found."""
        tree = self.ui.gridTree
        if not tree.currentIndex().isValid() and self.tree_model.rowCount():
            tree.setCurrentIndex(self.tree_model.index(0, 0))
        tree.setFocus()

    def grid_id(self) -> int | None:
        index = self.ui.gridTree.currentIndex()
        return index.data(GRID_ID) if index.isValid() else None

    def grid(self) -> m.Grid | None:
        grid_id = self.grid_id()
        return register.get_grid(grid_id) if grid_id is not None else None

    def reload(self) -> None:
        self.fill_tree()

    # --- the chosen grid ------------------------------------------------------------------------------

    def show_grid(self, index: QModelIndex) -> None:
        grid = register.get_grid(index.data(GRID_ID)) if index.isValid() else None
        searched = self.ui.searchEdit.text().strip()
        if grid is None and searched and not self.matches:
            self.ui.titleLabel.setText(f"没有找到与“{searched}”相符的网格或楼栋")
            self.ui.factsLabel.setText("")
        elif grid is None:
            self.ui.titleLabel.setText("请在左侧选择网格" if self.tree_model.rowCount() else "还没有网格：站长可按 Ctrl+N 新增")
            self.ui.factsLabel.setText("")
        else:
            self.ui.titleLabel.setText(f"{register.grid_label(grid)}　{grid.level}{'网格' if grid.level else ''}·{grid.kind}")
            head = people.grid_head_of(grid)
            dates = f"启用 {grid.opened_on:%Y-%m-%d}" if grid.opened_on else "启用日期未记"
            if grid.closed_on:
                dates += f"，{grid.closed_on:%Y-%m-%d} 撤销"
            facts = [f"编号：{grid.code or '无'}", f"上级：{grid.parent.name if grid.parent_id else '社区'}", dates,
                     f"网格长：{head.name if head else '未任命'}"]
            self.ui.factsLabel.setText("　".join(facts) + (f"\n范围：{grid.scope}" if grid.scope else ""))
        self.buildings.reload()
        self.people.reload()

    def _buildings_query(self) -> Fetch:
        grid_id = self.grid_id()
        return lambda offset, limit: overview.buildings(grid_id)[offset:offset + limit] if grid_id else []

    def _people_query(self) -> Fetch:
        grid_id = self.grid_id()
        return lambda offset, limit: overview.people_rows(grid_id)[offset:offset + limit] if grid_id else []

    def _chosen(self, table: QTableView, model: PagedTableModel) -> object | None:
        """The row the list's cursor is on (the keyboard's choice, selected or not)."""
        row = table.currentIndex().row()
        return model.rows[row] if 0 <= row < len(model.rows) else None

    def _need_grid(self) -> m.Grid | None:
        grid = self.grid()
        if grid is None:
            show_message(self.ui.messageLabel, "error", "请先在左侧选择网格。")
        return grid

    def _open(self, dialog: QDialog, then: Callable[[Any], None] | None = None) -> QDialog:
        """A dialog, window-modal and not waited for; ``then`` gets what it stored once it has saved."""
        def finished(_result: int) -> None:
            if dialog.stored is not None:
                show_message(self.ui.messageLabel, "ok", f"已保存：{dialog.windowTitle()}。")
                if then is not None:
                    then(dialog.stored)

        dialog.finished.connect(finished)
        dialog.finished.connect(dialog.deleteLater)  # each opening is a new dialog with fresh choices
        dialog.open()
        return dialog

    # --- the head's changes -----------------------------------------------------------------------------

    def add_grid(self) -> None:
        self._open(GridDialog(self.ctx, parent_grid=self.grid(), parent=self), lambda made: self._choose(made.id))

    def _choose(self, grid_id: int) -> None:
        self.ui.searchEdit.clear()
        self.fill_tree()
        found = self.tree_model.match(self.tree_model.index(0, 0), GRID_ID, grid_id, 1,
                                      Qt.MatchFlag.MatchRecursive | Qt.MatchFlag.MatchExactly)
        if found:
            self.ui.gridTree.setCurrentIndex(found[0])
        self.ui.gridTree.setFocus()

    def edit_grid(self) -> None:
        grid = self._need_grid()
        if grid is not None:
            self._open(GridDialog(self.ctx, grid=grid, parent=self))

    def close_grid(self) -> None:
        grid = self._need_grid()
        if grid is None:
            return
        self._open(GridDateDialog(
            self.ctx, "撤销网格", f"撤销网格“{grid.name}”（{grid.code}）：它的记录保留，以往的统计不变。撤销日期：",
            lambda day: register.close_grid(self.ctx.staff, grid.id, on=day), parent=self))

    def merge_grid(self) -> None:
        grid = self._need_grid()
        if grid is None:
            return
        moves = overview.merge_moves(grid.id)
        question = (f"把“{register.grid_label(grid)}”合并到所选网格：居民{moves.residents}人、楼栋{moves.buildings}栋、"
                    f"单元{moves.units}个、网格事件{moves.events}件、岗位{moves.roles}个、下级网格{moves.grids}个"
                    f"将随之移入，“{grid.name}”随后删除（用于改正录错的网格）。")
        choices = [(label, grid_id) for label, grid_id in register.grid_choices() if grid_id != grid.id]
        self._open(GridChooseDialog(self.ctx, "合并网格", question, choices,
                                    lambda into: boundaries.merge_grids(self.ctx.staff, grid.id, into), parent=self),
                   lambda merged: self._choose(merged.id))

    def split_grid(self) -> None:
        grid = self._need_grid()
        if grid is not None:
            self._open(SplitDialog(self.ctx, grid, parent=self),
                       lambda made: self._choose(made[0].id))

    def show_unplaced(self) -> None:
        """待归属地址: residents whose address no building matches, placed by adding their building."""
        dialog = UnplacedDialog(self.ctx, self.grid(), parent=self)
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()

    def add_building(self) -> None:
        grid = self._need_grid()
        if grid is not None:
            self._open(BuildingDialog(self.ctx, grid, parent=self))

    def _need_building(self) -> overview.BuildingRow | None:
        row = self._chosen(self.ui.buildingTable, self.buildings)
        if row is None:
            show_message(self.ui.messageLabel, "error", "请先在楼栋列表中选择楼栋。")
        return row

    def edit_building(self) -> None:
        grid, row = self.grid(), self._need_building()
        if grid is not None and row is not None:
            self._open(BuildingDialog(self.ctx, grid, building=places.get_building(row.id), parent=self))

    def move_building(self) -> None:
        grid, row = self.grid(), self._need_building()
        if grid is None or row is None:
            return
        question = f"把“{row.label}”及在册居民{row.residents}人移到所选网格（记入操作日志）："
        choices = [(label, label) for label, grid_id in register.grid_choices() if grid_id != grid.id]
        self._open(GridChooseDialog(self.ctx, "移到其他网格", question, choices,
                                    lambda target: places.move_building(self.ctx.staff, row.id, target), parent=self))

    def set_unit(self) -> None:
        row = self._need_building()
        if row is not None:
            self._open(UnitDialog(self.ctx, row.id, row.label, row.units, parent=self))

    def add_person(self) -> None:
        grid = self._need_grid()
        if grid is not None:  # a person of the register serves somewhere: the role is asked for at once
            self._open(PersonDialog(self.ctx, parent=self),
                       lambda person: self._open(RoleDialog(self.ctx, grid, person_id=person.id, parent=self)))

    def assign_role(self) -> None:
        grid = self._need_grid()
        if grid is not None:
            row = self._chosen(self.ui.peopleTable, self.people)
            self._open(RoleDialog(self.ctx, grid, person_id=row.person_id if row else None, parent=self))

    def _need_person(self) -> overview.PersonRow | None:
        row = self._chosen(self.ui.peopleTable, self.people)
        if row is None:
            show_message(self.ui.messageLabel, "error", "请先在网格力量列表中选择人员。")
        return row

    def edit_person(self) -> None:
        row = self._need_person()
        if row is not None:
            self._open(PersonDialog(self.ctx, person=people.get_person(row.person_id), parent=self))

    def end_role(self) -> None:
        row = self._need_person()
        if row is not None:
            self._open(GridDateDialog(
                self.ctx, "结束角色", f"结束“{row.name}”的{row.role}（{row.serves}）岗位，记录保留。结束日期：",
                lambda day: people.end_role(self.ctx.staff, row.role_id, on=day), parent=self))

    def hand_over(self) -> None:
        row = self._need_person()
        if row is None:
            return
        held = overview.grid_roles_of(row.person_id)
        question = (f"“{row.name}”的工作交给所选接替人：" + ("、".join(held) if held else "（没有网格岗位）")
                    + "；其名下未销号的网格事件一并分派给接替人。")
        choices = [(c.label, c.person_id) for c in choices_of_people() if c.person_id != row.person_id]
        self._open(GridChooseDialog(self.ctx, "交接", question, choices,
                                    lambda successor: hand_over(self.ctx.staff, row.person_id, successor), parent=self))

    # --- printing ---------------------------------------------------------------------------------------

    def print_board(self) -> Path | None:
        """The 网格员公示牌 of the chosen grid, or of the building chosen in its list, on A4."""
        return self._print_board("A4")

    def print_board_a5(self) -> Path | None:
        """The same board on A5, the size a unit's doorway takes."""
        return self._print_board("A5")

    @one_at_a_time
    def _print_board(self, size: str) -> Path | None:
        grid = self._need_grid()
        if grid is None:
            return None
        building = self._chosen(self.ui.buildingTable, self.buildings) if self.ui.buildingTable.hasFocus() else None
        place = building.label if building else ""
        code = grid.code or grid.name

        def write(path: Path) -> Path:
            # late import: ReportLab takes most of a second to load; it loads here, off the GUI thread
            from gridstation.core.grids.board import board
            from gridstation.reports.grid_board import render_board

            return render_board(board(code, place), path, size=size)

        return self._preview(write, f"公示牌-{code}" + ("-A5" if size == "A5" else ""),
                             f"网格员公示牌 {grid.name}{place}", printouts.GRID_BOARD,
                             f"{code} {place}".strip())

    @one_at_a_time
    def print_table(self) -> Path | None:
        """The 网格责任分布表: every open grid with its buildings, households and people."""
        def write(path: Path) -> Path:
            # late import: ReportLab takes most of a second to load; it loads here, off the GUI thread
            from gridstation.core.grids.board import distribution_table
            from gridstation.reports.grid_table import render_table

            return render_table(distribution_table(), path)

        return self._preview(write, "分布表", "网格责任分布表", printouts.GRID_TABLE, printouts.ALL_LABELS)

    def _preview(self, write, stem: str, title: str, document: printouts.Document, ref: str) -> Path | None:
        try:
            return preview_written(self, self.ctx.staff, write, stem, title=title, document=document, ref=ref,
                                   dialog=f"正在生成{document.name}……")
        except DomainError as exc:
            show_message(self.ui.messageLabel, "error", exc.message)
            return None
