"""Every UI string in the templates and output code is translated in every catalog."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from output.i18n import LOCALE_DIR, TEMPLATES, translations

ROOT = TEMPLATES.parent
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def extracted() -> set[str | tuple[str, ...]]:
    """Message ids as `pybabel extract -F templates/babel.cfg -k N_` finds them."""
    found: set[str | tuple[str, ...]] = set()
    jinja_options = {
        "extensions": "jinja2.ext.i18n",
        "trim_blocks": "true",
        "lstrip_blocks": "true",
    }
    for directory, method, options in (
        (ROOT / "templates", "jinja2", jinja_options),
        (ROOT / "output", "python", {}),
    ):
        pattern = "**.j2" if method == "jinja2" else "**.py"
        for _file, _line, message, _comments, _context in extract_from_dir(
            str(directory),
            method_map=[(pattern, method)],
            options_map={pattern: options},
            keywords=KEYWORDS,
        ):
            found.add(message if isinstance(message, str) else tuple(message))
    return found


MESSAGES = extracted()


def test_extraction_finds_the_ui() -> None:
    assert "Summary" in MESSAGES and "Fund" in MESSAGES and "Week of %(date)s" in MESSAGES
    assert ("%(num)s story", "%(num)s stories") in MESSAGES


@pytest.mark.parametrize("catalog", ["en", "zh_Hans"])
def test_every_string_is_translated(catalog: str) -> None:
    path = LOCALE_DIR / catalog / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as fh:
        po = read_po(fh)
    problems = []
    for msgid in sorted(MESSAGES, key=str):
        key = msgid[0] if isinstance(msgid, tuple) else msgid
        message = po.get(key)
        if message is None:
            problems.append(f"missing: {msgid!r}")
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(strings) or message.fuzzy:
            problems.append(f"untranslated or fuzzy: {msgid!r}")
            continue
        wanted = set(PLACEHOLDER.findall(key))
        for string in strings:
            if set(PLACEHOLDER.findall(string)) != wanted:
                problems.append(f"placeholders differ: {msgid!r} -> {string!r}")
    assert not problems, (
        f"{path.relative_to(ROOT)}: " + "; ".join(problems) + ". Update the catalog (see "
        "docs/digests.md, 'Translations')."
    )


def test_traditional_is_converted_from_simplified() -> None:
    assert translations("zh").gettext("Most active districts") == "最活跃的区县"
    assert translations("zh-hant").gettext("Most active districts") == "最活躍的區縣"


def test_catalog_files_are_where_the_docs_say() -> None:
    for catalog in ("en", "zh_Hans"):
        assert (LOCALE_DIR / catalog / "LC_MESSAGES" / "messages.po").is_file()
    assert Path(TEMPLATES / "babel.cfg").is_file()
