"""docs/rules.md is the one place the shop's rule numbers are defined: everything cited there exists.

A file that cites a rule number (M2, O1-O13, L5a, ...) that docs/rules.md does not define fails here;
so does a rule marked built that no test names, and a module, function or test the page names that is
not there. The scanner is tested on sample texts too, so it cannot make the checks pass by finding
nothing, nor fail them on lint codes that look like rule numbers.
"""

from __future__ import annotations

import ast
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from itertools import pairwise
from pathlib import Path

import pytest

from local.template import ROOT, load

RULES_PAGE = ROOT / "docs" / "rules.md"
LAYER = ROOT / "layers" / "common" / "python"
# The samples of this module cite undefined rule numbers on purpose; it is left out of the scans.
THIS_MODULE = Path(__file__).resolve()

# Folders that are not the project's own files: tools' environments and caches, the build, local state.
SKIPPED_FOLDERS = frozenset(
    {".git", ".aws-sam", "__pycache__", ".pytest_cache", ".mypy_cache", ".ruff_cache", ".hypothesis", ".state"}
)
# Where rules are cited: code, docs, the template and events, the email templates (.txt and .html).
CITING_SUFFIXES = frozenset({".py", ".md", ".yaml", ".yml", ".json", ".html", ".txt", ".toml"})

# A rule number: a family letter and 1 to 99, perhaps a lower-case suffix (L5a). Letters, digits, "_" or
# "-" right before it, or a word character right after it, make it part of something else: PLR0913,
# S105 (three digits), CKV_AWS_119, 0xE1, #C3C3C3, an order number's group such as 3M5K.
RULE_ID = r"[MCOLPSE][1-9][0-9]?[a-z]?"
CITATION = re.compile(rf"(?<![\w-])(?P<first>{RULE_ID})(?:\s?[-–]\s?(?P<last>{RULE_ID}))?(?!\w)")
# ruff's codes, where they are listed: after `noqa:`, and in pyproject's [tool.ruff...] tables (C4, E, PL).
NOQA_CODES = re.compile(r"noqa:\s*[A-Z]+[0-9]*(?:\s*,\s*[A-Z]+[0-9]*)*")
# CloudFormation resource types (AWS::S3::Bucket) name services, not rules.
RESOURCE_TYPES = re.compile(r"AWS::\w+::\w+")
TOML_TABLE = re.compile(r"^\[(?P<name>[^\]]+)\]\s*$", re.MULTILINE)

RULE_HEADING = re.compile(rf"^### (?P<id>{RULE_ID})\b", re.MULTILINE)
SECTION_HEADING = re.compile(r"^#{2,3} ", re.MULTILINE)
# A module the page names, perhaps with names it defines: `shop/checkout.py: cart_problems, plan_checkout`.
CODE_REFERENCE = re.compile(r"`(?P<path>(?:[\w-]+/)*[\w-]+\.(?:py|yaml))(?::\s*(?P<names>[^`]+))?`")
SHARED_FOLDER = re.compile(r"\.\./shared|SPEC\.md|STACK-NOTES|seed/000_")


def cited_rules(text: str, suffix: str = ".md") -> list[tuple[int, str]]:
    """Every rule number cited in a file's text, with its line; a range cites every rule in it."""
    if suffix == ".toml":
        text = _without_ruff_tables(text)
    citations = []
    for number, line in enumerate(text.splitlines(), start=1):
        for match in CITATION.finditer(RESOURCE_TYPES.sub("", NOQA_CODES.sub("", line))):
            citations += [(number, rule) for rule in _expand(match["first"], match["last"])]
    return citations


def _expand(first: str, last: str | None) -> list[str]:
    """O1-O13 is O1, O2, ..., O13; a range that is not one family counting up cites its two ends only."""
    if last is None:
        return [first]
    start, end = re.fullmatch(r"([A-Z])([0-9]+)", first), re.fullmatch(r"([A-Z])([0-9]+)", last)
    if start and end and start[1] == end[1] and int(start[2]) < int(end[2]):
        return [f"{start[1]}{n}" for n in range(int(start[2]), int(end[2]) + 1)]
    return [first, last]


def _without_ruff_tables(text: str) -> str:
    """The TOML text with ruff's own tables blanked out (their line numbers kept)."""
    kept, skipping = [], False
    for line in text.splitlines():
        header = TOML_TABLE.match(line)
        if header:
            skipping = header["name"].startswith("tool.ruff")
        kept.append("" if skipping else line)
    return "\n".join(kept)


