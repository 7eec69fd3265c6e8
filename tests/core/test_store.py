"""The store keeps articles once, groups copies of a story, and upgrades in place."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory

from coopwatch.article import Analysis, Article, Mention, Money, Pairing, Place, Segment
from coopwatch.database import MIGRATIONS
from coopwatch.errors import StoreError
from coopwatch.store import Store

BODY_ZH = (
    "江门市鹤山市与开平市近日签署结对合作框架协议，两地将共建产业园区，联合招商引资。\n\n"
    "根据协议，双方将在教育、医疗和文化旅游方面加强交流，推动干部互派挂职。\n\n"
    "江门市此前已推动新会区与台山市、蓬江区和江海区与恩平市结对，设立3300万元协作资金。"
)
BODY_EN = (
    "Heshan and Kaiping signed a pairing cooperation framework agreement this week, "
    "completing the set of district partnerships in Jiangmen.\n\n"
    "The two cities will build an industrial park together and share investment leads, "
    "while schools and hospitals exchange staff.\n\n"
    "Earlier, Xinhui had paired with Taishan and the Pengjiang-Jianghai-Enping trio was formed."
)


def make(url: str, text: str, source: str = "Outlet", **kw: object) -> Article:
    return Article(url=url, title="Pairing news", text=text, source=source, **kw)  # type: ignore[arg-type]


def test_exact_and_near_duplicates_join_one_story(database_url: str) -> None:
    with Store.open(database_url) as store:
        first = store.add_article(make("https://a.example/1", BODY_ZH, "五邑日报"))
        assert first.status == "new"
        copy = store.add_article(make("https://b.example/9", BODY_ZH, "侨报"))
        assert copy.status == "duplicate" and copy.story_id == first.story_id
        repost = store.add_article(
            make(
                "https://c.example/x",
                "本文转载自五邑日报。\n\n"
                + BODY_ZH
                + "\n\n责任编辑：李明　版权所有，转载请注明出处",
                "南方网",
            )
        )
        assert repost.status == "syndicated" and repost.story_id == first.story_id
        other = store.add_article(make("https://a.example/2", BODY_EN, "Daily"))
        assert other.status == "new" and other.story_id != first.story_id
        assert store.story_outlets(first.story_id) == ["五邑日报", "侨报", "南方网"]
        assert store.counts() == {"articles": 4, "relevant": 0, "stories": 2}


def test_same_url_is_stored_once_and_reported_known(database_url: str) -> None:
    with Store.open(database_url) as store:
        store.add_article(
            make("https://a.example/1", BODY_EN, fetched_url="https://a.example/1?utm_source=x")
        )
        again = store.add_article(make("https://a.example/1", BODY_EN + " changed"))
        assert again.status == "known"
        assert [a.url for a in store.articles()] == ["https://a.example/1"]
        assert store.known_urls() == {"https://a.example/1", "https://a.example/1?utm_source=x"}
        assert store.has_url("https://a.example/1?utm_source=x")
        assert not store.has_url("https://a.example/2")


def test_short_text_inside_a_long_one_is_not_a_repost(database_url: str) -> None:
    with Store.open(database_url) as store:
        store.add_article(make("https://a.example/long", BODY_EN * 4))
        short = store.add_article(make("https://a.example/short", BODY_EN.split("\n\n")[0]))
        assert short.status == "new"


def test_round_trip_keeps_fields_and_time_zone(database_url: str) -> None:
    beijing = timezone(timedelta(hours=8))
    published = datetime(2022, 5, 1, 23, 43, 20, tzinfo=beijing)
    with Store.open(database_url) as store:
        store.add_article(
            make(
                "https://a.example/1",
                BODY_ZH,
                authors=["李建群", "Wang Fang"],
                published=published,
                language="zh",
                relevance=12.5,
                relevant=True,
                encoding="gb18030",
            )
        )
        (stored,) = list(store.articles())
    assert stored.published == published
    assert stored.published is not None and stored.published.utcoffset() == timedelta(0)
    assert stored.authors == ["李建群", "Wang Fang"]
    assert (stored.language, stored.relevance, stored.relevant) == ("zh", 12.5, True)
    assert stored.text == BODY_ZH and stored.encoding == "gb18030"


def test_validators_are_upserted(database_url: str) -> None:
    with Store.open(database_url) as store:
        store.save_validators("https://a.example/feed", '"v1"', None)
        store.save_validators("https://a.example/feed", '"v2"', "Sun, 01 May 2022 15:43:20 GMT")
        assert store.validators() == {
            "https://a.example/feed": ('"v2"', "Sun, 01 May 2022 15:43:20 GMT")
        }


def test_crawl_runs_are_recorded(database_url: str) -> None:
    with Store.open(database_url) as store:
        run = store.start_run()
        store.finish_run(run, {"pages": 3})
        with store.engine.connect() as conn:
            row = conn.execute(sa.text("select stats, finished from crawl_runs")).one()
    assert row[0] in ({"pages": 3}, '{"pages": 3}') and row[1] is not None


def test_existing_database_is_upgraded_in_place(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    with Store.open(url) as store:
        store.add_article(make("https://a.example/1", BODY_EN))
    # Take the file back to the first schema, as an early release left it.
    with Store.open(url, migrate=False) as store:
        _downgrade(store, "0001")
        assert "analyses" not in sa.inspect(store.engine).get_table_names()
    with Store.open(url) as store:
        assert [a.url for a in store.articles()] == ["https://a.example/1"]
        assert "analyses" in sa.inspect(store.engine).get_table_names()
        with store.engine.connect() as conn:
            version = conn.execute(sa.text("select version_num from alembic_version")).scalar_one()
    assert version == ScriptDirectory.from_config(_alembic_config()).get_current_head()


def _alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def _downgrade(store: Store, revision: str) -> None:
    cfg = _alembic_config()
    with store.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, revision)


def test_unreachable_database_names_the_url_and_the_setting() -> None:
    with pytest.raises(StoreError) as err:
        Store.open("postgresql+psycopg://nobody:secret@127.0.0.1:1/none")
    message = str(err.value)
    assert "127.0.0.1:1" in message and "[database] url" in message
    assert "secret" not in message


def test_not_a_database_url() -> None:
    with pytest.raises(StoreError, match="not a database URL"):
        Store.open("coopwatch.db")


def test_analysis_round_trip_and_place_index(database_url: str) -> None:
    with Store.open(database_url) as store:
        first = store.add_article(make("https://a.example/1", BODY_ZH))
        second = store.add_article(make("https://a.example/2", BODY_EN))
        assert first.id is not None and second.id is not None
        assert [a.id for a in store.pending_analysis(10)] == [first.id, second.id]
        analysis = Analysis(
            language="zh",
            segments=[Segment("zh", "鹤山市与开平市签署协议。", "Hans")],
            districts=[
                Place("440784", "鹤山市", "Heshan City", "county_city", [Mention("鹤山市", 0, 3)]),
                Place("440783", "开平市", "Kaiping City", "county_city", []),
            ],
            regions=[Place("440000", "广东省", "Guangdong Province", "province", [])],
            pairings=[Pairing(["440783", "440784"], "pairing", "鹤山市与开平市签署协议。")],
            amounts=[Money("3300万元", 33000000, "CNY")],
            version="1",
        )
        store.save_analysis(first.id, analysis)
        assert [a.id for a in store.pending_analysis(10)] == [second.id]
        assert [a.id for a in store.pending_analysis(10, version="2")] == [first.id, second.id]
        assert store.analysis(first.id) == analysis
        assert store.analysis(second.id) is None
        assert store.articles_mentioning("440784") == [first.id]
        # saving again replaces, it does not add
        analysis.districts = analysis.districts[:1]
        store.save_analysis(first.id, analysis)
        assert store.articles_mentioning("440783") == []
        assert store.articles_mentioning("440000") == [first.id]
