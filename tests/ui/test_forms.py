"""Every page and dialog loads a Designer form, and every widget its code uses is checked when the form
loads (ui/common/forms.py): here every form in forms/ and every declaration is loaded, a renamed widget
fails at once with the form and the widget named, and the code uses no widget it has not declared."""

import ast
import importlib
import inspect
import pkgutil
import re
import shutil
from pathlib import Path

import pytest
from PySide6.QtWidgets import QDialog, QGroupBox, QWidget, QWizard, QWizardPage

import gridstation.ui
from gridstation.ui.common import forms
from gridstation.ui.common.forms import Form, FormError, load_file
from gridstation.ui.events.daily_log_dialog import DailyLogDialog
from gridstation.ui.station.login_dialog import LoginDialog

ROOT = Path(__file__).resolve().parents[2]
UI = ROOT / "gridstation" / "ui"


def ui_modules() -> list[str]:
    return [info.name for info in pkgutil.walk_packages(gridstation.ui.__path__, "gridstation.ui.")]


def declared_forms() -> list[type[Form]]:
    for name in ui_modules():
        importlib.import_module(name)
    found, todo = [], list(Form.__subclasses__())
    while todo:
        cls = todo.pop()
        found.append(cls)
        todo.extend(cls.__subclasses__())
    return sorted(found, key=lambda c: (c.__module__, c.__qualname__))


def test_every_form_file_is_declared_and_loads(qtbot):
    declared = declared_forms()
    files = {path.name for path in (ROOT / "forms").glob("*.ui")}
    assert files == {cls.FORM for cls in declared}  # no form left unchecked, no declaration without its file
    for cls in declared:
        host = QWidget()
        qtbot.addWidget(host)
        widgets = cls.find_widgets(load_file(cls.FORM, host))  # raises FormError naming what is missing
        assert all(widgets.values()), cls.__qualname__
        assert widgets, f"{cls.__qualname__} declares nothing its code uses"


def windows_built_in_code() -> list[str]:
    """The dialogs, wizard pages and blocks of the ui package that lay out no form: neither a Form
    themselves (``setup_form()``) nor loading one (``SomeForm.load(self)``). A wizard is its pages."""
    declared_forms()  # imports every ui module
    found = []
    for name in ui_modules():
        for cls in vars(importlib.import_module(name)).values():
            if (inspect.isclass(cls) and cls.__module__ == name and issubclass(cls, QDialog | QWizardPage | QGroupBox)
                    and not issubclass(cls, Form | QWizard)
                    and not re.search(r"\.load\(self\b|setup_form\(", inspect.getsource(cls))):
                found.append(f"{name}.{cls.__qualname__}")
    return found


def test_every_dialog_loads_a_form():
    """登记网格事件, the event detail, the 好差评 block and 差评整改 were the last built in code."""
    assert windows_built_in_code() == []


def test_a_renamed_widget_fails_when_the_form_loads(qtbot, tmp_path, monkeypatch):
    """Renamed in Designer, the sign-in dialog's message line (used only after a wrong password) fails as
    the dialog opens, naming the form and the widget, not when a clerk mistypes."""
    original = (ROOT / "forms" / "login_dialog.ui").read_text(encoding="utf-8")
    assert original.count('name="messageLabel"') == 1
    (tmp_path / "login_dialog.ui").write_text(original.replace('name="messageLabel"', 'name="errorLabel"'),
                                              encoding="utf-8")
    monkeypatch.setattr(forms, "form_path", lambda name: tmp_path / name)
    with pytest.raises(FormError, match=r"forms/login_dialog\.ui .*messageLabel \(QLabel\): missing"):
        LoginDialog()


def test_a_widget_of_another_kind_fails_too(qtbot, tmp_path, monkeypatch):
    """A dialog that is its own form (民情日志): its table turned into a list fails at once, named."""
    shutil.copy(ROOT / "forms" / "daily_log_dialog.ui", tmp_path)
    path = tmp_path / "daily_log_dialog.ui"
    path.write_text(path.read_text(encoding="utf-8").replace('class="QTableView" name="table"',
                                                             'class="QListWidget" name="table"'), encoding="utf-8")
    monkeypatch.setattr(forms, "form_path", lambda name: tmp_path / name)
    with pytest.raises(FormError, match=r"daily_log_dialog\.ui .*DailyLogDialog.*table \(QTableView\): is a QListWidget"):
        host = QDialog()
        DailyLogDialog.find_widgets(load_file("daily_log_dialog.ui", host))


def _ui_attributes(tree: ast.AST) -> tuple[set[str], set[str]]:
    """Names the code reads from a form object: its own (``self.ui.name``, ``ui.name``,
    ``getattr(self.ui, "name")``) and another widget's (``page.ui.name``, or ``folders.name`` after
    ``folders = self.folders_page.ui``)."""
    own, others = set(), set()

    def kind(node: ast.AST) -> set[str] | None:
        if isinstance(node, ast.Attribute) and node.attr == "ui":
            return own if isinstance(node.value, ast.Name) and node.value.id == "self" else others
        return None

    aliases = {"ui": own} | {target.id: found for node in ast.walk(tree) if isinstance(node, ast.Assign)
                             and (found := kind(node.value)) is not None
                             for target in node.targets if isinstance(target, ast.Name)}

    def which(node: ast.AST) -> set[str] | None:
        return aliases.get(node.id) if isinstance(node, ast.Name) else kind(node)

    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and (names := which(node.value)) is not None:
            names.add(node.attr)
        elif (isinstance(node, ast.Call) and getattr(node.func, "id", "") == "getattr" and len(node.args) >= 2
              and (names := which(node.args[0])) is not None and isinstance(node.args[1], ast.Constant)):
            names.add(node.args[1].value)
    return own, others


def undeclared_uses(path: Path, module: str, declared: list[type[Form]]) -> list[str]:
    """The form widgets ``path``'s code reads that no Form class declares: one the module defines or imports
    by name for its own forms (``self.ui``), or one of any ui module it imports for another widget's
    (``page.ui``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    imports = [node for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)]
    reach = {module} | {node.module for node in imports if (node.module or "").startswith("gridstation.ui")}
    by_name = {alias.name for node in imports for alias in node.names}
    methods = {"root"} | {name for name in vars(Form) if not name.startswith("_")}
    mine = methods | {name for cls in declared if cls.__module__ == module or cls.__name__ in by_name
                      for name in cls.needs()}
    reached = methods | {name for cls in declared if cls.__module__ in reach for name in cls.needs()}
    own, others = _ui_attributes(tree)
    return sorted({f"{module}: ui.{name}" for name in own - mine} | {f"{module}: .ui.{name}" for name in others - reached})


def test_the_code_uses_only_declared_widgets():
    declared = declared_forms()
    offenders = []
    for module in ui_modules():
        path = ROOT / (module.replace(".", "/") + ".py")
        if path.exists():
            offenders += undeclared_uses(path, module, declared)
    assert offenders == []


def test_the_scan_finds_an_undeclared_widget(tmp_path):
    """Its own form's widget misspelt, or another form's widget reached through its own (as the tools page
    once found the lending tab's basket through its own form)."""
    (tmp_path / "page.py").write_text(
        "from gridstation.ui.station.login_dialog import LoginDialog\n"
        "def f(self, dialog):\n    dialog.ui.loginButton.click()\n    dialog.ui.signInButton.click()\n"
        "    self.ui.loginButton.click()\n", encoding="utf-8")
    assert undeclared_uses(tmp_path / "page.py", "page", declared_forms()) == ["page: .ui.signInButton",
                                                                               "page: ui.loginButton"]
