"""Initiatives from sentences: types, what money pays for, dates, places named again."""

from __future__ import annotations

import pytest

from nlp.amounts import find_amounts
from nlp.initiatives import find_date, find_initiatives, merge_again


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


def test_words_written_together_are_one_thing_of_the_last_words_type() -> None:
    assert kinds("两地将联合改造农村学校。") == {"education": None}
    assert kinds("双方共建了食用菌产业园。") == {"industrial_park": None}
    assert kinds("The two cities will open a rural school.") == {"education": None}


def test_a_named_park_is_a_park_but_other_words_in_the_name_are_not() -> None:
    sentence = "The Kashgar Shenzhen Industrial Park, built with Shenzhen's help, employs 12,000."
    start = sentence.index("Kashgar")
    end = sentence.index(",")
    assert kinds(sentence, names=[(start, end)]) == {"industrial_park": None}


def test_money_for_a_part_leaves_the_whole_a_pool() -> None:
    result = found("广东省安排援藏资金3.6亿元，其中1.1亿元用于察隅县的茶园提质。")
    paid = {(i.type, i.amount.value) for i in result if i.amount}
    assert ("fund", 360_000_000) in paid
    assert ("rural_revitalisation", 110_000_000) in paid
    assert ("rural_revitalisation", 360_000_000) not in paid


def test_a_purpose_in_a_later_clause_is_not_the_amounts() -> None:
    result = kinds("鄞州区将出资2亿元参与园区开发，园区收益按比例返还龙泉市，用于壮大村集体经济。")
    assert result["industrial_park"] == 200_000_000


def test_aid_money_for_one_project_is_that_project() -> None:
    result = found("白云区累计投入帮扶资金6800万元，支持纳雍县建设食用菌产业园。")
    paid = {(i.type, i.amount.value) for i in result if i.amount}
    assert paid == {("industrial_park", 68_000_000)}
    # for several things it is a pool, whether they are of one kind or not
    result = found("宝安区向塔县投入援疆资金6800万元，重点建设牦牛养殖基地和奶牛养殖场。")
    assert {(i.type, i.amount.value) for i in result if i.amount} == {("fund", 68_000_000)}


def test_a_fund_by_name_keeps_its_money_whatever_it_is_for() -> None:
    result = found("两地共同设立5000万元教育发展基金，用于资助农村学校。")
    assert {(i.type, i.amount.value) for i in result if i.amount} == {("fund", 50_000_000)}


def test_statistics_sales_and_prices_are_not_money_spent() -> None:
    assert all(i.amount is None for i in found("园区去年实现产值32.6亿元，同比增长12%。"))
    assert all(i.amount is None for i in found("两地推出旅游联票，联票定价398元。"))
    assert all(
        i.amount is None for i in found("The park's sales reached 2 billion yuan last year.")
    )


def test_firms_signing_is_investment_promotion_not_an_agreement() -> None:
    result = kinds("江门高新区现场与14家港资企业签约。")
    assert "investment_promotion" in result
    assert "agreement" not in result
    assert "investment_promotion" in kinds("双方签约12个数字经济项目，总投资约47亿元。")


def test_an_agreement_referred_back_to_is_not_a_new_one() -> None:
    assert "agreement" not in kinds("根据协议，鹤山与开平将组建产业联盟。")
    assert "agreement" not in kinds("Under the agreement, the two cities will form an alliance.")
    assert "agreement" in kinds("鹤山与开平签署结对合作框架协议。")


def test_a_relation_set_up_or_described_is_not_an_initiative() -> None:
    assert found("福田区与海丰县建立结对关系。") == []
    assert found("广州市对口帮扶梅州市工作进入新阶段。") == []
    assert kinds("两地建立了跨区域政务服务通办机制。") == {"other": None}


