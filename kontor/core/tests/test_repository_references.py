"""The repository explains itself: no file points at documents outside it or at issue numbers.

For developers: the domain, the design rules and the performance rules are in docs/domain.md,
docs/architecture.md and docs/performance.md. A comment, docstring or doc that names a planning
document kept elsewhere, or "issue N", sends the reader to something they cannot open; point to
the in-repository doc instead, or say the reason itself. The patterns are built from pieces so
that this file does not match itself.
"""

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
SKIPPED_DIRS = {".git", ".venv", "node_modules", "staticfiles", "vendor", "results"}

#: Planning documents that are not part of the repository, and the folder they live in.
OUTSIDE_DOCS = ("DESIGN", "DOMAIN", "PERFORMANCE", "STYLE", "SUITECRM")
OUTSIDE = re.compile(
    r"\b(?:" + "|".join(OUTSIDE_DOCS) + r")\.md\b" + "|" + re.escape("..") + r"/shared\b"
)
#: The word issue (or issues, any case of the I) followed by a number, with or without "#".
ISSUE = re.compile(r"\b[Ii]" + r"ssues?\s*#?\s*\d+")


def tracked_files() -> list[Path]:
    """Files git tracks or would add (untracked but not ignored), else every file of the tree."""
    try:
        listed = subprocess.run(
            ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
            cwd=ROOT,
            capture_output=True,
            check=True,
        ).stdout.decode()
        paths = [ROOT / name for name in listed.split("\0") if name]
    except (OSError, subprocess.CalledProcessError):
        paths = [
            p
            for p in ROOT.rglob("*")
            if p.is_file() and not SKIPPED_DIRS.intersection(p.relative_to(ROOT).parts)
        ]
    return [p for p in paths if p.is_file() and p.resolve() != Path(__file__).resolve()]


def text_of(path: Path) -> str | None:
    data = path.read_bytes()
    if b"\0" in data[:8192]:
        return None  # binary: compiled catalogs, images, fonts
    return data.decode("utf-8", errors="replace")


def offending_lines(pattern: re.Pattern) -> list[str]:
    found = []
    for path in tracked_files():
        text = text_of(path)
        if text is None or not pattern.search(text):
            continue
        for number, line in enumerate(text.splitlines(), 1):
            if pattern.search(line):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    return found


def test_the_patterns_recognise_what_they_forbid():
    assert OUTSIDE.search("see " + "DOMAIN" + ".md §4")
    assert OUTSIDE.search("copied from " + ".." + "/shared/data")
    assert ISSUE.search("added in " + "issue" + " 13")
    assert ISSUE.search("Issue" + " #4 asked for it")
    assert not OUTSIDE.search("see docs/domain.md §4 and docs/performance.md rule 7")
    assert not ISSUE.search("an issued token")


def test_the_walk_reaches_the_code_and_the_docs():
    names = {p.relative_to(ROOT).as_posix() for p in tracked_files()}
    assert {"kontor/core/models.py", "docs/domain.md", "bench/README.md", "Makefile"} <= names


def test_no_file_points_at_documents_outside_the_repository():
    assert offending_lines(OUTSIDE) == []


def test_no_file_names_an_issue_number():
    assert offending_lines(ISSUE) == []
