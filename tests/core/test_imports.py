"""The map in docs/architecture.md, checked: which app may import which.

Every ``.py`` of our apps is read with ``ast`` (imports inside functions included, since a
function-local import is still a dependency), and every template's ``{% load %}``. The
layers below are the ones the docs open with; an app may import its own layer or a lower
one, never a higher one, and the graph must have no cycle. ``tests/`` and ``bench/`` are
not apps.
"""

from __future__ import annotations

import ast
import re
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NOT_APPS = {"tests", "bench"}

#: Lowest first. ``project`` is the wiring of sportello/ (settings, root URLs, WSGI); the
#: rest of sportello/ is the shared kit (validators, forms, rate limits, middleware).
LAYERS: list[set[str]] = [
    {"pagopa"},
    {"sportello"},
    {"organizations"},
    {"audit"},
    {"accounts", "catalog", "mail"},
    {"positions"},
    {"identity"},
    {"payments"},
    {"documents"},
    # The Ente's machine doors and the citizen's reminders, above the domain they listen
    # to (positions.events) and below the back office that shows them.
    {"reconciliation", "reminders", "webhooks"},
    {"appio"},
    {"api"},
    {"backoffice"},
    {"sandbox"},
    {"scheduling"},
    {"demo"},
    {"project"},
]
PROJECT_MODULES = ("sportello.urls", "sportello.settings", "sportello.wsgi", "sportello.asgi")
RANK = {app: rank for rank, layer in enumerate(LAYERS) for app in layer}


def our_apps(root: Path = ROOT) -> set[str]:
    return {p.name for p in root.iterdir()
            if (p / "__init__.py").is_file() and p.name not in NOT_APPS}


def node_of(module: str) -> str:
    """The graph node of a dotted module name (``project`` for sportello's wiring)."""
    if module.startswith(PROJECT_MODULES):
        return "project"
    return module.split(".")[0]


