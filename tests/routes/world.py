"""The walker's city, built once per module through the services (as the courts would make it).

苏05 (the intermediate court, "C") over 苏0505 ("A") and 苏0506 ("B"); 民一庭 and 刑事审判庭 in
each; two judges in each division, each with a pending and a closed case (tests/conftest.py's
city). The identities under test all hold their role in 苏0505: the judge is 苏0505/民一庭/1, the
division head and the analyst are 苏0505/民一庭's, the office, court leader, party leadership and
inspector are 苏0505's.

Supervision records are made for four *slots*, each the cases of one judge:

    J1  苏0505/民一庭/1     the judge under test (inside every identity's scope)
    J2  苏0505/民一庭/2     the judge's colleague (outside the judge's scope)
    CR  苏0505/刑事审判庭/1  another division (outside the division's)
    B   苏0506/民一庭/1     another court (outside everyone's)

and for each slot: a four-type mark (marked, awaiting confirmation), a measure, a referral, a
pending extension request (on its pending case), a notice sent and a notice answered, two
reversal reviews (one reviewed, one objected to), a long-pending case on a clearance campaign,
a trail; for the divisions of J1, CR and B: an inquiry sent, one answered and a *draft* of the
abnormality detection; joint inspections of 苏0505 (the inspector joined to J1's cases) and
苏0506; health-check findings; the metrics computed; kept monthly reviews; import uploads.
Every case number, letter title and username is unique, so it serves as a marker in pages.
"""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from cases.choices import ClosingMethod, CourtLevel
from cases.models import Case
from cases.services import case_derived_refresh
from tests.conftest import CITY_BASIC_COURTS, CITY_DIVISIONS
from tests.factories import CaseFactory, CourtFactory, DivisionFactory, JudgeFactory, UserFactory

D = datetime.date
TODAY = "2025-06-30"  # tests/conftest.py's fixed day
AS_OF = D(2025, 6, 29)  # the last nightly computation
MONTH = D(2025, 5, 1)  # the kept monthly reviews' month
PASSWORD = "Courtdash-Test-2026"  # tests.factories.UserFactory's
INDICATOR = "clearance_rate"

CITY = "苏05"
COURT_KEYS = {"C": CITY, "A": CITY_BASIC_COURTS[0], "B": CITY_BASIC_COURTS[1]}
CIVIL, CRIMINAL = list(CITY_DIVISIONS)  # 民一庭, 刑事审判庭

SLOTS = {
    "J1": f"A/{CIVIL}/1",
    "J2": f"A/{CIVIL}/2",
    "CR": f"A/{CRIMINAL}/1",
    "B": f"B/{CIVIL}/1",
}
# The division of each slot that letters to a division, campaigns and drafts are about.
DIVISION_SLOTS = {"J1": f"A/{CIVIL}", "CR": f"A/{CRIMINAL}", "B": f"B/{CIVIL}"}

# identity -> (role, unit key); every one in 苏0505.
IDENTITY_UNITS = {
    "judge": ("judge", f"A/{CIVIL}/1"),
    "division_head": ("division_head", f"A/{CIVIL}"),
    "analyst": ("analyst", f"A/{CIVIL}"),
    "office": ("office", "A"),
    "court_leader": ("court_leader", "A"),
    "party_leadership": ("party_leadership", "A"),
    "inspector": ("inspector", "A"),
}
# People the records need who are not under test (their usernames are markers too).
HELPER_UNITS = {
    "a2-judge": ("judge", f"A/{CIVIL}/2"),
    "acr-judge": ("judge", f"A/{CRIMINAL}/1"),
    "acr-head": ("division_head", f"A/{CRIMINAL}"),
    "b-judge": ("judge", f"B/{CIVIL}/1"),
    "b-analyst": ("analyst", f"B/{CIVIL}"),
    "b-office": ("office", "B"),
    "b-leader": ("court_leader", "B"),
    "b-inspector": ("inspector", "B"),
    "c-office": ("office", "C"),
}
SLOT_JUDGE_USER = {"J1": "judge", "J2": "a2-judge", "CR": "acr-judge", "B": "b-judge"}
COURT_OFFICE = {"A": "office", "B": "b-office"}
COURT_LEADER = {"A": "court_leader", "B": "b-leader"}
# Who answers a letter to the division: its analyst, else its head.
DIVISION_RECIPIENT = {
    f"A/{CIVIL}": "analyst",
    f"A/{CRIMINAL}": "acr-head",
    f"B/{CIVIL}": "b-analyst",
}