def project_files() -> Iterator[Path]:
    for folder, subfolders, files in os.walk(ROOT):
        subfolders[:] = sorted(
            name for name in subfolders if name not in SKIPPED_FOLDERS and not name.startswith(".venv")
        )
        for name in sorted(files):
            path = Path(folder) / name
            if path.resolve() != THIS_MODULE:
                yield path


def citing_files() -> Iterator[Path]:
    for path in project_files():
        if path.suffix in CITING_SUFFIXES and path.relative_to(ROOT).parts[0] != "requirements":
            yield path


@cache
def defined_rules() -> tuple[str, ...]:
    return tuple(match["id"] for match in RULE_HEADING.finditer(RULES_PAGE.read_text(encoding="utf-8")))


@dataclass(frozen=True)
class Entry:
    """One section of docs/rules.md: a rule (or the order-states decision) and its fields."""

    title: str
    text: str

    @property
    def rule(self) -> str | None:
        match = RULE_HEADING.match(f"### {self.title}")
        return match["id"] if match else None

    def field(self, name: str) -> str:
        match = re.search(rf"^- \*\*{name}:\*\* (?P<value>.*?)(?=^- \*\*|\Z)", self.text, re.MULTILINE | re.DOTALL)
        return " ".join(match["value"].split()) if match else ""

    @property
    def built(self) -> bool:
        return self.field("Status").startswith("built")


def entries() -> list[Entry]:
    text = RULES_PAGE.read_text(encoding="utf-8")
    starts = [match.start() for match in SECTION_HEADING.finditer(text)] + [len(text)]
    sections = [text[start:end] for start, end in pairwise(starts)]
    return [
        Entry(title=section.splitlines()[0].removeprefix("### "), text=section)
        for section in sections
        if section.startswith("### ")
    ]


def named_in_tests() -> set[str]:
    """Rules a test names: after the word "rule" in a comment or docstring line, or in a test's name."""
    named: set[str] = set()
    for path in (ROOT / "tests").rglob("test_*.py"):
        if path.resolve() == THIS_MODULE:
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            words = re.split(r"(?i)\brules?\b", line, maxsplit=1)
            if len(words) == 2:
                named |= {rule for _, rule in cited_rules(words[1])}
            if test_name := re.match(r"\s*(?:async )?def (test_\w+)", line):
                named |= {part[:1].upper() + part[1:] for part in test_name[1].split("_")}
    return named


def module_path(cited: str) -> Path:
    """Where a path the page cites lives: the layer's packages under layers/common/python, the rest at the root."""
    return LAYER / cited if cited.split("/", maxsplit=1)[0] in {"shop", "shop_aws", "use_cases"} else ROOT / cited


def defined_names(path: Path) -> set[str]:
    if path.suffix == ".yaml":
        return set(load(path).resources)
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names |= {target.id for target in targets if isinstance(target, ast.Name)}
    return names


# ---------------------------------------------------------------- the scanner on samples


def test_a_cited_rule_is_found_with_its_line() -> None:
    text = "first line\nrefused here (rule O3)\n"

    assert cited_rules(text) == [(2, "O3")]


def test_a_range_cites_every_rule_in_it() -> None:
    assert [rule for _, rule in cited_rules("checkout (O1-O13), signup M2–M4")] == [
        *(f"O{n}" for n in range(1, 14)),
        "M2",
        "M3",
        "M4",
    ]


def test_a_suffixed_rule_is_read_whole() -> None:
    assert [rule for _, rule in cited_rules("reminder (L5a), not L5b")] == ["L5a", "L5b"]


def test_a_rule_the_page_does_not_define_is_caught() -> None:
    cited = {rule for _, rule in cited_rules("# rule M9: not a rule\nsee L9-L12")}

    assert cited - set(defined_rules()) == {"M9", "L12"}