def test_people_sent_to_the_other_side_are_an_exchange_of_personnel() -> None:
    result = kinds("Lianyungang sent 23 teachers and doctors to Khorgos.")
    assert "talent_exchange" in result
    assert "talent_exchange" in kinds("鹤山市选派15名干部到开平市挂职。")
    # doctors alone are health: the verb that sends them is not a second, talent thing
    assert kinds("鹤山市选派15名医生到开平市人民医院坐诊。") == {"health": None}
    # words before the people keep their type, so money still pays for the rural project
    result = kinds(
        "Heshan will send rural technology specialists to villages in Kaiping, "
        "backed by 12 million yuan."
    )
    assert result["rural_revitalisation"] == 12_000_000
    assert "talent_exchange" in result


def test_money_for_a_purpose_keeps_the_purposes_type() -> None:
    result = found("中山市将安排500万元宣传推广资金。")
    paid = {(i.type, i.amount.value) for i in result if i.amount}
    assert ("tourism_culture", 5_000_000) in paid


def test_rents_and_prices_per_unit_are_not_money_spent() -> None:
    sentence = "The centre will offer 120 desks at a monthly rent of MOP 500 each."
    assert all(i.amount is None for i in found(sentence))
    assert all(
        i.amount is None
        for i in found("Kaiping tea is sold in Heshan shops for 90 yuan a kilogram.")
    )


def test_the_total_investment_of_projects_is_the_projects() -> None:
    result = found("试验区与一批深圳企业签约12个数字经济项目，总投资约47亿元。", names=[(0, 3)])
    paid = {(i.type, i.amount.value) for i in result if i.amount}
    assert paid == {("investment_promotion", 4_700_000_000)}


def test_training_people_is_education_training_officials_an_exchange() -> None:
    assert "education" in kinds("Heshan will train 200 e-commerce livestreamers in Kaiping.")
    assert "talent_exchange" in kinds("鹤山市将为开平市培训100名基层干部。")


def test_deals_worth_an_amount_are_investment_and_energy_is_infrastructure() -> None:
    result = kinds("Kaiping firms have also signed deals worth 300 million yuan in Heshan.")
    assert result["investment_promotion"] == 300_000_000
    result = kinds("Another 120 million yuan will go towards a solar-power project in Kaiping.")
    assert result["infrastructure"] == 120_000_000


def test_firms_investing_and_funds_giving() -> None:
    result = kinds("一家侨资企业亦投资2,000万元人民币在开平兴建茶文化体验馆。")
    assert result["investment_promotion"] == 20_000_000
    # a fund that donates is the giver: the money pays for the schools
    result = found("香港一家慈善基金将捐出1.5亿港元，在开平援建两所寄宿学校。")
    paid = {(i.type, i.amount.value) for i in result if i.amount}
    assert ("education", 150_000_000) in paid
    assert ("fund", 150_000_000) not in paid
    # a firm's signing, then the investment its project plans
    result = kinds("鹤山区与一家度假村集团签约，双方将合作开发度假项目，计划投资15亿元。")
    assert result["investment_promotion"] == 1_500_000_000


def test_a_high_speed_train_is_infrastructure_not_training() -> None:
    result = kinds("Visitors to Kaiping can now take a direct high-speed train from Heshan.")
    assert "infrastructure" in result
    assert "education" not in result


def test_money_whose_uses_are_listed_is_a_pool() -> None:
    result = found("鹤山市每年安排2000万元，用于开平市旅游推介和公共服务设施提升。")
    paid = {(i.type, i.amount.value) for i in result if i.amount}
    assert ("fund", 20_000_000) in paid
    # one use named: the money is that use's
    assert kinds("鹤山市安排1000万元，用于开平的学校建设。") == {"education": 10_000_000}


def test_the_verb_fund_is_no_fund() -> None:
    result = kinds("Heshan will fund a 120-million-yuan digital education centre in Kaiping.")
    assert result == {"education": 120_000_000}
    assert "fund" in kinds("Heshan set up a 20 million yuan fund for Kaiping.")


def test_the_total_investment_of_a_thing_just_named_is_its_cost() -> None:
    result = kinds("鹤山将协助开平建设游艇产业服务中心，预计总投资8亿元人民币。")
    assert result["other"] == 800_000_000
    assert "fund" not in result


