"""Every rule figure comes from the engine's results or the catalog (docs/rules.md): no unit
arithmetic in views, presenters, charts, emails or exports, and no catalog figure ("20 %",
"at most 40", "steps of 0.5", "36 units") written into a template or a message."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CODE = ROOT / "ceutrack"
TEMPLATES = ROOT / "templates"

# Attributes, names and result keys that hold the engine's unit figures or the catalog's.
FIGURES = {
    "required",
    "earned",
    "remaining",
    "expected",
    "progress",
    "surplus",
    "missing",
    "units",
    "units_entered",
    "uncounted",
    "domain_earned",
    "non_domain_earned",
    "non_domain_cap",
    "domain_share",
    "sourced_share",
    "base_units",
    "extra_units",
    "max_units",
    "topic_minimum",
    "unit_step",
    "max_activity_units",
    "total_days",
    "elapsed_days",
}
ARITHMETIC = (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.FloorDiv, ast.Mod)

# Catalog figures written out as words: a percentage share, a unit limit, a unit count.
WRITTEN_FIGURES = [
    re.compile(r"\b(20|40|80) ?%"),
    re.compile(r"\b(at most|steps of|up to|minimum of|maximum of) \d", re.IGNORECASE),
    re.compile(r"(?<!= )\b\d+(\.\d+)? (units?|CEUs?)\b"),  # "60 minutes = 1 unit" defines one
]


def _python_files() -> list[Path]:
    return [
        path
        for path in sorted(CODE.rglob("*.py"))
        if "rules" not in path.relative_to(CODE).parts[:1]
        and "migrations" not in path.parts
        and "management" not in path.parts  # demo seeding and commands build data
        and path.name != "demo.py"
    ]


def _is_figure(node: ast.expr) -> bool:
    if isinstance(node, ast.Attribute):
        return node.attr in FIGURES
    if isinstance(node, ast.Name):
        return node.id in FIGURES
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant):
        return node.slice.value in FIGURES
    if isinstance(node, ast.Call) and node.args:  # Decimal(b["earned"])
        return any(_is_figure(arg) for arg in node.args)
    return False


def arithmetic_on_figures(source: str) -> list[int]:
    """Line numbers where a unit figure is added, subtracted, multiplied or divided."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.BinOp) and isinstance(node.op, ARITHMETIC):
            operands = (node.left, node.right)
        elif isinstance(node, ast.AugAssign) and isinstance(node.op, ARITHMETIC):
            operands = (node.target, node.value)
        else:
            continue
        if any(_is_figure(operand) for operand in operands):
            lines.append(node.lineno)
    return lines


def written_figures(text: str) -> list[str]:
    return [m.group(0) for pattern in WRITTEN_FIGURES for m in pattern.finditer(text)]


def _string_literals(source: str) -> str:
    """The text of every string constant (f-string pieces included), docstrings excepted."""
    tree = ast.parse(source)
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return "\n".join(
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
    )


def _relative(path: Path) -> str:
    return str(path.relative_to(ROOT))


def test_no_code_outside_the_engine_does_arithmetic_on_unit_figures():
    found = {
        _relative(path): lines
        for path in _python_files()
        if (lines := arithmetic_on_figures(path.read_text(encoding="utf-8")))
    }
    assert found == {}


def test_no_code_outside_the_engine_writes_a_catalog_figure_into_its_words():
    # prefill.py and settings.py read figures (from certificates, the environment).
    found = {
        _relative(path): figures
        for path in _python_files()
        if path.name not in {"prefill.py", "settings.py"}
        and (figures := written_figures(_string_literals(path.read_text(encoding="utf-8"))))
    }
    assert found == {}


def test_no_template_writes_a_catalog_figure():
    found = {
        _relative(path): figures
        for path in sorted(TEMPLATES.rglob("*.*"))
        if (figures := written_figures(path.read_text(encoding="utf-8")))
    }
    assert found == {}


def test_the_guard_catches_what_it_is_for():
    assert arithmetic_on_figures("gap = cycle.expected - cycle.progress\n") == [1]
    assert arithmetic_on_figures("total += item.units\n") == [1]
    assert arithmetic_on_figures("x = Decimal(b['required']) - Decimal(b['earned'])\n") == [1]
    assert arithmetic_on_figures("share = part * 100 / whole\n") == []
    assert written_figures("(over the 20% cap)") == ["20%"]
    assert written_figures("must be at most 40") == ["at most 4"]
    assert written_figures("in steps of 0.5") == ["steps of 0"]
    assert written_figures("36 units required") == ["36 units"]
    assert written_figures('style="width:100%" {{ cycle.required }} units') == []
    assert written_figures("(60 minutes = 1 unit)") == []
