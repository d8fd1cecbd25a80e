"""The README's "API at a glance" lists exactly the routes template.yaml declares: no route missing, none extra."""

from __future__ import annotations

import re

from local.template import ROOT, load

README = ROOT / "README.md"
SECTION = "## The API at a glance"
ROW = re.compile(r"^\| (?P<method>[A-Z]+) \| `(?P<path>/[^`]*)` \|", re.MULTILINE)


def table_routes(markdown: str) -> list[tuple[str, str]]:
    """(method, path) of each row of the table under the section heading, up to the next heading."""
    _, _, after = markdown.partition(SECTION)
    table = re.split(r"^#{1,6} ", after, maxsplit=1, flags=re.MULTILINE)[0]
    return [(row["method"], row["path"]) for row in ROW.finditer(table)]


def test_the_rows_of_the_section_are_read_and_nothing_after_it() -> None:
    markdown = (
        f"intro\n| GET | `/before` | x |\n{SECTION}\n\n| Method | Path | Who |\n|---|---|---|\n"
        "| GET | `/products` | anyone |\n| DELETE | `/account` | member |\n\n## Next\n| POST | `/after` | x |\n"
    )

    assert table_routes(markdown) == [("GET", "/products"), ("DELETE", "/account")]


def test_the_readme_lists_each_route_once() -> None:
    routes = table_routes(README.read_text(encoding="utf-8"))

    assert routes
    assert len(set(routes)) == len(routes)


def test_the_readme_lists_exactly_the_routes_of_the_template() -> None:
    listed = set(table_routes(README.read_text(encoding="utf-8")))

    declared = {(route.method, route.path) for route in load().routes()}

    assert sorted(declared - listed) == []
    assert sorted(listed - declared) == []