def username(name: str) -> str:
    return f"rt-{name}"


@dataclass
class World:
    courts: dict
    divisions: dict
    judges: dict
    cases: dict  # "A/民一庭/1/pending" -> Case
    users: dict  # identity or helper name -> User
    objects: dict = field(default_factory=dict)  # kind -> slot -> pk
    titles: dict = field(default_factory=dict)  # kind -> slot -> the record's unique title
    uploads: dict = field(default_factory=dict)  # "in" / "out" -> token
    sessions: dict = field(default_factory=dict)  # identity -> session key (logged in once)

    def unit_of_key(self, key: str) -> dict:
        """The court, division and judge objects of a unit key ("A", "A/民一庭", "A/民一庭/1")."""
        parts = key.split("/")
        unit = {"court": self.courts[parts[0]]}
        if len(parts) >= 2:
            unit["division"] = self.divisions["/".join(parts[:2])]
        if len(parts) == 3:
            unit["judge"] = self.judges[key]
        return unit

    def case(self, slot: str, state: str = "pending") -> Case:
        return self.cases[f"{SLOTS[slot]}/{state}"]


# --- the city ---------------------------------------------------------------------------------


def _city() -> tuple[dict, dict, dict]:
    city = CourtFactory(
        code=CITY, name="苏州市中级人民法院", level=CourtLevel.INTERMEDIATE, parent=None
    )
    courts = {"C": city}
    for key in ("A", "B"):
        courts[key] = CourtFactory(code=COURT_KEYS[key], level=CourtLevel.BASIC, parent=city)
    divisions = {
        f"{key}/{name}": DivisionFactory(court=court, name=name)
        for key, court in courts.items()
        for name in CITY_DIVISIONS
    }
    judges = {
        f"{key}/{n}": JudgeFactory(
            division=division, staff_id=f"{division.name}-{n}", name=f"{key}/{n}"
        )
        for key, division in divisions.items()
        for n in (1, 2)
    }
    return courts, divisions, judges


def _cases(judges: dict) -> dict:
    built: dict = {}
    serial = iter(range(9001, 99999))
    for key, judge in judges.items():
        basic, intermediate = CITY_DIVISIONS[judge.division.name]
        is_basic = judge.court.level == CourtLevel.BASIC
        states = {
            "pending": {"filed_on": D(2025, 3, 1)},
            "closed": {
                "filed_on": D(2025, 2, 1),
                "closed_on": D(2025, 5, 10),
                "closing_method": ClosingMethod.JUDGMENT if is_basic else ClosingMethod.AFFIRMED,
            },
        }
        if key in SLOTS.values():
            states["spare"] = {"filed_on": D(2025, 4, 1)}  # no extension request yet
            states["long"] = {"filed_on": D(2024, 3, 1)}  # pending over 12 months
            states["reversed"] = {  # reversed on appeal, remanded on retrial: two reviews
                "filed_on": D(2024, 6, 1),
                "closed_on": D(2024, 12, 1),
                "closing_method": ClosingMethod.JUDGMENT,
                "appealed": True,
                "appeal_outcome": "modified",
                "appeal_decided_on": D(2025, 5, 20),
                "retrial_outcome": "remanded",
                "retrial_decided_on": D(2025, 6, 10),
            }
        for state, fields in states.items():
            built[f"{key}/{state}"] = CaseFactory.build(
                judge=judge,
                type_code=basic if is_basic else intermediate,
                serial=next(serial),
                **fields,
            )
    Case.objects.bulk_create(built.values())
    case_derived_refresh(case_ids=[case.id for case in built.values()])
    stored = Case.objects.select_related("court", "division", "judge").in_bulk(
        [case.id for case in built.values()]
    )
    return {key: stored[case.id] for key, case in built.items()}


def _users(courts, divisions, judges) -> dict:
    users = {}
    for name, (role, key) in {**IDENTITY_UNITS, **HELPER_UNITS}.items():
        parts = key.split("/")
        fields = {"court": courts[parts[0]]}
        if len(parts) >= 2:
            fields["division"] = divisions["/".join(parts[:2])]
        if len(parts) == 3:
            fields["judge"] = judges[key]
        users[name] = UserFactory(
            username=username(name), role=role, email=f"{username(name)}@court.test", **fields
        )
    return users


# --- supervision --------------------------------------------------------------------------------


