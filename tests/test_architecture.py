"""The arrows of quizzes/: views -> areas -> models and items, and no import circles.

A small AST walk over quizzes/ (migrations aside). Circles count module-level imports only, those under
`if TYPE_CHECKING:` included (a circle of type hints is still a tangle); an import inside a function runs
when it is called, after every module has loaded, and is how apps.ready() connects its receivers.
"""

import ast
from pathlib import Path

APP = Path(__file__).resolve().parent.parent / "quizzes"
AREAS = ("taking", "learning", "authoring", "teaching", "accounts", "sources", "live", "formats")


def area(name: str) -> str:
    """'quizzes.taking.attempts' -> 'taking'."""
    parts = name.split(".")
    return parts[1] if len(parts) > 1 else ""


def modules() -> dict[str, tuple[ast.Module, bool]]:
    found = {}
    for path in sorted(APP.rglob("*.py")):
        rel = path.relative_to(APP.parent).with_suffix("")
        if "migrations" in rel.parts:
            continue
        is_package = rel.name == "__init__"
        name = ".".join(rel.parts[:-1] if is_package else rel.parts)
        found[name] = (ast.parse(path.read_text(), filename=str(path)), is_package)
    return found


MODULES = modules()


def imported(name: str, tree: ast.Module, is_package: bool, *, module_level: bool) -> set[str]:
    """The quizzes modules `name` imports (a package's name when it imports from its __init__)."""
    nodes = []

    def top(body):
        for node in body:
            nodes.append(node)
            if isinstance(node, (ast.If, ast.Try)):
                top(node.body)
                top(node.orelse)
                for handler in getattr(node, "handlers", []):
                    top(handler.body)

    if module_level:
        top(tree.body)
    else:
        nodes = list(ast.walk(tree))
    package = name.split(".") if is_package else name.split(".")[:-1]
    targets = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            targets |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package[: len(package) - node.level + 1] + ([base] if base else []))
            targets.add(base)
            targets |= {f"{base}.{alias.name}" for alias in node.names}
    return {t for t in targets if t in MODULES and t != name}


def test_no_import_circles():
    graph = {name: imported(name, tree, pkg, module_level=True) for name, (tree, pkg) in MODULES.items()}
    circles, state = [], {}

    def visit(node, path):
        state[node] = "open"
        for nxt in sorted(graph[node]):
            if state.get(nxt) == "open":
                circles.append(" -> ".join([*path[path.index(nxt) :], nxt]))
            elif nxt not in state:
                visit(nxt, [*path, nxt])
        state[node] = "done"

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
    assert not circles, "import circles:\n" + "\n".join(circles)


def test_only_views_and_urls_import_views():
    wrong = [
        name
        for name, (tree, pkg) in MODULES.items()
        if not (area(name) == "views" or area(name).startswith("urls"))
        and any(t.startswith("quizzes.views") for t in imported(name, tree, pkg, module_level=False))
    ]
    assert not wrong, f"these modules import quizzes.views: {wrong}"


def test_models_and_items_import_no_area():
    wrong = [
        f"{name} imports {target}"
        for name, (tree, pkg) in MODULES.items()
        if name.startswith(("quizzes.models", "quizzes.items"))
        for target in imported(name, tree, pkg, module_level=False)
        if area(target) in AREAS
    ]
    assert not wrong, "models and items sit below the areas:\n" + "\n".join(wrong)
