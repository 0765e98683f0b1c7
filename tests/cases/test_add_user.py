"""add_user: provisioning one account per person, with a role in a unit."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from cases.choices import AuditAction, Role
from cases.models import AuditEvent, User
from cases.units import Reach, user_scope
from tests.factories import CourtFactory, DivisionFactory, JudgeFactory

pytestmark = pytest.mark.django_db
PASSWORD = "Courtdash-Test-2026"


@pytest.fixture
def city():
    city = CourtFactory(code="苏05", name="苏州市中级人民法院", level="intermediate")
    basic = CourtFactory(code="苏0505", name="苏州市虎丘区人民法院", parent=city)
    civil = DivisionFactory(court=basic, name="民一庭")
    DivisionFactory(court=city, name="审判管理办公室")
    judge = JudgeFactory(division=civil, staff_id="J0107", name="王磊")
    return {"city": city, "basic": basic, "civil": civil, "judge": judge}


def add_user(*args):
    out = io.StringIO()
    call_command("add_user", *args, stdout=out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("role", "court", "extra", "reach", "courts"),
    [
        (Role.JUDGE, "苏0505", ["--judge-id", "J0107"], Reach.JUDGE, {"苏0505"}),
        (Role.DIVISION_HEAD, "苏0505", ["--division", "民一庭"], Reach.DIVISION, {"苏0505"}),
        (Role.ANALYST, "苏0505", ["--division", "民一庭"], Reach.DIVISION, {"苏0505"}),
        (Role.OFFICE, "苏05", ["--division", "审判管理办公室"], Reach.COURTS, {"苏05", "苏0505"}),
        (Role.OFFICE, "苏0505", [], Reach.COURTS, {"苏0505"}),
        (Role.COURT_LEADER, "苏05", [], Reach.COURTS, {"苏05", "苏0505"}),
        (Role.PARTY_LEADERSHIP, "苏05", [], Reach.COURTS, {"苏05", "苏0505"}),
        (Role.INSPECTOR, "苏05", [], Reach.COURTS, {"苏05", "苏0505"}),
    ],
)
def test_add_user_gives_each_role_its_scope(city, role, court, extra, reach, courts):
    output = add_user("zhao", "--role", role, "--court", court, "--password", PASSWORD, *extra)
    user = User.objects.get(username="zhao")
    scope = user_scope(user)
    assert user.role == role
    assert scope.reach is reach
    by_id = {c.id: c.code for c in (city["city"], city["basic"])}
    assert {by_id[i] for i in scope.court_ids} == courts
    assert user.check_password(PASSWORD)
    assert "已创建用户 zhao" in output
    assert PASSWORD not in output


def test_add_user_links_a_judge_and_their_division(city):
    add_user("wang", "--role", "judge", "--court", "苏0505", "--judge-id", "J0107",
             "--password", PASSWORD)  # fmt: skip
    user = User.objects.get(username="wang")
    assert (user.judge, user.division, user.court) == (city["judge"], city["civil"], city["basic"])


def test_add_user_without_password_generates_a_strong_one_and_prints_it_once(city):
    output = add_user("li", "--role", "court_leader", "--court", "苏05")
    line = next(line for line in output.splitlines() if line.startswith("初始密码"))
    password = line.split("：", 1)[1]
    assert len(password) >= 16
    assert any(c.isupper() for c in password) and any(c.isdigit() for c in password)
    assert User.objects.get(username="li").check_password(password)


def test_add_user_updates_an_existing_user_and_keeps_their_password(city):
    add_user("zhou", "--role", "analyst", "--court", "苏0505", "--division", "民一庭",
             "--password", PASSWORD)  # fmt: skip
    output = add_user("zhou", "--role", "office", "--court", "苏05", "--email", "zhou@court.cn")
    user = User.objects.get(username="zhou")
    assert (user.role, user.court, user.division) == (Role.OFFICE, city["city"], None)
    assert user.email == "zhou@court.cn"
    assert user.check_password(PASSWORD)
    assert "已更新用户 zhou" in output
    assert "初始密码" not in output
    assert User.objects.filter(username="zhou").count() == 1


def test_add_user_records_each_provisioning_in_the_audit_trail(city):
    add_user("sun", "--role", "inspector", "--court", "苏05", "--password", PASSWORD)
    add_user("sun", "--role", "party_leadership", "--court", "苏05")
    events = AuditEvent.objects.filter(action=AuditAction.USER_CHANGE, object_id="sun")
    details = [e.detail for e in events.order_by("id")]
    assert [(d["role"], d["created"], d["password_changed"]) for d in details] == [
        ("inspector", True, True),
        ("party_leadership", False, False),
    ]
    assert all(d["court"] == "苏05" and d["source"] == "add_user" for d in details)
    assert not any(PASSWORD in str(d) for d in details)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--role", "clerk", "--court", "苏0505"], "未知角色“clerk”"),
        (["--role", "office", "--court", "苏0599"], "法院“苏0599”不存在"),
        (["--role", "division_head", "--court", "苏0505"], "必须指定部门"),
        (["--role", "analyst", "--court", "苏0505", "--division", "民九庭"], "没有部门“民九庭”"),
        (["--role", "judge", "--court", "苏0505"], "必须指定法官工号"),
        (["--role", "judge", "--court", "苏0505", "--judge-id", "J9999"], "没有工号为“J9999”"),
        (["--role", "judge", "--court", "苏05", "--judge-id", "J0107"], "没有工号为“J0107”"),
        (["--role", "office", "--court", "苏05", "--password", "123"], "密码不符合要求"),
    ],
)
def test_add_user_refuses_bad_input_with_a_clear_message(city, args, message):
    with pytest.raises(CommandError, match=message):
        add_user("qian", *args)
    assert not User.objects.filter(username="qian").exists()
    assert not AuditEvent.objects.filter(object_id="qian").exists()


def test_add_user_refuses_a_judge_already_linked_to_another_user(city):
    add_user("wang", "--role", "judge", "--court", "苏0505", "--judge-id", "J0107",
             "--password", PASSWORD)  # fmt: skip
    with pytest.raises(CommandError, match="已关联用户 wang"):
        add_user("wu", "--role", "judge", "--court", "苏0505", "--judge-id", "J0107")


def test_add_user_errors_exit_non_zero(city):
    with pytest.raises(CommandError) as error:
        add_user("x", "--role", "office", "--court", "苏0599")
    assert error.value.returncode != 0