def test_firms_signing_or_spending_and_what_was_bought_so_far() -> None:
    result = kinds("开平一家文创企业已与鹤山当地合作社签约，年采购金额约300万元。")
    assert result["investment_promotion"] == 3_000_000
    assert "agreement" not in result
    result = kinds("鹤山一家酒店集团亦宣布斥资2亿元人民币在开平开设分店。")
    assert result["investment_promotion"] == 200_000_000
    assert all(i.amount is None for i in found("开平企业采购鹤山农产品金额已达2.4亿元。"))


@pytest.mark.parametrize(
    ("sentence", "kind"),
    [
        ("澳门方面将拨出800万澳门元，在鹤山、开平两地举办美食周。", "tourism_culture"),
        ("兴凯湖旅游推介会同期在开平举行。", "tourism_culture"),
        ("Heshan and Kaiping will stage a joint winter arts festival.", "tourism_culture"),
        ("并在鹤山开设开平特色农产品展销中心。", "other"),
        ("Rice from Kaiping will go on sale in a new showroom in Heshan.", "other"),
        ("Heshan will subsidise charter flights from Kaiping this winter.", "infrastructure"),
        ("Heshan paired with Kaiping to build a beef processing base.", "rural_revitalisation"),
        ("鹤山市第十批援开工作队日前抵达开平市。", "talent_exchange"),
        ("鹤山市蓬江区与开平市结为友好县区。", "agreement"),
    ],
)
def test_domain_words(sentence: str, kind: str) -> None:
    assert kind in kinds(sentence)


@pytest.mark.parametrize(
    ("sentence", "kind", "fires"),
    [
        ("鹤山市与开平市共建职业技能培训基地。", "education", True),
        ("鹤山在开平建设冷链物流园，方便农产品外运。", "infrastructure", True),
        ("两地合作打造产业孵化园，吸引青年创业。", "incubator", True),
        ("鹤山与开平共建科创中心。", "incubator", True),
        ("鹤山派出医疗队赴开平开展义诊。", "health", True),
        ("鹤山市人民医院与开平市开通远程会诊。", "health", True),
        ("鹤山组织开平农村劳动力劳务输出。", "talent_exchange", True),
        ("鹤山援建的就业帮扶车间在开平投产。", "rural_revitalisation", True),
        ("鹤山与开平共建现代农业产业园。", "rural_revitalisation", True),
        ("鹤山各大商超开设开平产品专柜，开展产销对接。", "other", True),
        ("鹤山主播在开平直播间带货。", "other", True),
        ("鹤山与开平联合开发研学旅行线路。", "tourism_culture", True),
        ("鹤山企业在开平设厂，实施产业链招商。", "investment_promotion", True),
        ("鹤山与开平签署合作协议书。", "agreement", True),
        ("鹤山市安排补助资金支持开平。", "fund", True),
        ("鹤山在开平建设光伏电站和充电桩。", "infrastructure", True),
        ("Heshan will open a vocational training centre in Kaiping.", "education", True),
        ("Heshan doctors launched a telemedicine service for Kaiping.", "health", True),
        ("Heshan sent a medical team to Kaiping.", "health", True),
        ("Heshan held a job fair for Kaiping workers.", "talent_exchange", True),
        ("Heshan will help Kaiping sell rice through e-commerce.", "other", True),
        ("Heshan built a logistics park in Kaiping.", "infrastructure", True),
        ("Heshan and Kaiping opened a cold-chain warehouse.", "infrastructure", True),
        ("Heshan and Kaiping set up a joint research institute.", "incubator", True),
        ("Heshan set up an innovation park with Kaiping.", "incubator", True),
        ("Heshan hosted an investment forum for Kaiping.", "investment_promotion", True),
        (
            "Kaiping's tea growers signed purchase agreements with Heshan firms.",
            "investment_promotion",
            True,
        ),
        ("Heshan signed a memorandum with Kaiping on a high-tech zone.", "industrial_park", True),
        # produce, visitors, hotels and talk of development name no initiative
        ("开平的葡萄今年丰收。", "rural_revitalisation", False),
        ("开平游客人数创新高。", "tourism_culture", False),
        ("鹤山与开平将进一步加强交往，推动高质量发展。", "rural_revitalisation", False),
        ("Heshan's hotel in Kaiping had a good year.", "tourism_culture", False),
        (
            "Heshan officials said the two cities will keep working together.",
            "talent_exchange",
            False,
        ),
        ("Heshan and Kaiping share a long history of trade.", "investment_promotion", False),
    ],
)
def test_news_vocabulary(sentence: str, kind: str, fires: bool) -> None:
    assert (kind in kinds(sentence)) is fires


