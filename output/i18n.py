"""Language variants: gettext catalogs compiled from .po at load, Babel formats, place names."""

from __future__ import annotations

import functools
import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_skeleton
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_compact_decimal, format_decimal
from babel.support import Translations

from coopwatch.article import Money
from coopwatch.errors import ConfigError

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
LOCALE_DIR = TEMPLATES / "locale"
DOMAIN = "messages"
Day = date  # the type, where a method named `date` hides it
DEFAULT_TZ = ZoneInfo("Asia/Shanghai")


def N_(message: str) -> str:  # noqa: N802 - the gettext convention for "mark, translate later"
    """Mark a string for extraction; it is translated where it is shown."""
    return message


INITIATIVE_TYPES: dict[str, str] = {
    "fund": N_("Fund"),
    "industrial_park": N_("Industrial park"),
    "industrial_alliance": N_("Industrial alliance"),
    "incubator": N_("Incubator"),
    "education": N_("Education"),
    "health": N_("Health care"),
    "tourism_culture": N_("Tourism and culture"),
    "investment_promotion": N_("Investment promotion"),
    "agreement": N_("Agreement"),
    "talent_exchange": N_("Talent exchange"),
    "infrastructure": N_("Infrastructure"),
    "rural_revitalisation": N_("Rural revitalisation"),
    "other": N_("Other initiative"),
}
RELATIONS: dict[str, str] = {
    "assistance": N_("Assistance"),
    "pairing": N_("Pairing"),
    "co_build": N_("Co-building"),
    "cooperation": N_("Cooperation"),
    "sister_city": N_("Sister cities"),
}
# Currencies: English prefix, Chinese suffix (Simplified; Traditional is converted).
CURRENCY_EN = {"CNY": "RMB ", "USD": "US$", "HKD": "HK$", "MOP": "MOP$", "EUR": "€", "GBP": "£"}
CURRENCY_ZH = {
    "CNY": "元",
    "USD": "美元",
    "HKD": "港元",
    "MOP": "澳门元",
    "EUR": "欧元",
    "GBP": "英镑",
}


@dataclass(frozen=True)
class Variant:
    """One language variant of the site: its directory, BCP 47 tag, Babel locale, catalog."""

    code: str  # directory and key: en, zh, zh-hant
    tag: str  # html lang / hreflang
    base: str  # language of the text: en | zh
    locale: Locale
    catalog: str  # directory under templates/locale
    autonym: str  # the language's name in itself, for the language switch
    traditional: bool = False


VARIANTS: dict[str, Variant] = {
    "en": Variant("en", "en", "en", Locale("en"), "en", "English"),
    "zh": Variant("zh", "zh-Hans", "zh", Locale.parse("zh_Hans_CN"), "zh_Hans", "简体中文"),
    "zh-hant": Variant(
        "zh-hant", "zh-Hant", "zh", Locale.parse("zh_Hant"), "zh_Hans", "繁體中文", True
    ),
}


def variant(code: str) -> Variant:
    try:
        return VARIANTS[code]
    except KeyError:
        raise ConfigError(f"unknown language {code!r}: use one of {', '.join(VARIANTS)}") from None


@functools.cache
def _s2t() -> Any:
    import opencc

    return opencc.OpenCC("s2t")


def to_traditional(text: str) -> str:
    return str(_s2t().convert(text)) if text else text


@functools.cache
def translations(code: str) -> Translations:
    """The catalog of a variant, compiled from its .po now (Traditional: converted from zh)."""
    v = variant(code)
    po = LOCALE_DIR / v.catalog / "LC_MESSAGES" / f"{DOMAIN}.po"
    try:
        with po.open("rb") as fh:
            catalog = read_po(fh, locale=v.locale)
    except OSError as exc:
        raise ConfigError(f"translation catalog {po} cannot be read: {exc}") from None
    if v.traditional:
        for message in catalog:
            if message.id and isinstance(message.string, str):
                message.string = to_traditional(message.string)
    buf = io.BytesIO()
    write_mo(buf, catalog)
    buf.seek(0)
    return Translations(buf, domain=DOMAIN)