def _supervision(world: World) -> None:
    from supervision import services
    from supervision.choices import TraceKind
    from supervision.models import (
        Abnormality,
        CampaignCase,
        ExtensionApprover,
        Notification,
        ReversalReview,
        TraceEntry,
    )

    users, objects, titles = world.users, world.objects, world.titles

    def put(kind: str, slot: str, obj, title: str = "") -> None:
        objects.setdefault(kind, {})[slot] = obj.pk
        if title:
            titles.setdefault(kind, {})[slot] = title

    for court, leader in COURT_LEADER.items():
        ExtensionApprover.objects.filter(court=world.courts[court]).delete()
        services.approver_designate(
            court=world.courts[court], user=users[leader], actor=users[leader]
        )
    services.reviews_open_missing(actor=None)  # the nightly task: every reversed case

    for slot, judge_key in SLOTS.items():
        court = judge_key.split("/")[0]
        judge_user, office = users[SLOT_JUDGE_USER[slot]], users[COURT_OFFICE[court]]
        leader = users[COURT_LEADER[court]]
        case = world.case(slot)
        mark = services.four_type_mark(
            case=case, category=1, reason=f"RT标注理由-{slot}", actor=judge_user
        )
        put("mark", slot, mark)
        put("trace", slot, TraceEntry.objects.get(kind=TraceKind.MARKED, object_id=str(mark.pk)))
        put(
            "measure",
            slot,
            services.measure_take(
                case=case,
                kind="read_file",
                instruction=f"RT措施要求-{slot}",
                deadline=D(2025, 7, 15),
                actor=leader,
            ),
        )
        put(
            "referral",
            slot,
            services.referral_create(
                case=case, body="judges_meeting", question=f"RT讨论问题-{slot}", actor=leader
            ),
        )
        put(
            "extension",
            slot,
            services.extension_request(
                case=case, days=30, reason=f"RT延长理由-{slot}", actor=judge_user
            ),
        )
        # Notices: to the judge (to the division for CR), one sent, one answered.
        division_key = "/".join(judge_key.split("/")[:2])
        to_division = slot == "CR"
        recipient = users[DIVISION_RECIPIENT[division_key]] if to_division else judge_user
        for state in ("sent", "answered"):
            title = f"RT督办通知-{slot}-{state}"
            notice = services.notice_issue(
                cases=[case],
                judge=None if to_division else world.judges[judge_key],
                division=world.divisions[division_key] if to_division else None,
                title=title,
                body=f"RT督办内容-{slot}",
                deadline=D(2025, 7, 31),
                actor=office,
            )
            if state == "answered":
                services.letter_answer(letter=notice, answer=f"RT答复-{slot}", actor=recipient)
            put("notice" if state == "sent" else "notice_answered", slot, notice, title)
        # Reversal reviews: the appeal's reviewed, the retrial's objected to.
        reversed_case = world.case(slot, "reversed")
        for trigger, kind in (("appeal", "review"), ("retrial", "review_objected")):
            review = ReversalReview.objects.get(case=reversed_case, trigger=trigger)
            services.review_record(
                review=review,
                reason_class="fact_finding",
                is_error=False,
                severity="none",
                opinion=f"RT评查意见-{slot}",
                actor=office,
            )
            if kind == "review_objected":
                services.review_object(review=review, objection=f"RT异议-{slot}", actor=judge_user)
            put(kind, slot, review)

    for slot, division_key in DIVISION_SLOTS.items():
        court = division_key.split("/")[0]
        office = users[COURT_OFFICE[court]]
        division = world.divisions[division_key]
        inquiry_fields = {
            "division": division,
            "indicator_slug": INDICATOR,
            "indicator_label": "结案率",
            "period": "ytd",
            "as_of": AS_OF,
            "value": Decimal("41.5"),
            "body": f"RT函询内容-{slot}",
            "deadline": D(2025, 7, 31),
        }
        for state in ("sent", "answered"):
            title = f"RT异常函询-{slot}-{state}"
            inquiry = services.inquiry_create(
                title=title, actor=office, send=True, **inquiry_fields
            )
            if state == "answered":
                services.letter_answer(
                    letter=inquiry,
                    answer=f"RT函询答复-{slot}",
                    actor=users[DIVISION_RECIPIENT[division_key]],
                )
            put("inquiry" if state == "sent" else "inquiry_answered", slot, inquiry, title)
        # The nightly detection's draft (no actor: a draft only), with its evidence.
        title = f"RT研判草稿-{slot}"
        draft = services.inquiry_create(title=title, actor=None, send=False, **inquiry_fields)
        put("draft", slot, draft, title)
        abnormality = Abnormality.objects.create(
            as_of=AS_OF,
            period="ytd",
            scope="division",
            court=division.court,
            division=division,
            indicator=INDICATOR,
            value=41.5,
            numerator=Decimal("83"),
            denominator=Decimal("200"),
            warning_low=60.0,
            crossed_warning=True,
            inquiry=draft,
        )
        put("abnormality", slot, abnormality)
        title = f"RT清理攻坚-{slot}"
        campaign = services.campaign_start(
            name=title,
            court=division.court,
            division=division,
            target_on=D(2025, 12, 31),
            actor=office,
        )
        put("campaign", slot, campaign, title)
    for slot in SLOTS:
        put("campaign_case", slot, CampaignCase.objects.get(case=world.case(slot, "long")))

    # Joint inspections: 苏0505's joins the inspector to J1's cases; 苏0506's has its own.
    j1_cases = [world.case("J1", state) for state in ("pending", "closed", "spare", "long")]
    j1_cases.append(world.case("J1", "reversed"))
    title = "RT联合督查-J1"
    put(
        "inspection",
        "J1",
        services.joint_inspection_record(
            court=world.courts["A"],
            title=title,
            inspected_on=D(2025, 6, 20),
            findings="RT督查发现-J1",
            actor=users["office"],
            cases=j1_cases,
            participants=[users["inspector"]],
        ),
        title,
    )
    title = "RT联合督查-B"
    put(
        "inspection",
        "B",
        services.joint_inspection_record(
            court=world.courts["B"],
            title=title,
            inspected_on=D(2025, 6, 20),
            findings="RT督查发现-B",
            actor=users["b-office"],
            cases=[world.case("B")],
            participants=[users["b-inspector"]],
        ),
        title,
    )
    # An inspector's request to be joined to cases (by the office's approval, where the
    # application asks for it; an older application joins at once).
    for slot, court, inspector in (("J1", "A", "inspector"), ("B", "B", "b-inspector")):
        title = f"RT督查申请-{slot}"
        request = services.joint_inspection_record(
            court=world.courts[court],
            title=title,
            inspected_on=D(2025, 6, 21),
            findings=f"RT督查申请发现-{slot}",
            actor=users[inspector],
            cases=[world.case("J2" if slot == "J1" else slot)],
        )
        put("inspection_request", slot, request, title)
    # Each person's own in-app message.
    for name, user in users.items():
        title = f"RT站内消息-{name}"
        put("notification", name, Notification.objects.create(recipient=user, title=title), title)