@pytest.mark.parametrize(
    ("sentence", "relation"),
    [
        ("鹤山与开平签约结对，开展结对共建。", "pairing"),
        ("鹤山市与开平市缔结友好交流城市关系。", "sister_city"),
        ("鹤山对开平开展组团式帮扶。", "assistance"),
        ("鹤山与开平携手共建产业园。", "co_build"),
        ("鹤山与开平共同举办美食节。", "cooperation"),
        ("Heshan became a partner city of Kaiping.", "pairing"),
        ("Heshan and Kaiping became sister provinces.", "sister_city"),
        ("Kaiping is aided by Heshan.", "assistance"),
        ("Heshan and Kaiping jointly operate the logistics park.", "co_build"),
        ("Heshan and Kaiping joined forces on tourism.", "cooperation"),
        ("Heshan and Kaiping face twin challenges.", None),
    ],
)
def test_relation_vocabulary(sentence: str, relation: str | None) -> None:
    from nlp.relations import sentence_relation

    assert sentence_relation(sentence) == relation


def test_money_for_the_firms_deal_and_conversions_in_brackets() -> None:
    # what a firm buys or invests after signing is the deal's money
    result = kinds("会上，一家澳门贸易公司与开平签约，今后每年采购开平白酒和茶叶约8000万元。")
    assert result["investment_promotion"] == 80_000_000
    # "(about 4.6 million yuan)" repeats the amount: one initiative, in the deal's currency
    result = found(
        "A Kaiping showroom for local produce opened in Heshan with an investment of "
        "MOP 5 million (about 4.6 million yuan)."
    )
    paid = {(i.type, i.amount.value, i.amount.currency) for i in result if i.amount}
    assert paid == {("other", 5_000_000, "MOP")}


def test_an_investment_of_is_money_not_promotion() -> None:
    result = kinds(
        "A Sino-German industrial park co-built by Heshan and Kaiping broke ground, with a "
        "planned investment of 1.2 billion yuan."
    )
    assert result.get("industrial_park") == 1_200_000_000
    assert "investment_promotion" not in result


@pytest.mark.parametrize(
    "sentence",
    [
        "当地合作社的玉石摆件旺季每件售价在300元至2000元之间。",
        "鹤山将资助企业赴开平参展，每家企业最高可获3万元补贴。",
        "首发团每人收费1280元。",
        "Visitors get free entry to a park in Kaiping, where a ticket normally costs 108 yuan.",
        "Last year exports from Heshan to Kaiping, mostly tea, reached 320 million yuan.",
    ],
)
def test_prices_caps_and_trade_are_not_money_spent(sentence: str) -> None:
    assert all(i.amount is None for i in found(sentence))


def test_signing_totals_and_money_that_goes_to_places() -> None:
    result = kinds("鹤山在开平举办产业协作对接会，现场签约加工等项目9个，签约额达8.7亿元。")
    assert result["investment_promotion"] == 870_000_000
    result = found(
        "Of that sum, 380 million yuan will go to Heshan and 210 million yuan to Kaiping."
    )
    assert sorted(i.amount.value for i in result if i.amount) == [210_000_000, 380_000_000]


def test_an_agricultural_park_is_a_farming_project_a_mushroom_park_a_park() -> None:
    assert "rural_revitalisation" in kinds("由鹤山援建的开平设施农业园区日前投用。")
    assert "industrial_park" in kinds("双方共建了食用菌产业园。")