@pytest.mark.parametrize(
    ("text", "suffix"),
    [
        ("x = 1  # noqa: S105, E501, PLR0913, B018", ".py"),
        ("  - id: CKV_AWS_119", ".yaml"),
        ("colour #C3C3C3 and 0xE1", ".html"),
        ("order 01JD-3M5K-7QXZ-4T2A", ".md"),
        ('[tool.ruff.lint]\nselect = ["E", "C4", "PL", "S"]\nignore = ["S101"]', ".toml"),
        ("    Type: AWS::S3::Bucket", ".yaml"),
    ],
    ids=["noqa", "checkov", "hex", "order-number", "ruff-table", "resource-type"],
)
def test_lint_codes_and_identifiers_are_not_rule_citations(text: str, suffix: str) -> None:
    assert cited_rules(text, suffix) == []


def test_a_rule_cited_after_the_codes_of_a_noqa_comment_still_counts() -> None:
    assert cited_rules("TOKEN = 'NONE'  # noqa: S105 - a marker (rule L10)", ".py") == [(1, "L10")]


def test_a_rule_cited_outside_the_ruff_tables_of_a_toml_file_counts() -> None:
    text = '[tool.ruff.lint]\nselect = ["C4"]\n[project]\ndescription = "shop (C1)"'

    assert cited_rules(text, ".toml") == [(4, "C1")]


# ---------------------------------------------------------------- the project


def test_the_rules_page_defines_each_rule_once() -> None:
    rules = defined_rules()

    assert len(rules) > 40
    assert len(set(rules)) == len(rules)


def test_every_rule_number_cited_anywhere_in_the_project_is_defined_in_the_rules_page() -> None:
    defined = set(defined_rules())
    undefined = [
        f"{path.relative_to(ROOT)}:{line}: {rule}"
        for path in citing_files()
        for line, rule in cited_rules(path.read_text(encoding="utf-8"), path.suffix)
        if rule not in defined
    ]

    assert undefined == []


def test_the_scan_reads_code_docs_template_and_email_templates() -> None:
    scanned = {path.relative_to(ROOT).as_posix() for path in citing_files()}

    assert {
        "README.md",
        "template.yaml",
        "pyproject.toml",
        "layers/common/python/shop/checkout.py",
        "layers/common/python/shop/email_templates/order_confirmation.txt",
        "events/checkout.json",
    } <= scanned
    assert not any(path.startswith(("requirements/", ".venv", ".git/")) for path in scanned)


def test_every_rule_says_its_status_where_it_is_enforced_and_how_it_is_tested() -> None:
    incomplete = [
        entry.title
        for entry in entries()
        if not (entry.field("Status") and entry.field("Enforced by") and entry.field("Tested by"))
    ]

    assert incomplete == []


def test_a_rule_not_built_names_the_issue_that_builds_it() -> None:
    unplanned = [
        entry.rule
        for entry in entries()
        if entry.rule and not entry.built and not re.search(r"issue \d+ builds it", entry.field("Status"))
    ]

    assert unplanned == []


def test_every_rule_marked_built_is_named_by_a_test() -> None:
    named = named_in_tests()

    unnamed = [entry.rule for entry in entries() if entry.rule and entry.built and entry.rule not in named]

    assert unnamed == []


def test_every_rule_marked_built_lists_the_tests_that_prove_it() -> None:
    untested = [
        entry.rule for entry in entries() if entry.rule and entry.built and "`tests/" not in entry.field("Tested by")
    ]

    assert untested == []


def test_every_file_the_rules_page_names_exists() -> None:
    text = RULES_PAGE.read_text(encoding="utf-8")

    missing = sorted(
        {match["path"] for match in CODE_REFERENCE.finditer(text) if not module_path(match["path"]).is_file()}
    )

    assert missing == []


def test_every_function_class_test_and_resource_the_rules_page_names_is_defined_where_it_says() -> None:
    text = RULES_PAGE.read_text(encoding="utf-8")
    missing = []
    for match in CODE_REFERENCE.finditer(text):
        path = module_path(match["path"])
        if not match["names"] or not path.is_file():
            continue
        defined = defined_names(path)
        for name in (part.strip() for part in match["names"].split(",")):
            if not all(part in defined for part in name.split(".")):
                missing.append(f"{match['path']}: {name}")

    assert missing == []


def test_no_file_of_the_project_refers_to_the_folder_outside_it() -> None:
    outside = []
    for path in project_files():
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        outside += [
            f"{path.relative_to(ROOT)}:{number}"
            for number, line in enumerate(text.splitlines(), start=1)
            if SHARED_FOLDER.search(line)
        ]

    assert outside == []