# --- metrics and reports --------------------------------------------------------------------


def _metrics(world: World) -> None:
    from metrics.computation.engine import metrics_compute
    from metrics.models import IndicatorValue

    metrics_compute(as_of=D(2025, 5, 31))
    metrics_compute(as_of=AS_OF)
    rows = IndicatorValue.objects.filter(as_of=AS_OF, period="ytd", indicator=INDICATOR)
    units = {
        "J1": {"scope": "judge", "judge": world.judges[SLOTS["J1"]]},
        "J2": {"scope": "judge", "judge": world.judges[SLOTS["J2"]]},
        "CR": {"scope": "division", "division": world.divisions[DIVISION_SLOTS["CR"]]},
        "ACOURT": {"scope": "court", "court": world.courts["A"]},
        "B": {"scope": "court", "court": world.courts["B"]},
        "C": {"scope": "city"},
    }
    for slot, unit in units.items():
        world.objects.setdefault("indicator_value", {})[slot] = rows.get(**unit).pk


def _reports(world: World) -> None:
    from openpyxl import Workbook

    from reports.models import Finding, FindingCase, HealthCheckRun, MonthlyReport, ReportDocument
    from reports.monthly.snapshot import monthly_snapshot

    now = timezone.now()
    run = HealthCheckRun.objects.create(
        as_of=AS_OF,
        window_start=D(2024, 7, 1),
        status="done",
        started_at=now,
        finished_at=now,
        findings=4,
    )
    units = {
        "J1": {"scope": "division", **world.unit_of_key(DIVISION_SLOTS["J1"])},
        "J2": {"scope": "judge", **world.unit_of_key(SLOTS["J2"])},
        "CR": {"scope": "division", **world.unit_of_key(DIVISION_SLOTS["CR"])},
        "B": {"scope": "court", **world.unit_of_key("B")},
    }
    for slot, unit in units.items():
        finding = Finding.objects.create(
            run=run,
            kind="stalled_long_pending",
            value=None,
            reference=None,
            case_count=1,
            facts={"count": 1, "idle_days": 90, "since": "2025-03-01"},
            **unit,
        )
        FindingCase.objects.create(finding=finding, case=world.case(slot, "long"))
        world.objects.setdefault("finding", {})[slot] = finding.pk

    # The unit key the snapshot takes; used to build data only.
    from cases.units import ScopeKey

    reports = {"J1": ("court", world.courts["A"]), "B": ("court", world.courts["B"]), "C": None}
    for slot, unit in reports.items():
        key = ScopeKey.city() if unit is None else ScopeKey("court", unit[1].pk)
        content = monthly_snapshot(unit=key, month=MONTH)
        title = f"RT月讲评-{slot}"
        report = MonthlyReport.objects.create(
            month=MONTH,
            scope=key.scope,
            court_id=key.court_id,
            as_of=content["as_of"],
            title=title,
            status="done",
            content=content,
            generated_at=now,
        )
        book = Workbook()
        book.active["A1"] = title
        stream = io.BytesIO()
        book.save(stream)
        for kind, data in (("pdf", f"%PDF-1.4 {title}".encode()), ("xlsx", stream.getvalue())):
            ReportDocument.objects.create(
                report=report, kind=kind, content=data, size=len(data), sha256="x" * 64
            )
        world.objects.setdefault("monthly", {})[slot] = report.pk
        world.titles.setdefault("monthly", {})[slot] = title