def test_a_group_named_again_brings_its_places() -> None:
    assert kinds("今年下达三县的帮扶资金共5.4亿元。", places=False) == {"fund": 540_000_000}


def test_a_firm_that_signs_and_then_invests_is_investment_promotion() -> None:
    result = kinds("会上，开平市与香港一家物流集团签约，后者将投资港币45亿元在开平建设商贸物流园。")
    assert result["investment_promotion"] == 4_500_000_000
    result = kinds(
        "Heshan also signed a deal with a Hong Kong logistics group, which will invest "
        "HK$3.8 billion in a cold-chain hub."
    )
    assert result["investment_promotion"] == 3_800_000_000
    # a total investment is not the firm's deal
    assert kinds("两地将共建产业转移园，引进企业12家，计划总投资9.8亿元。")["industrial_park"] == (
        980_000_000
    )


def test_money_that_goes_to_several_uses_or_into_a_place_is_a_fund() -> None:
    result = found(
        "This year's allocation of 240 million yuan will go mainly to potato processing and "
        "herbal medicine in Kaiping."
    )
    assert ("fund", 240_000_000) in {(i.type, i.amount.value) for i in result if i.amount}
    result = found("Heshan is putting 52 million yuan into Kaiping, most of it for a juice plant.")
    assert [i.amount.value for i in result if i.amount] == [52_000_000]


@pytest.mark.parametrize(
    ("sentence", "kind"),
    [
        (
            "Heshan has paired with Kaiping, sending 18 teachers and doctors there.",
            "talent_exchange",
        ),
        ("Heshan and Kaiping became friendship cities on September 28, 2024.", "agreement"),
        ("两地职业院校还将互派50名学生交流学习。", "education"),
        ("鹤山还推出了开平一日游线路。", "tourism_culture"),
        ("其中1200万元用于开平黑土地保护性耕作示范区建设。", "rural_revitalisation"),
    ],
)
def test_more_domain_words(sentence: str, kind: str) -> None:
    assert kind in kinds(sentence)


def test_people_sent_teachers_alone_doctors_alone_or_a_mix() -> None:
    result = kinds("北京市今年还从开平市选派28名中小学教师到北京的学校跟岗学习。")
    assert "education" in result
    assert "health" in kinds("Heshan sent 36 doctors to the county hospital of Kaiping.")
    assert "talent_exchange" in kinds("Heshan sent 12 teachers and doctors to Kaiping.")
    assert "talent_exchange" in kinds(
        "Heshan and Kaiping will also swap 20 officials for postings."
    )
    result = kinds("50 Kaiping officials will attend training courses in Heshan.")
    assert "talent_exchange" in result


def test_a_firm_agreeing_to_buy_is_investment_promotion() -> None:
    result = kinds(
        "A Heshan pharmaceutical firm has agreed to buy ginseng worth 45 million yuan a year."
    )
    assert result["investment_promotion"] == 45_000_000


def test_an_amount_before_a_thing_is_that_things() -> None:
    result = kinds(
        "Kaiping will build a 60-million-yuan visitor centre on the road that links the cities."
    )
    assert result["tourism_culture"] == 60_000_000
    result = kinds("其中，一家香港上市公司将在开平市投资35亿元人民币，兴建钛合金精密加工基地。")
    assert result["investment_promotion"] == 3_500_000_000


def test_pledges_uses_after_most_of_it_and_characters_of_a_place_name() -> None:
    assert kinds("Heshan has pledged 45 million yuan this year to Kaiping.") == {"fund": 45_000_000}
    result = found(
        "This year Heshan will put 86 million yuan into Kaiping, most of it for a greenhouse "
        "park and a drip-irrigation project."
    )
    assert ("fund", 86_000_000) in {(i.type, i.amount.value) for i in result if i.amount}
    # 桥 inside 红桥区 is no bridge
    sentence = "红桥区一家连锁餐饮企业与环县签署羊肉直供协议，年采购金额约1500万元。"
    result = find_initiatives(
        sentence, ["120106"], find_amounts(sentence), has_place=True, places=[(0, 3)]
    )
    assert "infrastructure" not in {i.type for i in result}
    assert ("investment_promotion", 15_000_000) in {
        (i.type, i.amount.value) for i in result if i.amount
    }


