"""Typed change topics (core/station/topics.py): every audit entity the services record maps to topics
in the change feed, and the screens emit and listen for ``Topic`` members only, never a bare string."""

import ast
import importlib
import pkgutil
from pathlib import Path

import gridstation.core
from gridstation.core.ledgers.ledger_columns import KINDS
from gridstation.core.ledgers.ledger_export import EXPORT_KINDS
from gridstation.core.station import changes, printouts, steps
from gridstation.core.station.topics import QUIET_ENTITIES, Topic

PACKAGE = Path(__file__).resolve().parents[3] / "gridstation"
# Entities given as a variable rather than a literal, and where their values are declared.


def step_kinds() -> tuple[str, ...]:
    """The entity of every kind of record that moves through steps (``steps.apply`` records under it)."""
    modules = [importlib.import_module(info.name)
               for info in pkgutil.walk_packages(gridstation.core.__path__, "gridstation.core.")]
    return tuple({value.entity for module in modules for value in vars(module).values()
                  if isinstance(value, steps.Kind)})


VARIABLE_ENTITIES = {
    "kind.entity": step_kinds(),
    "kind": EXPORT_KINDS, "report.kind": KINDS, "ledger.kind": KINDS,
    "document.entity": tuple(d.entity for d in vars(printouts).values() if isinstance(d, printouts.Document)),
}


def _calls(root: Path, method: str) -> list[tuple[str, ast.Call]]:
    """Every call ``….method(…)`` under ``root``, with where it is."""
    found = []
    for path in sorted(root.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                func = node.func
                name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                if name == method:
                    found.append((f"{path.relative_to(root)}:{node.lineno}", node))
    return found


def recorded_entities(root: Path) -> tuple[set[str], list[str]]:
    """The entities of every ``audit.record(actor, action, entity, …)`` under ``root``, and the calls whose
    entity is an expression this test does not know how to read."""
    entities, unknown = set(), []
    for where, call in _calls(root, "record"):
        func = call.func
        if isinstance(func, ast.Attribute) and not (isinstance(func.value, ast.Name) and func.value.id == "audit"):
            continue  # another module's record(), e.g. printouts.record
        entity = call.args[2] if len(call.args) > 2 else next((k.value for k in call.keywords if k.arg == "entity"), None)
        if entity is None:
            continue
        if isinstance(entity, ast.Constant) and isinstance(entity.value, str):
            entities.add(entity.value)
        elif ast.unparse(entity) in VARIABLE_ENTITIES:
            entities.update(VARIABLE_ENTITIES[ast.unparse(entity)])
        else:
            unknown.append(f"{where}: {ast.unparse(entity)}")
    return entities, unknown


def untyped_topics(root: Path) -> list[str]:
    """Where the screens under ``root`` emit a bare string, name a topic that does not exist, or compare
    what ``data_changed`` brought (``area``) with a bare string."""
    offenders = []
    for where, call in _calls(root, "emit"):
        func = call.func
        if isinstance(func.value, ast.Attribute) and func.value.attr == "data_changed" and call.args:
            arg = call.args[0]
            if isinstance(arg, ast.Constant):
                offenders.append(f"{where}: data_changed.emit({arg.value!r})")
    for path in sorted(root.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            where = f"{path.relative_to(root)}:{getattr(node, 'lineno', 0)}"
            if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "Topic"
                    and node.attr not in Topic.__members__):
                offenders.append(f"{where}: Topic.{node.attr} is not a topic")
            if isinstance(node, ast.Compare) and any(isinstance(n, ast.Name) and n.id == "area"
                                                     for n in (node.left, *node.comparators)):
                literals = [n for side in (node.left, *node.comparators) for n in ast.walk(side)
                            if isinstance(n, ast.Constant) and isinstance(n.value, str)]
                if literals:
                    offenders.append(f"{where}: {ast.unparse(node)}")
    return offenders


def test_every_audit_entity_maps_to_topics():
    entities, unknown = recorded_entities(PACKAGE)
    assert unknown == [], "an audit entity this test cannot read: add it to VARIABLE_ENTITIES"
    assert {"intake", "grid_event", "loan", "setting", "staff"} <= entities  # the scan finds the services' entries
    assert sorted(entities - changes.AREAS_OF_ENTITY.keys()) == []
    assert changes.areas_of("grid_event", "登记") == {Topic.EVENTS}
    assert changes.areas_of("staff", "新增人员") == frozenset()


def test_a_topic_is_one_line_with_its_entities():
    for topic in Topic:
        for entity in topic.entities:
            assert topic in changes.AREAS_OF_ENTITY[entity]
    assert not QUIET_ENTITIES & {e for t in Topic for e in t.entities}
    assert changes.DATA_AREAS < changes.ALL_AREAS == frozenset(Topic)


def test_screens_use_topics_not_strings():
    assert untyped_topics(PACKAGE / "ui") == []


def test_the_scan_finds_a_bare_string(tmp_path):
    """The scan above catches a page written the old way, or a topic misspelt."""
    (tmp_path / "page.py").write_text(
        'def save(self):\n    self.ctx.bus.data_changed.emit("intake")\n'
        'def heard(area):\n    return area in ("tools", "resident") or area == Topic.LOANS\n', encoding="utf-8")
    assert sorted(untyped_topics(tmp_path)) == [
        "page.py:2: data_changed.emit('intake')",
        "page.py:4: Topic.LOANS is not a topic",
        "page.py:4: area in ('tools', 'resident')",
    ]
