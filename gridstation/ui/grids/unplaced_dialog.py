"""待归属地址: the residents' addresses that match no building of the register, one row per building
however it was written, so the head places a whole address at once (登记为楼栋) instead of each resident by
hand. Stations that upgraded, or registered residents before their grids, start with this list."""

from __future__ import annotations

from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QDialog, QLabel, QPushButton, QTableView, QWidget

from gridstation.core.grids import places
from gridstation.core.station.topics import Topic
from gridstation.core.storage import models as m
from gridstation.ui.common.context import AppContext
from gridstation.ui.common.feedback import show_message
from gridstation.ui.common.forms import Form
from gridstation.ui.common.table_model import Column, PagedTableModel, setup_table
from gridstation.ui.grids.grid_dialogs import WIDTH, BuildingDialog


class UnplacedDialogForm(Form):
    FORM = "unplaced_dialog.ui"
    questionLabel: QLabel
    addressTable: QTableView
    messageLabel: QLabel
    addBuildingButton: QPushButton
    cancelButton: QPushButton


class UnplacedDialog(QDialog, UnplacedDialogForm):
    """The list, loaded off the GUI thread (a station may have thousands of residents to place); Ctrl+B
    opens 新增楼栋 filled with the address, in ``grid`` (the page's chosen grid) unless the head picks
    another; once saved the list loads again without the placed address."""

    def __init__(self, ctx: AppContext, grid: m.Grid | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.grid = grid
        self.setWindowTitle("待归属地址")
        self.setup_form()
        self.setMinimumWidth(WIDTH)
        self.addresses = PagedTableModel(
            [Column("小区", lambda a: a.compound), Column("楼栋（居民所写）", lambda a: a.building or "（未写楼栋）"),
             Column("居民", lambda a: a.residents), Column("其中未选网格", lambda a: a.without_grid),
             Column("居民姓名", lambda a: a.names)],
            query=lambda: places.unplaced_addresses)
        setup_table(self.addressTable, self.addresses)
        self.addresses.load_failed.connect(lambda text: show_message(self.messageLabel, "error", text))
        self.addBuildingButton.clicked.connect(self.add_building)
        self.cancelButton.clicked.connect(self.reject)
        QShortcut(QKeySequence("Ctrl+B"), self, self.add_building)
        ctx.bus.data_changed.connect(self._changed)
        self.addresses.reload()
        self.addressTable.setFocus()

    def _changed(self, topic: Topic) -> None:
        if topic in (Topic.GRIDS, Topic.RESIDENT):
            self.addresses.reload()

    def add_building(self) -> None:
        row = self.addressTable.currentIndex().row()
        if not 0 <= row < len(self.addresses.rows):
            show_message(self.messageLabel, "error", "请先在列表中选择一个地址。")
            return
        address = self.addresses.rows[row]
        if not address.key:
            show_message(self.messageLabel, "error",
                         f"这{address.residents}位居民的地址没有写明小区和楼栋，请在居民档案中补全地址。")
            return
        dialog = BuildingDialog(self.ctx, self.grid, address=(address.compound, address.building), parent=self)
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