def imported_modules(tree: ast.AST, module: str) -> list[tuple[int, str]]:
    """(line, absolute module) for every import in ``tree``, at any depth."""
    found = []
    package = module.rsplit(".", 1)[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against the importing package
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                name = f"{base}.{node.module}" if node.module else base
            else:
                name = node.module or ""
            found.append((node.lineno, name))
    return found


def import_graph(root: Path = ROOT) -> dict[tuple[str, str], list[str]]:
    """{(importer node, imported node): ["file:line module", ...]} between our apps."""
    apps = our_apps(root)
    edges: dict[tuple[str, str], list[str]] = defaultdict(list)
    for app in sorted(apps):
        for path in sorted((root / app).rglob("*.py")):
            relative = path.relative_to(root)
            module = ".".join(relative.with_suffix("").parts).removesuffix(".__init__")
            source = node_of(module)
            for line, name in imported_modules(ast.parse(path.read_text()), module):
                target = node_of(name)
                if (target in apps or target == "project") and target != source:
                    edges[(source, target)].append(f"{relative}:{line} {name}")
    return edges


def find_cycle(edges) -> list[str] | None:
    """One cycle of the graph as [a, b, ..., a], or None."""
    successors = defaultdict(set)
    for source, target in edges:
        successors[source].add(target)
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(successors[node]):
            if state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        path.pop()
        state[node] = 2
        return None

    for start in sorted(successors):
        if start not in state and (cycle := visit(start)):
            return cycle
    return None


def _show(edges, pairs) -> str:
    return "\n".join(f"{a} -> {b}: {'; '.join(edges[(a, b)])}" for a, b in pairs)


@pytest.fixture(scope="module")
def edges():
    return import_graph()


def test_every_app_has_a_layer():
    assert our_apps() - {"sportello"} <= set(RANK), "give the new app a layer here and in docs"


def test_no_cycle_between_apps(edges):
    cycle = find_cycle(edges)
    assert cycle is None, "import cycle: " + " -> ".join(cycle) + "\n" + _show(
        edges, zip(cycle, cycle[1:], strict=False))


def test_imports_point_down_the_layers(edges):
    upward = [(a, b) for a, b in edges if RANK[b] > RANK[a]]
    assert not upward, "imports a higher layer:\n" + _show(edges, upward)


def test_pagopa_imports_no_django_and_nothing_of_ours(edges):
    django = [f"{path.relative_to(ROOT)}:{line} {name}"
              for path in sorted((ROOT / "pagopa").rglob("*.py"))
              for line, name in imported_modules(ast.parse(path.read_text()), "pagopa.x")
              if name.split(".")[0] == "django"]
    assert not django, "pagopa/ stays free of Django: " + "; ".join(django)
    assert not [b for a, b in edges if a == "pagopa"]


def test_sandbox_imports_nothing_of_ours_but_pagopa(edges):
    ours = [(a, b) for a, b in edges if a == "sandbox" and b != "pagopa"]
    assert not ours, "the sandbox is another party:\n" + _show(edges, ours)


def test_positions_do_not_import_payments_and_nothing_imports_demo(edges):
    assert ("positions", "payments") not in edges
    assert not [a for a, b in edges if b == "demo" and a != "project"]


# --- templates: {% load %} follows the same layers ------------------------------------

LOAD = re.compile(r"{%\s*load\s+([^%]+?)\s*%}")
TEMPLATE_OWNER = {"registration": "accounts", "includes": "project"}


def tag_libraries(root: Path = ROOT) -> dict[str, str]:
    """{library name: app} for every templatetags module of ours."""
    return {path.stem: path.parts[-3] for path in root.glob("*/templatetags/*.py")
            if path.stem != "__init__"}


def template_loads(root: Path = ROOT) -> list[tuple[str, str, str]]:
    """(template, owning app, library of ours) for every ``{% load %}`` of our templates."""
    libraries = tag_libraries(root)
    found = []
    for path in sorted((root / "templates").rglob("*")):
        if not path.is_file():
            continue
        relative = path.relative_to(root / "templates")
        folder = relative.parts[0] if len(relative.parts) > 1 else "project"
        owner = TEMPLATE_OWNER.get(folder, folder)
        for match in LOAD.finditer(path.read_text()):
            for name in match.group(1).split():
                if name in libraries and libraries[name] != owner:
                    found.append((str(relative), owner, libraries[name]))
    return found


#: Upward template edges, declared: the payer's pages of positions show payment facts (in
#: progress, the receipt that paid a row) through payments' template library; positions'
#: Python code never imports payments (docs/architecture.md). Likewise *Accedi* offers
#: SPID/CIE through identity's library, and so does the payer's home while the code is only
#: declared; neither accounts' nor positions' Python code imports identity.
TEMPLATE_SEAMS = {("positions", "payments"), ("accounts", "identity"), ("positions", "identity")}
MAX_TEMPLATE_LINE = 200


def test_templates_load_tags_of_their_own_layer_or_below():
    upward = [(template, library) for template, owner, library in template_loads()
              if RANK[library] > RANK[owner] and (owner, library) not in TEMPLATE_SEAMS]
    assert not upward, f"templates loading a higher app's tags: {upward}"


def test_template_lines_stay_readable():
    """One idea per line: long lines go to includes, or blocktranslate ... trimmed."""
    long_lines = [f"{path.relative_to(ROOT)}:{number} ({len(line)})"
                  for path in sorted((ROOT / "templates").rglob("*")) if path.is_file()
                  for number, line in enumerate(path.read_text().splitlines(), 1)
                  if len(line) > MAX_TEMPLATE_LINE]
    assert not long_lines, f"template lines over {MAX_TEMPLATE_LINE} characters: {long_lines}"


# --- the checks themselves fail where they should ----------------------------------------

def test_a_function_level_import_cycle_is_found(tmp_path):
    """What the review found hidden: payments -> documents inside a function."""
    for app, body in {"payments": "def f():\n    from documents.quietanza import x\n",
                      "documents": "from payments.models import Receipt\n"}.items():
        (tmp_path / app).mkdir()
        (tmp_path / app / "__init__.py").write_text("")
        (tmp_path / app / "mod.py").write_text(body)
    found = import_graph(tmp_path)
    assert found[("payments", "documents")] == ["payments/mod.py:2 documents.quietanza"]
    assert find_cycle(found) == ["documents", "payments", "documents"]


def test_relative_imports_stay_in_their_app(tmp_path):
    (tmp_path / "documents").mkdir()
    (tmp_path / "documents" / "__init__.py").write_text("")
    (tmp_path / "documents" / "views.py").write_text("from .models import X\nfrom . import y\n")
    assert import_graph(tmp_path) == {}


# --- one home per concept ------------------------------------------------------------------

def _calls(name: str) -> list[str]:
    """Where the function ``name`` is called in our apps, as "file:line"."""
    found = []
    for app in sorted(our_apps()):
        for path in sorted((ROOT / app).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.Call):
                    func = node.func
                    called = func.attr if isinstance(func, ast.Attribute) else getattr(
                        func, "id", None)
                    if called == name:
                        found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def test_the_quietanza_is_rendered_in_one_place():
    """Payer download, admin, ZIP and email all ask documents.receipts.receipt_pdf."""
    assert [call.split(":")[0] for call in _calls("render_receipt")] == [
        "documents/receipts.py"]
    assert [call.split(":")[0] for call in _calls("receipt_info_for")] == [
        "documents/receipts.py"]


def test_no_dataclass_name_means_two_things():
    """pagopa.messages carries the protocol's records, documents.data the printed ones."""
    from dataclasses import is_dataclass

    import documents.data
    import pagopa.messages

    def names(module):
        return {name for name, value in vars(module).items()
                if is_dataclass(value) and value.__module__ == module.__name__}

    assert not names(documents.data) & names(pagopa.messages)


def test_the_docs_open_with_these_layers():
    docs = (ROOT / "docs" / "architecture.md").read_text()
    first_section = docs.split("\n## ")[1]
    assert first_section.startswith("Layers and import directions")
    for app in sorted(set(RANK) - {"project"}):
        assert f"`{app}/" in first_section, app