class Formatter:
    """Dates, numbers, amounts and place names in one variant's language (cached per value)."""

    def __init__(
        self,
        code: str,
        place_names: Callable[[str], tuple[str, str, str, str]],
        tz: tzinfo = DEFAULT_TZ,
    ) -> None:
        self.variant = variant(code)
        self.gettext = translations(code).gettext
        self.tz = tz  # datetimes are shown as days in this zone
        self._names = place_names  # code -> (name_zh, short_zh, name_en, short_en)
        self._day = functools.lru_cache(maxsize=4096)(self._date)
        self.place = functools.lru_cache(maxsize=8192)(self._place)
        self.short = functools.lru_cache(maxsize=8192)(self._short)

    @property
    def en(self) -> bool:
        return self.variant.base == "en"

    @property
    def sep(self) -> str:
        """Separator of short lists: "A, B" / "A、B"."""
        return ", " if self.en else "、"

    def date(self, value: Day | datetime | str | None) -> str:
        """May 1, 2022 / 2022年5月1日; "2023-11" -> November 2023 / 2023年11月."""
        if isinstance(value, datetime):
            value = value.astimezone(self.tz).date() if value.tzinfo else value.date()
        return str(self._day(value))

    def _date(self, value: Day | str | None) -> str:
        if value is None or value == "":
            return ""
        if isinstance(value, str):
            return self.partial_date(value)
        return str(format_date(value, "long", locale=self.variant.locale))

    def partial_date(self, text: str) -> str:
        """ISO-like dates from the text: 2022-05-01, 2023-11 or 2025."""
        parts = text.split("-")
        try:
            numbers = [int(p) for p in parts]
            if len(numbers) == 3:
                return self._date(date(*numbers))
            if len(numbers) == 2:
                month = date(numbers[0], numbers[1], 1)
                return str(format_skeleton("yMMMM", month, locale=self.variant.locale))
            if len(numbers) == 1:
                return str(numbers[0]) + ("" if self.en else "年")
        except ValueError:
            pass
        return text

    def number(self, value: int | float) -> str:
        return str(format_decimal(value, locale=self.variant.locale))

    def money(self, amount: Money | None) -> str:
        """RMB 33 million / 3300万元; US$196 million / 1.96亿美元."""
        if amount is None:
            return ""
        value, currency = amount.value, amount.currency.upper()
        loc = self.variant.locale
        if self.en:
            if abs(value) >= 1_000_000:
                figure = format_compact_decimal(
                    value, format_type="long", locale=loc, fraction_digits=2
                )
            else:
                figure = format_decimal(value, locale=loc)
            prefix = CURRENCY_EN.get(currency, currency + " ")
            return f"{prefix}{figure}"
        if abs(value) >= 10_000:
            figure = format_compact_decimal(value, locale=loc, fraction_digits=2)
        else:
            figure = format_decimal(value, locale=loc, group_separator=False)
        suffix = CURRENCY_ZH.get(currency)
        text = f"{figure}{suffix}" if suffix else f"{figure} {currency}"
        return to_traditional(text) if self.variant.traditional else text

    def _names_of(self, code: str) -> tuple[str, str]:
        name_zh, short_zh, name_en, short_en = self._names(code)
        if self.en:
            return name_en, short_en
        if self.variant.traditional:
            return to_traditional(name_zh), to_traditional(short_zh)
        return name_zh, short_zh

    def _place(self, code: str) -> str:
        return self._names_of(code)[0]

    def _short(self, code: str) -> str:
        return self._names_of(code)[1]

    def pair(self, codes: tuple[str, ...] | list[str]) -> str:
        """Heshan–Kaiping / 鹤山—开平: short names in the reader's language, in the order of
        their romanised names in both languages."""
        ordered = sorted(codes, key=lambda c: (self._names(c)[3].casefold(), c))
        return ("–" if self.en else "—").join(self.short(c) for c in ordered)

    def language_name(self, code: str | None) -> str:
        base = (code or "und").split("-")[0].split("_")[0]
        return str(self.variant.locale.languages.get(base, base))

    def initiative_type(self, kind: str) -> str:
        return self.gettext(INITIATIVE_TYPES.get(kind, INITIATIVE_TYPES["other"]))

    def relation(self, kind: str) -> str:
        return self.gettext(RELATIONS.get(kind, RELATIONS["cooperation"]))
