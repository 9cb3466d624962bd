"""How the ledger code is shaped: one module per ledger kind for import and for export, none over 600
lines, and an intake ledger's rows created by the same function as the counter's intakes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from gridstation.core.intake import intakes, residents
from gridstation.core.ledgers import column_choices, ledger_export, ledger_import
from gridstation.core.station import catalog
from tests.core.ledgers.test_ledger_import import ZHANG, xlsx

LEDGERS = Path(ledger_import.__file__).parent


def test_no_ledger_module_is_over_600_lines():
    long = {str(p.relative_to(LEDGERS)): n for p in LEDGERS.rglob("*.py")
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > 600}
    assert long == {}


def test_each_ledger_kind_has_its_own_import_and_export_module():
    importers = {kind: importer.__module__ for kind, importer in ledger_import.IMPORTERS.items()}
    assert len(set(importers.values())) == len(importers)
    assert all(module.startswith("gridstation.core.ledgers.importers.") for module in importers.values())
    exporters = {kind: export.__name__ for kind, export in ledger_export.EXPORTS.items()}
    assert len(set(exporters.values())) == len(exporters)
    assert all(module.startswith("gridstation.core.ledgers.exporters.") for module in exporters.values())


def test_an_intake_row_is_created_by_the_counters_own_function(admin, tmp_path, monkeypatch):
    """The import used to copy create_intake's body; now both go through intakes.add_intake."""
    residents.save_resident(admin, residents.ResidentInput(name="张三", doc_number=ZHANG))
    calls = []
    real = intakes.add_intake

    def spy(*args, **kwargs):
        calls.append(kwargs.get("audit_action", "新建受理"))
        return real(*args, **kwargs)

    monkeypatch.setattr(intakes, "add_intake", spy)
    path = xlsx(tmp_path / "受理.xlsx", [["受理日期", "身份证号", "业务类型", "材料已核验"],
                                        ["2024-01-05 10:00", ZHANG, catalog.UNEMPLOYMENT, "是"]])
    report = ledger_import.run_import(column_choices.open_ledger(path, "intakes"), admin)
    assert report.written and report.created == 1, report.problems
    zhang = residents.find_by_document(ZHANG)
    intakes.create_intake(admin, intakes.IntakeInput(zhang.id, catalog.UNEMPLOYMENT, received_at=dt.datetime(2024, 1, 6),
                                                     details={"docs_checked": True}))
    assert calls == ["导入受理", "新建受理"]
