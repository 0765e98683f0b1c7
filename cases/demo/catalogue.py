"""What the demo city looks like: courts, divisions, names, causes, type mixes and timings.

Data only. The numbers are our own estimates of a large Chinese city's case mix (shares of
filings, durations, appeal and reversal rates), tuned so that the indicators of INDICATORS.md
land near their targets, with some units above and some below.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CourtSpec:
    code: str
    name: str
    weight: float  # share of the city's own (non-derived) filings
    judges: int
    tribunals: tuple[str, ...] = ()
    administrative: bool = False


INTERMEDIATE = CourtSpec(
    code="苏05", name="苏州市中级人民法院", weight=0.05, judges=120, administrative=True
)
BASIC_COURTS = (
    CourtSpec("苏0505", "苏州市虎丘区人民法院", 0.085, 45, ("浒墅关人民法庭",)),
    CourtSpec("苏0506", "苏州市吴中区人民法院", 0.115, 58, ("木渎人民法庭", "甪直人民法庭")),
    CourtSpec("苏0507", "苏州市相城区人民法院", 0.08, 44, ("黄埭人民法庭", "阳澄湖人民法庭")),
    CourtSpec("苏0508", "苏州市姑苏区人民法院", 0.09, 50, (), administrative=True),
    CourtSpec(
        "苏0509",
        "苏州市吴江区人民法院",
        0.13,
        66,
        ("盛泽人民法庭", "震泽人民法庭", "汾湖人民法庭"),
        administrative=True,
    ),
    CourtSpec(
        "苏0581", "常熟市人民法院", 0.145, 70, ("海虞人民法庭", "梅李人民法庭", "支塘人民法庭")
    ),
    CourtSpec(
        "苏0582", "张家港市人民法院", 0.135, 66, ("金港人民法庭", "塘桥人民法庭", "锦丰人民法庭")
    ),
    CourtSpec(
        "苏0583",
        "昆山市人民法院",
        0.17,
        82,
        ("周市人民法庭", "花桥人民法庭", "千灯人民法庭", "巴城人民法庭"),
    ),
)

# Division kinds. A tribunal (人民法庭) is a kind of its own whatever its name.
FILING = "立案庭"
CIVIL_1 = "民一庭"
CIVIL_2 = "民二庭"
CIVIL_3 = "民三庭"
CRIMINAL = "刑事审判庭"
ADMINISTRATIVE = "行政审判庭"
SUPERVISION = "审判监督庭"
ENFORCEMENT = "执行局"
OFFICE = "审判管理办公室"
TRIBUNAL = "人民法庭"

# Judges of the intermediate court, per division.
INTERMEDIATE_STAFF = {
    FILING: 8,
    CIVIL_1: 16,
    CIVIL_2: 18,
    CIVIL_3: 12,
    CRIMINAL: 16,
    ADMINISTRATIVE: 12,
    SUPERVISION: 10,
    ENFORCEMENT: 28,
    OFFICE: 0,
}
# Share of a basic court's judges per division (tribunals share TRIBUNAL's part).
BASIC_STAFF = {
    FILING: 0.07,
    CIVIL_1: 0.17,
    CIVIL_2: 0.17,
    CIVIL_3: 0.05,
    CRIMINAL: 0.11,
    ADMINISTRATIVE: 0.06,
    SUPERVISION: 0.03,
    ENFORCEMENT: 0.22,
    OFFICE: 0.0,
    TRIBUNAL: 0.12,
}

# Surnames roughly by frequency in southern Jiangsu; given-name characters.
SURNAMES = (
    "王张陈李刘周徐朱沈顾陆吴钱孙杨黄蒋许潘金姚费邹谢唐范胡曹汤殷严孔戴袁薛蔡高马何郁缪"
    "浦汪程丁邵任倪夏俞葛钟卢毛叶宋秦冯季邱魏赵施龚瞿吕姜庄杜石罗郭韩彭梁陶林方"
)
GIVEN_CHARACTERS = (
    "伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚桂英华玉萍红娥玲芬燕彬鹏辉琳斌宇浩凯健俊帆"
    "帅旭宁亮鑫晨昊婷雪倩颖佳怡思悦欣蕾文瑶婕雯瑜璐琦晶岚菁峰毅诚晓东海波建国志文卫忠民"
    "新春立坚泉清源嘉骏翔睿哲远航正卓越蔚然雅韵琛珺昕"
)

# Causes (案由), by group, with relative weights.
CAUSES: dict[str, dict[str, float]] = {
    "family": {
        "机动车交通事故责任纠纷": 14,
        "离婚纠纷": 12,
        "物业服务合同纠纷": 8,
        "劳动合同纠纷": 6,
        "房屋租赁合同纠纷": 6,
        "追索劳动报酬纠纷": 5,
        "房屋买卖合同纠纷": 5,
        "提供劳务者受害责任纠纷": 4,
        "生命权、身体权、健康权纠纷": 4,
        "法定继承纠纷": 3,
        "抚养纠纷": 2,
        "离婚后财产纠纷": 1.5,
        "相邻关系纠纷": 1.5,
        "医疗损害责任纠纷": 1.5,
        "赡养纠纷": 1,
        "排除妨害纠纷": 1,
        "同居关系纠纷": 0.5,
    },
    "commercial": {
        "民间借贷纠纷": 16,
        "买卖合同纠纷": 14,
        "金融借款合同纠纷": 10,
        "信用卡纠纷": 7,
        "建设工程施工合同纠纷": 5,
        "承揽合同纠纷": 4,
        "服务合同纠纷": 3,
        "小额借款合同纠纷": 3,
        "融资租赁合同纠纷": 2,
        "财产保险合同纠纷": 2,
        "追偿权纠纷": 2,
        "股权转让纠纷": 1.5,
        "保证合同纠纷": 1.5,
        "运输合同纠纷": 1,
        "合伙合同纠纷": 1,
        "票据追索权纠纷": 1,
        "公司决议纠纷": 0.5,
    },
    "ip": {
        "侵害商标权纠纷": 30,
        "侵害作品信息网络传播权纠纷": 20,
        "著作权权属、侵权纠纷": 10,
        "侵害实用新型专利权纠纷": 8,
        "不正当竞争纠纷": 8,
        "侵害外观设计专利权纠纷": 7,
        "技术合同纠纷": 5,
        "侵害发明专利权纠纷": 3,
        "特许经营合同纠纷": 3,
    },
    "local": {
        "民间借贷纠纷": 14,
        "离婚纠纷": 12,
        "买卖合同纠纷": 10,
        "机动车交通事故责任纠纷": 10,
        "物业服务合同纠纷": 8,
        "劳务合同纠纷": 6,
        "房屋租赁合同纠纷": 5,
        "信用卡纠纷": 5,
        "金融借款合同纠纷": 5,
        "追索劳动报酬纠纷": 4,
        "相邻关系纠纷": 3,
        "农村土地承包合同纠纷": 2,
        "赡养纠纷": 1.5,
        "抚养纠纷": 1.5,
    },
    "crime": {
        "危险驾驶罪": 22,
        "盗窃罪": 14,
        "帮助信息网络犯罪活动罪": 12,
        "诈骗罪": 10,
        "故意伤害罪": 5,
        "掩饰、隐瞒犯罪所得、犯罪所得收益罪": 5,
        "交通肇事罪": 4,
        "开设赌场罪": 4,
        "寻衅滋事罪": 3,
        "非法吸收公众存款罪": 2,
        "合同诈骗罪": 2,
        "贩卖毒品罪": 2,
        "职务侵占罪": 2,
        "侵犯公民个人信息罪": 2,
        "非法经营罪": 1.5,
        "妨害公务罪": 1.5,
        "聚众斗殴罪": 1,
        "假冒注册商标罪": 1,
        "拒不支付劳动报酬罪": 1,
    },
    "serious_crime": {
        "贩卖毒品罪": 15,
        "走私普通货物、物品罪": 15,
        "受贿罪": 12,
        "故意杀人罪": 10,
        "集资诈骗罪": 8,
        "故意伤害罪": 8,
        "组织、领导传销活动罪": 6,
        "抢劫罪": 6,
        "非法吸收公众存款罪": 6,
        "贪污罪": 5,
        "生产、销售伪劣产品罪": 5,
        "强奸罪": 4,
    },
    "commutation": {"减刑": 80, "假释": 20},
    "administrative": {
        "行政处罚": 25,
        "政府信息公开": 10,
        "行政确认": 10,
        "行政强制": 8,
        "行政复议": 8,
        "履行法定职责": 8,
        "行政征收": 6,
        "行政协议": 6,
        "行政许可": 5,
        "行政登记": 5,
        "行政赔偿": 5,
        "行政给付": 2,
        "行政裁决": 2,
    },
    "administrative_review": {"非诉行政执行审查": 100},
    "special_basic": {
        "申请司法确认调解协议": 40,
        "申请实现担保物权": 30,
        "申请宣告公民无民事行为能力": 10,
        "申请指定监护人": 8,
        "申请宣告失踪": 5,
        "申请撤销监护人资格": 5,
        "申请认定财产无主": 2,
    },
    "special_intermediate": {
        "申请撤销仲裁裁决": 60,
        "申请确认仲裁协议效力": 20,
        "申请实现担保物权": 15,
        "申请承认和执行外国仲裁裁决": 5,
    },
    "payment_order": {"申请支付令": 100},
    "pre_suit_confirmation": {"申请司法确认调解协议": 100},
    "preservation": {"申请诉中财产保全": 60, "申请诉前财产保全": 30, "申请仲裁前财产保全": 10},
    "bankruptcy_application": {"申请破产清算": 80, "申请破产重整": 20},
    "bankruptcy": {"破产清算": 80, "破产重整": 15, "破产和解": 5},
    "enforcement": {
        "民间借贷纠纷": 18,
        "买卖合同纠纷": 14,
        "金融借款合同纠纷": 12,
        "追索劳动报酬纠纷": 8,
        "建设工程施工合同纠纷": 5,
        "承揽合同纠纷": 4,
        "信用卡纠纷": 4,
        "服务合同纠纷": 3,
        "融资租赁合同纠纷": 2,
    },
    "enforcement_objection": {"执行行为异议": 60, "案外人执行异议": 40},
    "enforcement_review": {"执行复议": 100},
    "enforcement_supervision": {"执行监督": 100},
}

# Type mix of a court's own filings (derived cases — appeals, remands, enforcement of
# judgments, resumed enforcement, objections, retrials — come on top, from their origins).
BASIC_MIX = {
    "民初": 0.52,
    "执": 0.12,
    "刑初": 0.075,
    "诉前调确": 0.06,
    "执保": 0.05,
    "行初": 0.06,  # only where there is an administrative division
    "民特": 0.02,
    "诉前调书": 0.015,
    "行审": 0.01,  # likewise
    "民督": 0.005,
    "破申": 0.003,
    "破": 0.002,
}
INTERMEDIATE_MIX = {
    "民初": 0.25,
    "刑更": 0.22,
    "执": 0.12,
    "行初": 0.10,
    "民特": 0.08,
    "执保": 0.06,
    "刑初": 0.05,
    "破申": 0.04,
    "破": 0.03,
    "行审": 0.02,
    "诉前调确": 0.02,
    "执监": 0.01,
}


@dataclass(frozen=True)
class Timing:
    """How long a kind of case takes. With a time limit: the share of the allowed time used by
    a case closed in time (Beta), and the rates of extensions, deducted periods, cases closed
    late and long-tail cases. Without one: a log-normal duration."""

    shape: tuple[float, float] = (2.0, 2.0)
    extension_rate: float = 0.0
    extension_days: int = 0
    excluded_rate: float = 0.0
    overdue_rate: float = 0.02
    long_rate: float = 0.0
    median_days: float = 0.0  # no time limit: log-normal median and sigma
    sigma: float = 0.6
    deadline_days: int = 0  # the source system records deadline_on = filed + these days
    deadline_months: int = 0  # ... or filed + these months


# fmt: off
TIMINGS: dict[tuple[str, str], Timing] = {
    ("民初", "small_claims"): Timing(shape=(2.0, 2.4), extension_rate=0.03, extension_days=30,
                                    excluded_rate=0.04, overdue_rate=0.012, long_rate=0.002),
    ("民初", "summary"): Timing(shape=(2.0, 2.1), extension_rate=0.05, extension_days=30,
                               excluded_rate=0.07, overdue_rate=0.018, long_rate=0.004),
    ("民初", "ordinary"): Timing(shape=(2.0, 1.8), extension_rate=0.12, extension_days=180,
                                excluded_rate=0.2, overdue_rate=0.03, long_rate=0.013),
    ("刑初", "fast_track"): Timing(shape=(3.0, 2.5), overdue_rate=0.008),
    ("刑初", "summary"): Timing(shape=(3.0, 2.2), excluded_rate=0.03, overdue_rate=0.01),
    ("刑初", "ordinary"): Timing(shape=(2.2, 2.0), extension_rate=0.1, extension_days=90,
                                excluded_rate=0.15, overdue_rate=0.02, long_rate=0.009),
    ("行初", "summary"): Timing(shape=(2.0, 2.0), overdue_rate=0.02),
    ("行初", "ordinary"): Timing(shape=(2.0, 1.8), extension_rate=0.1, extension_days=90,
                                excluded_rate=0.1, overdue_rate=0.03, long_rate=0.013),
    ("民终", ""): Timing(shape=(2.2, 2.0), extension_rate=0.08, extension_days=90,
                        excluded_rate=0.1, overdue_rate=0.025, long_rate=0.006),
    ("刑终", ""): Timing(shape=(2.5, 2.0), extension_rate=0.1, extension_days=60,
                        overdue_rate=0.02, long_rate=0.004),
    ("行终", ""): Timing(shape=(2.2, 2.0), extension_rate=0.08, extension_days=90,
                        overdue_rate=0.02, long_rate=0.008),
    ("民申", ""): Timing(shape=(2.0, 2.0), extension_rate=0.05, extension_days=90,
                        overdue_rate=0.02, long_rate=0.004),
    ("民再", ""): Timing(shape=(2.0, 1.8), extension_rate=0.1, extension_days=90,
                        excluded_rate=0.1, overdue_rate=0.04, long_rate=0.022),
    ("刑再", ""): Timing(shape=(2.0, 1.8), extension_rate=0.1, extension_days=90),
    ("行再", ""): Timing(shape=(2.0, 1.8), extension_rate=0.1, extension_days=90),
    ("民特", ""): Timing(shape=(1.5, 3.0), overdue_rate=0.02),
    ("执", ""): Timing(shape=(2.0, 1.4), extension_rate=0.08, extension_days=90,
                      excluded_rate=0.15, overdue_rate=0.04, long_rate=0.025),
    ("执恢", ""): Timing(shape=(2.0, 1.4), overdue_rate=0.04, long_rate=0.03, deadline_months=6),
    ("执异", ""): Timing(shape=(2.0, 1.5), overdue_rate=0.05, deadline_days=15),
    ("执复", ""): Timing(shape=(2.0, 1.5), overdue_rate=0.04, deadline_days=30),
    ("执保", ""): Timing(median_days=6, sigma=0.8),
    ("诉前调确", ""): Timing(median_days=12, sigma=0.6),
    ("诉前调书", ""): Timing(median_days=20, sigma=0.6),
    ("民督", ""): Timing(median_days=15, sigma=0.5),
    ("刑更", ""): Timing(median_days=30, sigma=0.5),
    ("行审", ""): Timing(median_days=35, sigma=0.6),
    ("刑申", ""): Timing(median_days=80, sigma=0.6),
    ("行申", ""): Timing(median_days=80, sigma=0.6),
    ("执监", ""): Timing(median_days=90, sigma=0.7),
    ("破申", ""): Timing(median_days=35, sigma=0.8),
    ("破", ""): Timing(median_days=420, sigma=0.8),
}

# Closing methods by type code (civil first instance is drawn per court, see fill.py).
CLOSINGS: dict[str, dict[str, float]] = {
    "刑初": {"judgment": 0.93, "ruling": 0.025, "withdrawal": 0.01, "transfer": 0.01,
             "mediation": 0.005, "other": 0.02},
    "行初": {"judgment": 0.45, "withdrawal": 0.33, "dismissal": 0.15, "ruling": 0.03,
             "mediation": 0.02, "other": 0.02},
    "民终": {"affirmed": 0.70, "modified": 0.11, "remanded": 0.035, "appeal_withdrawn": 0.10,
             "mediation": 0.05, "other": 0.005},
    "刑终": {"affirmed": 0.80, "modified": 0.08, "remanded": 0.03, "appeal_withdrawn": 0.08,
             "other": 0.01},
    "行终": {"affirmed": 0.84, "modified": 0.03, "remanded": 0.03, "appeal_withdrawn": 0.09,
             "other": 0.01},
    "民再": {"affirmed": 0.40, "modified": 0.35, "remanded": 0.10, "mediation": 0.10,
             "other": 0.05},
    "刑再": {"affirmed": 0.50, "modified": 0.40, "remanded": 0.05, "other": 0.05},
    "行再": {"affirmed": 0.50, "modified": 0.30, "remanded": 0.10, "other": 0.10},
    "民申": {"ruling": 0.88, "other": 0.12},
    "刑申": {"ruling": 0.90, "other": 0.10},
    "行申": {"ruling": 0.88, "other": 0.12},
    "民特": {"ruling": 0.80, "judgment": 0.12, "other": 0.08},
    "民督": {"ruling": 0.70, "other": 0.30},
    "诉前调确": {"ruling": 0.92, "other": 0.08},
    "诉前调书": {"mediation": 0.90, "other": 0.10},
    "刑更": {"ruling": 0.97, "other": 0.03},
    "行审": {"ruling": 0.85, "other": 0.15},
    "执": {"enforcement_completed": 0.38, "enforcement_round_ended": 0.40,
           "enforcement_terminated": 0.14, "not_enforced": 0.02, "cancelled": 0.01,
           "other": 0.05},
    "执恢": {"enforcement_completed": 0.30, "enforcement_round_ended": 0.50,
             "enforcement_terminated": 0.15, "other": 0.05},
    "执异": {"application_rejected": 0.55, "ruling": 0.35, "other": 0.10},
    "执复": {"application_rejected": 0.60, "ruling": 0.30, "other": 0.10},
    "执监": {"application_rejected": 0.60, "ruling": 0.30, "other": 0.10},
    "执保": {"enforcement_completed": 0.85, "enforcement_terminated": 0.10, "other": 0.05},
    "破申": {"ruling": 0.90, "other": 0.10},
    "破": {"ruling": 0.80, "other": 0.20},
}
# fmt: on
# Civil first instance: what is neither mediated nor withdrawn.
CIVIL_ADJUDICATED = {
    "judgment": 0.86,
    "dismissal": 0.05,
    "ruling": 0.04,
    "transfer": 0.03,
    "other": 0.02,
}

# Tracks of first-instance cases.
TRACKS = {
    ("民初", "basic"): {"small_claims": 0.18, "summary": 0.52, "ordinary": 0.30},
    ("民初", "tribunal"): {"small_claims": 0.25, "summary": 0.60, "ordinary": 0.15},
    ("民初", "ip"): {"summary": 0.5, "ordinary": 0.5},
    ("刑初", "basic"): {"fast_track": 0.28, "summary": 0.42, "ordinary": 0.30},
    ("行初", "basic"): {"summary": 0.25, "ordinary": 0.75},
}

# Holidays on which hardly anything is filed: (month, day) spans, and Spring Festival eves.
FIXED_HOLIDAYS = (((1, 1), (1, 1)), ((5, 1), (5, 5)), ((10, 1), (10, 7)))
SPRING_FESTIVAL = {
    2018: (2, 16),
    2019: (2, 5),
    2020: (1, 25),
    2021: (2, 12),
    2022: (2, 1),
    2023: (1, 22),
    2024: (2, 10),
    2025: (1, 29),
    2026: (2, 17),
    2027: (2, 6),
    2028: (1, 26),
    2029: (2, 13),
    2030: (2, 3),
    2031: (1, 23),
    2032: (2, 11),
}
MONTH_FACTOR = (1.05, 0.8, 1.15, 1.0, 0.95, 1.05, 1.05, 0.95, 1.0, 0.85, 1.05, 0.85)
