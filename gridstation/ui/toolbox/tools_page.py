"""工具箱: the shared tool box page. Six tabs, each run from the keyboard and a scanner.

F2 查找居民 · F4 扫描借出 · F5 借出 · F6 归还 · F7 逾期 · F8 工具 · F9 预约 · F10 盘点 ·
Ctrl+Enter saves the current tab · Esc clears the loan · Ctrl+R renews at return · Ctrl+D shows an
overdue borrower's phone · Del removes from the basket, cancels a reservation. Each tab's own buttons
carry their keys, live only while the tab shows (Alt+E exports where the cursor sits in a text box: on
X11 a text box takes Ctrl+E as "end of line"; Ctrl+P prints, Ctrl+N starts a stock-take anew). The page's
keys above are given to no button: a key claimed twice goes dead as ambiguous.
The tabs call only ``gridstation.core.toolbox`` (tool_units, lending, returns, reservations, loan_lists,
tool_stocktake); lists page through them.
Each tab is its own widget with its own form (forms/tools_lend.ui … tools_stock.ui); this page holds the
tab bar and the shortcuts that span the tabs.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QTableView, QTabWidget, QVBoxLayout, QWidget

from gridstation.core.station.topics import Topic
from gridstation.ui.common.context import AppContext
from gridstation.ui.common.forms import Form
from gridstation.ui.toolbox.tools_catalogue import CatalogueTab
from gridstation.ui.toolbox.tools_followup import OverdueTab, ReserveTab, StockTab
from gridstation.ui.toolbox.tools_lending import LendTab, ReturnTab
from gridstation.ui.toolbox.tools_widgets import selected_row

LEND, RETURN, OVERDUE, CATALOGUE, RESERVE, STOCK = range(6)
OVERDUE_TITLE = "逾期 (F7)"


class ToolsPageForm(Form):
    FORM = "tools_page.ui"
    catalogueTab: QWidget
    lendTab: QWidget
    overdueTab: QWidget
    reserveTab: QWidget
    returnTab: QWidget
    stockTab: QWidget
    tabs: QTabWidget


class ToolsPage(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.ui = ToolsPageForm.load(self)
        self.lending = LendTab(self, ctx, self.ui.lendTab)
        self.returns = ReturnTab(self, ctx, self.ui.returnTab)
        self.overdue = OverdueTab(self, ctx, self.ui.overdueTab)
        self.catalogue = CatalogueTab(self, ctx, self.ui.catalogueTab)
        self.reserve = ReserveTab(self, ctx, self.ui.reserveTab)
        self.stock = StockTab(self, ctx, self.ui.stockTab)
        tabs = (self.lending, self.returns, self.overdue, self.catalogue, self.reserve, self.stock)
        self.ui.include(*(tab.ui for tab in tabs))  # page.ui.lendScanEdit: each tab's widgets through the page's form
        for tab in tabs:
            # each tab fills its page of the tab widget, inside the style's margins as the one form had
            QVBoxLayout(tab.parentWidget()).addWidget(tab)
        self._shortcuts()
        self.ui.tabs.currentChanged.connect(lambda _i: self._tab_shown())
        self.ctx.bus.data_changed.connect(self._data_changed)
        self.overdue.counted.connect(self._show_overdue_count)
        self.refresh()

    def _shortcuts(self) -> None:
        pairs = [
            ("F2", lambda: (self.show_tab(LEND), self.lending.picker.focus_search())),
            ("F4", lambda: self.show_tab(LEND)),
            ("Ctrl+Return", self.save_current),
            ("Ctrl+Enter", self.save_current),
            ("Esc", self._escape),
            ("Ctrl+R", lambda: self.ui.tabs.currentIndex() == RETURN and self.returns.renew()),
            ("Ctrl+D", lambda: self.ui.tabs.currentIndex() == OVERDUE and self.overdue.reveal_phone()),
        ] + [(f"F{5 + tab}", lambda tab=tab: self.show_tab(tab)) for tab in range(6)]
        for key, slot in pairs:
            QShortcut(QKeySequence(key), self, activated=slot, context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        for table, slot in ((self.lending.ui.basketTable, self.lending.remove_selected),
                            (self.reserve.ui.reservationsTable, self.reserve.cancel)):
            QShortcut(QKeySequence(Qt.Key.Key_Delete), table, activated=slot, context=Qt.ShortcutContext.WidgetShortcut)

    def show_tab(self, tab: int) -> None:
        """Switch tab and put the cursor where the scanner types."""
        if self.ui.tabs.currentIndex() != tab:
            self.ui.tabs.setCurrentIndex(tab)
        else:
            self.focus_start()

    def focus_start(self) -> None:
        """The cursor where the scanner types (or the list to walk) on the tab in view."""
        field = {LEND: self.lending.ui.lendScanEdit, RETURN: self.returns.ui.returnScanEdit,
                 OVERDUE: self.overdue.ui.overdueTable, CATALOGUE: self.catalogue.ui.kindsTable,
                 RESERVE: self.reserve.picker.edit, STOCK: self.stock.ui.stockScanEdit}[self.ui.tabs.currentIndex()]
        field.setFocus()
        if isinstance(field, QTableView) and selected_row(field) < 0 and field.model().rowCount():
            field.selectRow(0)  # the row the cursor is on is the one 记录催还 and Ctrl+D act on

    def save_current(self) -> None:
        tab = self.ui.tabs.currentIndex()
        if tab == LEND:
            self.lending.lend()
        elif tab == RETURN:
            self.returns.confirm()
        elif tab == OVERDUE:
            self.overdue.record_reminder()
        elif tab == RESERVE:
            self.reserve.reserve()
        elif tab == STOCK:
            self.stock.finish()

    def _escape(self) -> None:
        if self.ui.tabs.currentIndex() == LEND:
            self.lending.clear()

    def _tab_shown(self) -> None:
        self.refresh()
        self.focus_start()

    def _data_changed(self, area: Topic) -> None:
        if area in (Topic.TOOLS, Topic.RESIDENT, Topic.SETTINGS) and self.isVisible():  # a hidden page reloads when shown
            self.refresh()

    def refresh(self) -> None:
        """Reload what the visible tab shows and the overdue count in its tab title (in the background)."""
        tab = self.ui.tabs.currentIndex()
        if tab == LEND:
            self.lending.refresh()
        elif tab == CATALOGUE:
            self.catalogue.refresh()
        elif tab == RESERVE:
            self.reserve.refresh()
        self.overdue.refresh()

    def _show_overdue_count(self, count: int) -> None:
        self.ui.tabs.setTabText(OVERDUE, f"{OVERDUE_TITLE} · {count}" if count else OVERDUE_TITLE)
