"""Initiatives from sentences: types, what money pays for, dates, places named again."""

from __future__ import annotations

import pytest

from nlp.amounts import find_amounts
from nlp.initiatives import find_date, find_initiatives


def found(  # type: ignore[no-untyped-def]
    sentence: str, *, places: bool = True, names: list[tuple[int, int]] | None = None
):
    return find_initiatives(
        sentence,
        ["440784", "440783"] if places else [],
        find_amounts(sentence),
        has_place=places,
        default_year=2022,
        names=names,
    )


def kinds(sentence: str, **kw: object) -> dict[str, int | float | None]:
    return {
        i.type: (i.amount.value if i.amount else None)
        for i in found(sentence, **kw)  # type: ignore[arg-type]
    }


def test_a_named_fund_keeps_its_amount() -> None:
    assert kinds("两地共同设立3300万元产业协作基金。") == {"fund": 33_000_000}


def test_money_pays_for_the_purpose_named_after_it() -> None:
    result = kinds("鹤山市安排1000万元，用于开平的学校建设。")
    assert result["education"] == 10_000_000


def test_money_in_its_own_clause_goes_to_the_nearest_thing_named() -> None:
    result = kinds("两地将共建产业转移园，首期引进企业12家，计划总投资9.8亿元。")
    assert result["industrial_park"] == 980_000_000


def test_spending_with_nothing_named_is_a_fund() -> None:
    assert kinds("Shenzhen will spend RMB 1.8 billion on the programme this year.") == {
        "fund": 1_800_000_000
    }


def test_one_amount_written_twice_counts_once() -> None:
    result = found("Kunshan will provide 50 million yuan (5千万元) to help Shuyang's farms.")
    assert [i.amount.value for i in result if i.amount] == [50_000_000]


def test_places_named_again_without_names() -> None:
    assert kinds("两地还约定每年互派10名干部挂职锻炼。", places=False) == {"talent_exchange": None}
    assert found("It rained all week.", places=False) == []


def test_something_set_up_together_is_an_other_initiative() -> None:
    assert kinds("此外，三地建立了政务服务跨域通办机制。", places=False) == {"other": None}


def test_words_inside_a_zone_name_do_not_count() -> None:
    sentence = "横琴粤澳深度合作区执行委员会今日开会。"
    assert "industrial_park" not in kinds(sentence, names=[(0, 10)])


@pytest.mark.parametrize(
    ("sentence", "date"),
    [
        ("2022年5月1日，双方签约。", "2022-05-01"),
        ("5月9日，双方签约。", "2022-05-09"),
        ("On May 1, 2022, they signed.", "2022-05-01"),
        ("The park opens by 2025.", "2025"),
        ("They met on 2023-04-26.", "2023-04-26"),
        ("No date here.", None),
    ],
)
def test_dates(sentence: str, date: str | None) -> None:
    assert find_date(sentence, 2022) == date