def test_processing_parks_first_projects_and_foundations() -> None:
    # a park for processing farm products is a farming project (the guide's rule)
    assert "rural_revitalisation" in kinds("由鹤山援建的开平核桃精深加工产业园正式开园。")
    result = kinds("同一天，两地共建的产业转移园揭牌，首批5个入园项目计划投资9.6亿元。")
    assert result["investment_promotion"] == 960_000_000
    # a foundation pays; it is no fund
    result = kinds("鹤山将协助开平培训酒店管理人才，培训费用约300万元由鹤山一家基金会资助。")
    assert "fund" not in result


# Typing by what the money or the action attaches to, not by every word in the sentence.


def test_money_for_several_kinds_of_things_is_one_fund_and_nothing_else() -> None:
    sentence = "宿迁市今年将向铜川市拨付财政帮扶资金1.15亿元，重点用于产业园区建设和乡村振兴。"
    assert kinds(sentence) == {"fund": 115_000_000}
    # where it goes, then what it pays for in the next clause
    sentence = "其中1.3亿元投向波密县，主要用于茶叶加工厂和县城供水管网改造。"
    assert kinds(sentence) == {"fund": 130_000_000}


def test_money_for_several_things_of_one_kind_is_that_kind() -> None:
    result = found("鹤山市安排1500万元，用于开平市两所小学和一所中学的建设。")
    assert [(i.type, i.amount and i.amount.value) for i in result] == [("education", 15_000_000)]
    # places listed are not uses listed
    sentence = "有8600万元投向疏附县和伽师县的中小学建设。"
    spans = [(sentence.index(p), sentence.index(p) + 3) for p in ("疏附县", "伽师县")]
    result = find_initiatives(
        sentence, ["653121", "653129"], find_amounts(sentence), has_place=True, places=spans
    )
    assert [(i.type, i.amount and i.amount.value) for i in result] == [("education", 86_000_000)]


def test_the_use_named_after_the_money_is_not_a_second_initiative() -> None:
    assert kinds("淮安市对贵德县投入7200万元，用于贵德县人民医院门诊楼改扩建。") == {
        "health": 72_000_000
    }


def test_who_pays_a_share_of_a_projects_cost_is_not_an_initiative() -> None:
    result = found("由栖霞区援建的加工厂近日投产，总投资4500万元，其中援助资金2800万元。")
    assert [i.amount.value for i in result if i.amount] == [45_000_000]
    assert "fund" not in {i.type for i in result}
    # a share with a use of its own is one
    result = found("广东省安排援藏资金3.6亿元，其中1.1亿元用于察隅县的茶园提质。")
    assert {i.amount.value for i in result if i.amount} == {360_000_000, 110_000_000}


def test_fields_of_cooperation_are_not_things_done() -> None:
    assert kinds("两地将在教育、医疗和文旅方面深化交流。") == {}
    assert kinds("双方签署了涵盖金融、科创及青年交流等领域的7份协议。") == {"agreement": None}
    assert kinds("The two cities will work in areas such as tourism and education.") == {}


def test_a_firms_deal_takes_its_agreement_and_what_it_builds() -> None:
    sentence = (
        "同日，常州一家新能源电池企业与射阳县签署投资协议，拟投资25亿元建设储能电池生产基地。"
    )
    assert kinds(sentence) == {"investment_promotion": 2_500_000_000}
    sentence = "Yulin signed a 3.6 billion yuan contract with a Vietnamese machinery maker."
    assert kinds(sentence) == {"investment_promotion": 3_600_000_000}


