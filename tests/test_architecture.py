"""The structure the README names: layers that cover every module, imports at the top."""

import ast
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("config", "workflow", "approvals", "notifications", "monitoring")


def _modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            found[".".join(parts)] = path
    return found


def _layers() -> list[set[str]]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    layers = next(c for c in config["contracts"] if c["type"] == "layers")["layers"]
    return [{m.strip().strip("()") for m in layer.split(":")} for layer in layers]


def test_every_module_belongs_to_exactly_one_layer_of_the_import_contract():
    layers = _layers()
    for module in _modules():
        if module in PACKAGES:
            continue
        homes = [i for i, layer in enumerate(layers)
                 if any(module == m or module.startswith(m + ".") for m in layer)]
        assert len(homes) == 1, f"{module} is in layers {homes}: name its layer in pyproject.toml"


def test_no_module_imports_our_own_code_inside_a_function():
    """A lazy import that dodges a cycle is a design smell; AppConfig.ready is the exception
    Django documents (signal and check registration), and a migration reads data at run time."""
    offenders = []
    for module, path in _modules().items():
        if ".migrations." in module:
            continue
        tree = ast.parse(path.read_text())
        for func in ast.walk(tree):
            if not isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef) or func.name == "ready":
                continue
            for node in ast.walk(func):
                if isinstance(node, ast.ImportFrom):
                    target = node.module or ""
                    if node.level or target.split(".")[0] in PACKAGES:
                        offenders.append(f"{module}.{func.name}: from {'.' * node.level}{target}")
                elif isinstance(node, ast.Import):
                    offenders += [f"{module}.{func.name}: import {a.name}" for a in node.names
                                  if a.name.split(".")[0] in PACKAGES]
    assert offenders == []
