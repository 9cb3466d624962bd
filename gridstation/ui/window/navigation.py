"""The navigation: one entry per page, imported only when first shown (keeps start-up light)."""

from __future__ import annotations

import importlib
from dataclasses import dataclass


@dataclass(frozen=True)
class PageSpec:
    key: str
    title: str
    icon: str  # QtAwesome name
    target: str  # "module:Class"
    min_role: str = "clerk"

    def load(self) -> type:
        module, _, cls = self.target.partition(":")
        return getattr(importlib.import_module(module), cls)


PAGES: list[PageSpec] = [
    PageSpec("intake", "受理", "fa5s.file-signature", "gridstation.ui.intake.intake_page:IntakePage"),
    PageSpec("residents", "居民", "fa5s.users", "gridstation.ui.intake.residents_page:ResidentsPage"),
    PageSpec("tools", "工具箱", "fa5s.toolbox", "gridstation.ui.toolbox.tools_page:ToolsPage"),
    PageSpec("stats", "统计", "fa5s.chart-bar", "gridstation.ui.statistics.stats_page:StatsPage", "head"),
    PageSpec("settings", "设置", "fa5s.cog", "gridstation.ui.station.settings_page:SettingsPage"),
    PageSpec("events", "网格事件", "fa5s.map-marked-alt", "gridstation.ui.events.events_page:EventsPage"),
    PageSpec("grids", "网格", "fa5s.sitemap", "gridstation.ui.grids.grid_page:GridPage"),
]