def test_deals_counted_at_a_fair_are_investment_promotion_not_an_agreement() -> None:
    assert kinds("本届洽谈会共签约项目132个，签约总额680亿元。") == {
        "investment_promotion": 68_000_000_000
    }
    result = kinds("Deals worth 48.6 billion yuan were signed on the opening day.")
    assert "agreement" not in result and result["investment_promotion"] == 48_600_000_000


def test_a_subsidy_is_typed_by_what_it_pays_for() -> None:
    assert kinds("两市对首年运营给予航线补贴共800万元。") == {"infrastructure": 8_000_000}


def test_a_thing_named_again_by_its_head_word_is_marked() -> None:
    again = {i.type: i.again for i in found("该园区首期投资4.5亿元。")}
    assert again == {"industrial_park": True}
    again = {i.type: i.again for i in found("两地共建食用菌产业园。")}
    assert again == {"industrial_park": False}
    assert [i.again for i in found("The park will cost 1.3 billion yuan.")] == [True]


def test_merge_again_joins_a_mention_to_the_thing_told_before() -> None:
    def item(kind: str, text: str, amount: int | None, start: int, again: bool) -> dict:  # type: ignore[type-arg]
        money = {"text": "x", "value": amount, "currency": "CNY"} if amount else None
        return {"type": kind, "text": text, "districts": ["440784"], "amount": money,
                "date": None, "evidence": [start, start + 10], "again": again}  # fmt: skip

    merged = merge_again(
        [
            item("industrial_park", "食用菌产业园", None, 0, False),
            item("industrial_park", "园区", 450_000_000, 10, True),
        ]
    )
    assert len(merged) == 1
    assert merged[0]["amount"]["value"] == 450_000_000 and merged[0]["evidence"] == [0, 20]
    # a second amount for a thing that has one (a second phase) stays its own
    merged = merge_again(
        [
            item("industrial_park", "产业园", 100, 0, False),
            item("industrial_park", "园区", 200, 10, True),
        ]
    )
    assert len(merged) == 2
    # nothing told before: the mention is the thing
    assert len(merge_again([item("agreement", "协议", None, 0, True)])) == 1
    # the same word for the same places again, without an amount, is the same thing
    merged = merge_again(
        [item("rural_revitalisation", "tea", None, 0, False),
         item("rural_revitalisation", "Tea", None, 10, False)]
    )  # fmt: skip
    assert len(merged) == 1


def test_speech_in_quotation_marks_is_not_a_thing_done() -> None:
    assert kinds("“这几年的苹果坐上了开往长三角的冷链车，果农心里更有底了。”他说。") == {}
    # a name in quotation marks is no speech
    assert "tourism_culture" in kinds("两地联合推出“一线多站”侨乡文化旅游线路。")


def test_a_special_fund_is_a_fund_of_its_own_only_when_set_up() -> None:
    assert kinds("钦州市还将拿出300万元设立陶艺交流专项资金。") == {"fund": 3_000_000}
    assert kinds("两区共安排专项资金1800万元，用于改善农村学校的教学设施。") == {
        "education": 18_000_000
    }


def test_the_cost_of_the_thing_named_just_before_is_that_things() -> None:
    result = kinds("由黑龙江省援建的额河湿地游客中心同日揭牌，项目投资3,000万元。")
    assert result == {"tourism_culture": 30_000_000}
    # the park named again by its head word in the same sentence keeps the park's type
    result = kinds("援建的设施农业园区日前正式投用，园区共建成日光温室420座，总投资6800万元。")
    assert result == {"rural_revitalisation": 68_000_000}


def test_most_of_which_introduces_the_uses_of_the_money() -> None:
    sentence = (
        "Jinshan has allocated 156 million yuan in aid to Yarkant, most of which will go to a "
        "cotton textile workshop and a rural drinking-water project."
    )
    assert kinds(sentence) == {"fund": 156_000_000}


