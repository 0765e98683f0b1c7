"""The demo province: 江苏省高级人民法院 (苏) over the 13 intermediate courts of its cities
(苏01 … 苏13) and their basic courts (苏0102 …), 108 courts in all (DOMAIN.md, court codes).

Data and plans only (no database). 苏州 (苏05) is the demo city itself, with the same courts,
divisions and codes, so that the demo accounts of a city have their units in a province too.
The other cities' basic courts are real districts and counties; their sizes, judges and
administrative jurisdiction are our own estimates, drawn from the seed. A province is generated
city by city, in slices (`province_slices`): each slice is a self-contained set of case
families (appeals stay inside their city), so memory stays flat whatever the number of cases.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cases.choices import CourtLevel
from cases.demo import catalogue as cat
from cases.demo.people import DEMO_BASIC_COURT, CityPlan, court_system_plan

HIGH_COURT = cat.CourtSpec("苏", "江苏省高级人民法院", weight=1.0, judges=120, administrative=True)
# Share of the province's cases that are the high court's own (its first instance and what
# derives from it); the appeals from the intermediate courts' first instance are recorded on
# the appealed cases (as a city demo records them).
HIGH_COURT_SHARE = 0.01
# Slices of at most this many cases are generated and loaded one after another.
SLICE = 500_000


@dataclass(frozen=True)
class CitySpec:
    code: str  # the intermediate court's
    city: str
    weight: float  # share of the province's cases (before the high court's)
    basics: tuple[tuple[str, str], ...]  # (code, district or county) of its basic courts


CITIES = (
    CitySpec("苏01", "南京市", 0.125, (
        ("苏0102", "玄武区"), ("苏0104", "秦淮区"), ("苏0105", "建邺区"), ("苏0106", "鼓楼区"),
        ("苏0111", "浦口区"), ("苏0113", "栖霞区"), ("苏0114", "雨花台区"), ("苏0115", "江宁区"),
        ("苏0116", "六合区"), ("苏0117", "溧水区"), ("苏0118", "高淳区"),
    )),
    CitySpec("苏02", "无锡市", 0.09, (
        ("苏0205", "锡山区"), ("苏0206", "惠山区"), ("苏0211", "滨湖区"), ("苏0213", "梁溪区"),
        ("苏0214", "新吴区"), ("苏0281", "江阴市"), ("苏0282", "宜兴市"),
    )),
    CitySpec("苏03", "徐州市", 0.09, (
        ("苏0302", "鼓楼区"), ("苏0303", "云龙区"), ("苏0305", "贾汪区"), ("苏0311", "泉山区"),
        ("苏0312", "铜山区"), ("苏0321", "丰县"), ("苏0322", "沛县"), ("苏0324", "睢宁县"),
        ("苏0381", "新沂市"), ("苏0382", "邳州市"),
    )),
    CitySpec("苏04", "常州市", 0.065, (
        ("苏0402", "天宁区"), ("苏0404", "钟楼区"), ("苏0411", "新北区"), ("苏0412", "武进区"),
        ("苏0413", "金坛区"), ("苏0481", "溧阳市"),
    )),
    CitySpec("苏05", "苏州市", 0.15, ()),  # the demo city: catalogue.BASIC_COURTS
    CitySpec("苏06", "南通市", 0.08, (
        ("苏0612", "通州区"), ("苏0613", "崇川区"), ("苏0614", "海门区"), ("苏0623", "如东县"),
        ("苏0681", "启东市"), ("苏0682", "如皋市"), ("苏0685", "海安市"),
    )),
    CitySpec("苏07", "连云港市", 0.04, (
        ("苏0703", "连云区"), ("苏0706", "海州区"), ("苏0707", "赣榆区"), ("苏0722", "东海县"),
        ("苏0723", "灌云县"), ("苏0724", "灌南县"),
    )),
    CitySpec("苏08", "淮安市", 0.045, (
        ("苏0803", "淮安区"), ("苏0804", "淮阴区"), ("苏0812", "清江浦区"), ("苏0813", "洪泽区"),
        ("苏0826", "涟水县"), ("苏0830", "盱眙县"), ("苏0831", "金湖县"),
    )),
    CitySpec("苏09", "盐城市", 0.065, (
        ("苏0902", "亭湖区"), ("苏0903", "盐都区"), ("苏0904", "大丰区"), ("苏0921", "响水县"),
        ("苏0922", "滨海县"), ("苏0923", "阜宁县"), ("苏0924", "射阳县"), ("苏0925", "建湖县"),
        ("苏0981", "东台市"),
    )),
    CitySpec("苏10", "扬州市", 0.05, (
        ("苏1002", "广陵区"), ("苏1003", "邗江区"), ("苏1012", "江都区"), ("苏1023", "宝应县"),
        ("苏1081", "仪征市"), ("苏1084", "高邮市"),
    )),
    CitySpec("苏11", "镇江市", 0.04, (
        ("苏1102", "京口区"), ("苏1111", "润州区"), ("苏1112", "丹徒区"), ("苏1181", "丹阳市"),
        ("苏1182", "扬中市"), ("苏1183", "句容市"),
    )),
    CitySpec("苏12", "泰州市", 0.05, (
        ("苏1202", "海陵区"), ("苏1203", "高港区"), ("苏1204", "姜堰区"), ("苏1281", "兴化市"),
        ("苏1282", "靖江市"), ("苏1283", "泰兴市"),
    )),
    CitySpec("苏13", "宿迁市", 0.05, (
        ("苏1302", "宿城区"), ("苏1311", "宿豫区"), ("苏1322", "沭阳县"), ("苏1323", "泗阳县"),
        ("苏1324", "泗洪县"),
    )),
)  # fmt: skip
# Judges of a basic court per unit of its share of the city's filings, in a city of 苏州's size
# (~500 per 1.0); scaled by the city's weight.
JUDGES_PER_WEIGHT = 520
SUZHOU_WEIGHT = 0.15


def province_plans(seed: int) -> list[CityPlan]:
    """The high court alone, then each city (its intermediate court, whose parent is the high
    court, over its basic courts). The same seed gives the same courts and people."""
    plans = [
        court_system_plan(
            np.random.default_rng([seed, 1, 0]), top=HIGH_COURT, top_level=CourtLevel.HIGH
        )
    ]
    for number, city in enumerate(CITIES, start=1):
        rng = np.random.default_rng([seed, 1, number])
        if city.code == cat.INTERMEDIATE.code:
            top, basics, busy = cat.INTERMEDIATE, cat.BASIC_COURTS, DEMO_BASIC_COURT
        else:
            top = cat.CourtSpec(
                city.code, f"{city.city}中级人民法院", weight=0.05, judges=120, administrative=True
            )
            basics, busy = _basic_courts(rng, city), None
        plans.append(
            court_system_plan(
                rng,
                top=top,
                basics=basics,
                top_parent=HIGH_COURT.code,
                busy_court=busy,
            )
        )
    return plans


def _basic_courts(rng: np.random.Generator, city: CitySpec) -> tuple[cat.CourtSpec, ...]:
    """A city's basic courts: 0.95 of its filings shared at random; administrative cases go to
    two of them (centralised jurisdiction, as in 苏州)."""
    shares = rng.lognormal(0.0, 0.35, len(city.basics))
    shares = 0.95 * shares / shares.sum()
    administrative = set(rng.choice(len(city.basics), size=2, replace=False).tolist())
    return tuple(
        cat.CourtSpec(
            code,
            f"{district}人民法院" if district[-1] in "市县" else f"{city.city}{district}人民法院",
            weight=float(share),
            judges=max(15, round(JUDGES_PER_WEIGHT * share * city.weight / SUZHOU_WEIGHT)),
            administrative=i in administrative,
        )
        for i, ((code, district), share) in enumerate(zip(city.basics, shares, strict=True))
    )


def province_slices(count: int, *, size: int = SLICE) -> list[tuple[int, int, int]]:
    """(plan index, slice number, cases) for `count` cases: the high court's share, then each
    city's by weight, each cut into slices of at most `size` cases."""
    weights = np.array([HIGH_COURT_SHARE, *((1 - HIGH_COURT_SHARE) * _city_weights())])
    counts = np.floor(weights * count).astype(np.int64)
    counts[np.argmax(weights)] += count - counts.sum()  # the rounding goes to the largest
    slices = []
    for plan, total in enumerate(counts.tolist()):
        pieces = max(1, -(-total // size))
        for number in range(pieces):
            cases = total // pieces + (1 if number < total % pieces else 0)
            if cases:
                slices.append((plan, number, cases))
    return slices


def _city_weights() -> np.ndarray:
    weights = np.array([city.weight for city in CITIES])
    return weights / weights.sum()
