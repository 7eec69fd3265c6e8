"""Gazetteer of China's province-, prefecture- and county-level divisions (GB/T 2260 codes)."""

from __future__ import annotations

import functools
import gzip
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from coopwatch.errors import CoopwatchError

__all__ = ["DATA_FILE", "TYPES", "Division", "Gazetteer", "en_key"]

DATA_FILE = Path(__file__).with_name("divisions.tsv.gz")
TYPES = frozenset({
    "province", "municipality", "autonomous_region", "sar",
    "prefecture_city", "prefecture", "autonomous_prefecture", "league",
    "district", "county_city", "county", "autonomous_county", "banner", "autonomous_banner",
    "forestry_district", "special_district", "hk_district", "macao_parish",
})  # fmt: skip
_NOT_LATIN = re.compile(r"[^0-9a-z]")


@dataclass(frozen=True, slots=True)
class Division:
    """One division: GB/T 2260 code, names, type, level (1-3) and the parent's code."""

    code: str
    name_zh: str
    short_zh: str
    name_en: str
    short_en: str
    type: str
    level: int
    parent: str | None


def en_key(text: str) -> str:
    """Lookup key for English names: accents, case, spaces, hyphens and apostrophes dropped."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return _NOT_LATIN.sub("", text.casefold())


def _code(code: str | int) -> str:
    """Accept 440705, "440705", or the 2- and 4-digit forms ("44", "4407") padded with zeros."""
    text = str(code).strip()
    if len(text) in (2, 4) and text.isdigit():
        text = text.ljust(6, "0")
    return text


@functools.cache
def _t2s() -> Any:
    import opencc  # loaded on the first Traditional lookup only

    return opencc.OpenCC("t2s")


class Gazetteer:
    """Lookups by code, Chinese name (Simplified or Traditional) and English name."""

    def __init__(
        self,
        divisions: Iterable[Division],
        aliases_zh: dict[str, tuple[str, ...]] | None = None,
        aliases_en: dict[str, tuple[str, ...]] | None = None,
    ) -> None:
        self._by_code: dict[str, Division] = {}
        self._children: dict[str, list[Division]] = {}
        self._aliases_en = dict(aliases_en or {})
        self._aliases_zh = dict(aliases_zh or {})
        zh: dict[str, list[Division]] = {}
        en: dict[str, list[Division]] = {}
        for d in divisions:
            self._by_code[d.code] = d
            if d.parent:
                self._children.setdefault(d.parent, []).append(d)
            for name in (d.name_zh, d.short_zh, *(aliases_zh or {}).get(d.code, ())):
                _add(zh, name, d)
            for name in (d.name_en, d.short_en, *(aliases_en or {}).get(d.code, ())):
                _add(en, en_key(name), d)
        order = _order
        self._zh = {k: tuple(sorted(v, key=order)) for k, v in zh.items()}
        self._en = {k: tuple(sorted(v, key=order)) for k, v in en.items()}

    @classmethod
    def load(cls, path: str | Path | None = None) -> Gazetteer:
        """The packaged table (one shared instance per process), or the table at `path`."""
        if path is None:
            return _packaged()
        return cls._read(Path(path))

    @classmethod
    def _read(cls, path: Path) -> Gazetteer:
        try:
            text = gzip.decompress(path.read_bytes()).decode("utf-8")
        except (OSError, EOFError, UnicodeDecodeError) as exc:
            raise CoopwatchError(
                f"cannot read the gazetteer table {path}: {exc}; rebuild it with "
                "`python -m nlp.gazetteer.build PATH/TO/admin-divisions`"
            ) from exc
        lines = text.splitlines()
        if not lines or not lines[0].startswith("code\tlevel\ttype\t"):
            raise CoopwatchError(f"{path} is not a gazetteer table (unexpected header)")
        divisions: list[Division] = []
        aliases_zh: dict[str, tuple[str, ...]] = {}
        aliases_en: dict[str, tuple[str, ...]] = {}
        for line in lines[1:]:
            code, level, kind, parent, name_zh, short_zh, name_en, short_en, azh, aen = line.split(
                "\t"
            )
            divisions.append(
                Division(
                    code, name_zh, short_zh, name_en, short_en, kind, int(level), parent or None
                )
            )
            if azh:
                aliases_zh[code] = tuple(azh.split("|"))
            if aen:
                aliases_en[code] = tuple(aen.split("|"))
        return cls(divisions, aliases_zh, aliases_en)

    def aliases_zh(self, code: str | int) -> tuple[str, ...]:
        """Other Chinese names of a division (Traditional forms, "塔县" for 塔什库尔干…)."""
        return self._aliases_zh.get(_code(code), ())

    def aliases_en(self, code: str | int) -> tuple[str, ...]:
        """Other English names of a division ("Burang" for 普兰县, "Hong Kong SAR")."""
        return self._aliases_en.get(_code(code), ())

    def get(self, code: str | int) -> Division | None:
        """The division with this code, or None."""
        return self._by_code.get(_code(code))

    def __getitem__(self, code: str | int) -> Division:
        division = self.get(code)
        if division is None:
            raise KeyError(f"no division with code {code!r} in the gazetteer")
        return division

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str | int) and self.get(code) is not None

    def parents(self, code: str | int) -> list[Division]:
        """The chain upward, nearest first: 440705 -> [江门市 440700, 广东省 440000]."""
        chain: list[Division] = []
        division = self[code]
        while division.parent:
            division = self._by_code[division.parent]
            chain.append(division)
        return chain

    def children(self, code: str | int) -> list[Division]:
        """The divisions directly under this one, by code (a municipality's are its districts)."""
        return list(self._children.get(self[code].code, ()))

    def by_name_zh(self, name: str) -> list[Division]:
        """Every division whose official or short name is `name` (Simplified or Traditional)."""
        name = name.strip()
        found = list(self._zh.get(name, ()))
        simplified = _t2s().convert(name)
        if simplified != name:
            found += [d for d in self._zh.get(simplified, ()) if d not in found]
            found.sort(key=_order)
        return found

    def by_name_en(self, name: str) -> list[Division]:
        """Every division with this English name, short name or alias, ignoring case and spacing:
        "Taishan" -> [台山市 Taishan City, 泰山区 Taishan District]."""
        return list(self._en.get(en_key(name), ()))

    def __iter__(self) -> Iterator[Division]:
        return iter(self._by_code.values())

    def __len__(self) -> int:
        return len(self._by_code)

    def __repr__(self) -> str:
        return f"<Gazetteer of {len(self)} divisions>"


def _add(index: dict[str, list[Division]], name: str, division: Division) -> None:
    bucket = index.setdefault(name, [])
    if division not in bucket:
        bucket.append(division)


def _order(division: Division) -> tuple[int, str]:
    """Higher levels first, then by code: 中山 -> Zhongshan City before Dalian's 中山区."""
    return division.level, division.code


@functools.cache
def _packaged() -> Gazetteer:
    return Gazetteer._read(DATA_FILE)
