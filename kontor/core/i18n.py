"""Kontor's translation catalogs: compile them, check them, re-extract their strings.

    python -m kontor.core.i18n compile   # every kontor/locale/*/LC_MESSAGES/*.po → .mo
    python -m kontor.core.i18n check     # fails on untranslated or fuzzy entries, broken
                                         # placeholders and .mo files older than their .po
    python -m kontor.core.i18n todo      # lists the entries still to translate
    python -m kontor.core.i18n extract   # re-extract the strings of the code (GNU gettext)

`compile` and `check` need only `polib` (dev extras), so a fresh machine builds the catalogs
without GNU gettext; `make messages` runs `compile`. The .mo files are committed, like Django's
own. `extract` runs Django's `makemessages` from the `kontor/` folder, which needs `xgettext`
and `msgmerge`.
"""

import argparse
import gettext
import io
import re
import subprocess
import sys
from pathlib import Path

import polib

PACKAGE_DIR = Path(__file__).resolve().parent.parent  # kontor/
LOCALE_DIR = PACKAGE_DIR / "locale"  # settings.LOCALE_PATHS
PROJECT_DIR = PACKAGE_DIR.parent  # where manage.py lives

#: printf placeholders: %(name)s, %s, %d, %.2f … ("%%" is a literal percent sign)
_PERCENT = re.compile(r"%(?:\((\w+)\))?[-#0 +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[sdiouxXeEfFgGcr%]")
#: str.format placeholders: {name}, {0}, {} …
_BRACE = re.compile(r"(?<!\{)\{([^{}]*)\}(?!\})")


def catalogs(locale_dir: Path = LOCALE_DIR) -> list[Path]:
    """Every .po file under `locale_dir`, sorted."""
    return sorted(locale_dir.glob("*/LC_MESSAGES/*.po"))


def mo_path(po: Path) -> Path:
    return po.with_suffix(".mo")


#: Header fields gettext does not read; left out of the .mo so that re-extracting strings
#: without changes (which only bumps these dates in the .po) leaves the .mo untouched.
VOLATILE_HEADERS = ("POT-Creation-Date", "PO-Revision-Date")


def compile_po(po: Path) -> bytes:
    """The .mo bytes of a .po file (translated entries only, fuzzy ones left out, as msgfmt)."""
    catalog = polib.pofile(str(po))
    for name in VOLATILE_HEADERS:
        catalog.metadata.pop(name, None)
    return catalog.to_binary()


def mo_catalog(data: bytes) -> dict:
    """What gettext reads from .mo bytes: {msgid or (msgid, n): msgstr}, the header included."""
    return dict(gettext.GNUTranslations(io.BytesIO(data))._catalog)


def compile_all(locale_dir: Path = LOCALE_DIR) -> list[Path]:
    """Compile every catalog; a .mo is rewritten only when its content changes."""
    written = []
    for po in catalogs(locale_dir):
        data = compile_po(po)
        target = mo_path(po)
        if not target.exists() or target.read_bytes() != data:
            target.write_bytes(data)
            written.append(target)
    return written


def _placeholders(text: str, flags) -> list[str]:
    found = []
    if "python-format" in flags or "%(" in text:
        found += [m.group(0) for m in _PERCENT.finditer(text) if m.group(0) != "%%"]
    if "python-brace-format" in flags:
        found += ["{" + m.group(1) + "}" for m in _BRACE.finditer(text)]
    return sorted(found)


def entry_problems(entry: polib.POEntry) -> list[str]:
    """What is wrong with one entry: missing or fuzzy translation, placeholders that differ."""
    if entry.obsolete:
        return []
    if entry.fuzzy:
        return ["fuzzy"]
    if not entry.translated():
        return ["untranslated"]
    problems = []
    if entry.msgid_plural:
        plural = _placeholders(entry.msgid_plural, entry.flags)
        for index, text in sorted(entry.msgstr_plural.items()):
            expected = plural if index else _placeholders(entry.msgid, entry.flags)
            got = _placeholders(text, entry.flags)
            # The singular form may leave out a named count ("Ein Datensatz").
            named = all(p.startswith("%(") for p in expected)
            if got != expected and not (index == 0 and named and set(got) <= set(expected)):
                problems.append(f"msgstr[{index}] has placeholders {got}, expected {expected}")
    else:
        expected = _placeholders(entry.msgid, entry.flags)
        got = _placeholders(entry.msgstr, entry.flags)
        if got != expected:
            problems.append(f"placeholders {got}, expected {expected}")
    return problems


def po_problems(po: Path) -> list[str]:
    """One line per problem of a catalog (empty: the catalog is complete)."""
    catalog = polib.pofile(str(po))
    lines = []
    if catalog.metadata_is_fuzzy:
        lines.append(f"{po}: the header is marked fuzzy")
    seen = set()
    for entry in catalog:
        # GNU msgfmt refuses a catalog that defines one message twice.
        if (entry.msgctxt, entry.msgid) in seen:
            lines.append(f"{po}:{entry.linenum}: defined twice: {entry.msgid!r}")
        seen.add((entry.msgctxt, entry.msgid))
        for problem in entry_problems(entry):
            where = entry.occurrences[0][0] if entry.occurrences else "?"
            lines.append(f"{po}:{entry.linenum}: {problem}: {entry.msgid!r} ({where})")
    target = mo_path(po)
    if not target.exists():
        lines.append(f"{target}: missing; run `python -m kontor.core.i18n compile`")
    elif mo_catalog(target.read_bytes()) != mo_catalog(compile_po(po)):
        lines.append(f"{target}: differs from its .po; run `python -m kontor.core.i18n compile`")
    return lines


def extract(languages: list[str] | None = None) -> None:
    """Re-extract the strings of kontor/ into each catalog (Django's makemessages).

    Run from kontor/ so the catalog's references are relative to it and only kontor/ is
    scanned (not .venv or node_modules). Locations are file names without line numbers, so a
    change elsewhere in a file does not touch the catalog.
    """
    languages = languages or sorted(p.name for p in LOCALE_DIR.iterdir() if p.is_dir()) or ["de"]
    command = [
        sys.executable,
        str(PROJECT_DIR / "manage.py"),
        "makemessages",
        "--no-obsolete",
        "--add-location",
        "file",
    ]
    for language in languages:
        command += ["-l", language]
    subprocess.run(command, cwd=PACKAGE_DIR, check=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m kontor.core.i18n",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("compile", help="compile every .po into its .mo (needs polib only)")
    sub.add_parser("check", help="exit 1 when a catalog is incomplete or its .mo is stale")
    sub.add_parser("todo", help="list untranslated and fuzzy entries")
    extract_parser = sub.add_parser("extract", help="re-extract strings (needs GNU gettext)")
    extract_parser.add_argument(
        "-l",
        "--language",
        action="append",
        help="language code (default: every catalog under locale/)",
    )
    args = parser.parse_args(argv)

    if args.command == "extract":
        extract(args.language)
        args.command = "todo"
    if args.command == "compile":
        written = compile_all()
        for path in written:
            print(f"compiled {path.relative_to(PROJECT_DIR)}")
        print(f"{len(catalogs())} catalog(s), {len(written)} .mo file(s) rewritten")
        return 0
    if args.command == "todo":
        todo = [line for po in catalogs() for line in po_problems(po)]
        print("\n".join(todo) if todo else "every entry is translated")
        return 0
    problems = [line for po in catalogs() for line in po_problems(po)]
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return 1
    print(f"{len(catalogs())} catalog(s) complete and compiled")
    return 0


if __name__ == "__main__":
    sys.exit(main())