def _uploads(world: World) -> None:
    """An upload of the office (previewed, with its error report) and one of 苏0506's office."""
    from cases.importing.uploads import Upload

    for side, name in (("in", "office"), ("out", "b-office")):
        upload = Upload.create(
            SimpleUploadedFile(f"rt-{side}.csv", "案号\n（2025）苏0505民初1号\n".encode()),
            world.users[name],
        )
        upload.note["job"] = {"kind": "preview", "status": "done"}
        upload.note["result"] = {"counts": {"created": 0, "updated": 0, "rejected": 1}}
        upload.save_note()
        upload.report_path.write_text(f"row,error\n1,RT-{side}\n", "utf-8")
        world.uploads[side] = upload.token


def world_build() -> World:
    courts, divisions, judges = _city()
    world = World(
        courts=courts,
        divisions=divisions,
        judges=judges,
        cases=_cases(judges),
        users=_users(courts, divisions, judges),
    )
    _supervision(world)
    _metrics(world)
    _reports(world)
    _uploads(world)
    _directory(world)
    from tests.routes import world_talks

    world_talks.build(world)
    from tests.routes import world_consultations

    world_consultations.build(world)
    from tests.routes.world_quality import world_quality

    world_quality(world)
    from tests.routes import world_meetings

    world_meetings.build(world)
    from tests.routes import world_effects

    world_effects.build(world)
    return world


def _directory(world: World) -> None:
    """The ids of the plainer objects, by slot (the inside one is always J1's)."""
    from cases.services import audit_record
    from supervision.models import ExtensionApprover, FourTypeRule

    objects = world.objects
    objects["case"] = {slot: world.case(slot).pk for slot in SLOTS}
    objects["spare_case"] = {slot: world.case(slot, "spare").pk for slot in SLOTS}
    objects["judge"] = {slot: world.judges[key].pk for slot, key in SLOTS.items()}
    objects["division"] = {slot: world.divisions[key].pk for slot, key in DIVISION_SLOTS.items()}
    objects["court"] = {"J1": world.courts["A"].pk, "B": world.courts["B"].pk}
    objects["court"]["C"] = world.courts["C"].pk
    objects["approver"] = {
        slot: ExtensionApprover.objects.get(court=world.courts[court]).pk
        for slot, court in (("J1", "A"), ("B", "B"))
    }
    objects["rule"] = {}
    objects["audit"] = {}
    for slot, court, office in (("J1", "A", "office"), ("B", "B", "b-office")):
        rule = FourTypeRule.objects.create(
            slug=f"rt-rule-{court.lower()}",
            name=f"RT规则-{slot}",
            kind="long_pending",
            params={"months": 24},
            court=world.courts[court],
            active=False,
        )
        objects["rule"][slot] = rule.pk
        event = audit_record(
            action="view",
            user=world.users[office],
            object_type="rt",
            object_id=f"RT审计-{slot}",
            detail={"marker": f"RT审计-{slot}"},
        )
        objects["audit"][slot] = event.pk
    objects["upload"] = {"J1": world.uploads["in"], "B": world.uploads["out"]}