def test_the_people_sent_are_one_thing_not_also_a_school_and_a_hospital() -> None:
    assert kinds("延庆区还选派12名教师和8名医生到怀来县挂职。") == {"talent_exchange": None}
    assert kinds("栖霞区今年选派32名教师、医生到丹凤县支教支医。") == {"talent_exchange": None}
    # in English the list of people ends where something else begins
    result = kinds(
        "Lianyungang also sent 23 teachers and doctors to Khorgos and allocated "
        "RMB 30 million for a bilingual school in the city."
    )
    assert result == {"talent_exchange": None, "education": 30_000_000}


def test_visitors_counted_and_ticket_prices_are_no_tourism_initiative() -> None:
    assert kinds("去年韶关市接待游客超过5000万人次，旅游总收入约520亿元。") == {}
    assert kinds("Last year the three cities received 86 million visitors.") == {}
    # unless the sentence launches something
    assert "tourism_culture" in kinds("两地共建的旅游环线今年接待游客12万人次。")
    assert "tourism_culture" in kinds("两市推出旅游联票，门票为198元。")


def test_speakers_and_universities_by_name_are_not_things_done() -> None:
    assert kinds("当地干部举例说，过去冬季的白菜要从几百公里外运来。") == {}
    assert kinds("位于阿拉尔市的塔里木大学也与浙江大学签署了合作协议。") == {"agreement": None}
    # universities running something together, and university students, are education
    assert "education" in kinds("香港科技大学将与东南大学在无锡合办研究院。")
    assert "education" in kinds("北京市今年将为300名香港大学生提供暑期实习岗位。")


def test_a_tea_processing_park_is_a_farming_project() -> None:
    assert kinds("The two counties opened a tea processing park in the town.") == {
        "rural_revitalisation": None
    }
    # tea alone, as a product, is no initiative
    assert kinds("Xuzhou District exports most of its tea through Macao.") == {}


def test_a_change_against_last_year_and_earnings_are_not_money_spent() -> None:
    result = found("今年泰安市向酉阳县拨付协作资金9800万元，比去年增加600万元。")
    assert [i.amount.value for i in result if i.amount] == [98_000_000]
    assert kinds("Last year the three cities earned 92 billion yuan from tourism.") == {}


def test_money_for_this_is_for_the_thing_just_told() -> None:
    assert kinds("綦江区还将协助桐梓县打造方竹笋加工基地，为此安排协作资金1500万元。") == {
        "rural_revitalisation": 15_000_000
    }
    # where, then what it builds, is the money's use
    assert kinds("两市计划投资1.2亿元，在交界处共同建设一座华侨文化展示中心。") == {
        "tourism_culture": 120_000_000
    }


def test_money_going_to_a_place_or_a_part_of_it_used_is_a_pool() -> None:
    sentence = (
        "东莞市安排对口帮扶资金3.6亿元支持揭阳市，其中1.2亿元用于产业园建设，8000万元投向揭西县。"
    )
    spans = [(sentence.index("揭西县"), sentence.index("揭西县") + 3)]
    result = find_initiatives(
        sentence, ["441900", "445222"], find_amounts(sentence), has_place=True, places=spans
    )
    assert ("fund", 80_000_000) in {(i.type, i.amount.value) for i in result if i.amount}
    sentence = (
        "Fangshan will spend 36 million yuan there this year, "
        "about 40 percent of it on a yak dairy."
    )
    assert kinds(sentence) == {"fund": 36_000_000}


def test_signing_totals_and_firms_that_trade() -> None:
    assert kinds("现场签约项目12个，总金额约86亿元人民币。") == {
        "investment_promotion": 8_600_000_000
    }
    # parts of a signing total are projects of their own, not a payer's share
    result = found("共签约项目86个，总金额612亿元，其中固安县签约的航空航天项目合计148亿元。")
    assert {i.amount.value for i in result if i.amount} == {61_200_000_000, 14_800_000_000}
    assert kinds("其中，一家香港陶瓷贸易商与浮梁县签约，投资5亿元建设陶瓷文创园。") == {
        "investment_promotion": 500_000_000
    }
    assert kinds("Ningbo will host 30 officials from Jilin City for six-month postings.") == {
        "talent_exchange": None
    }
