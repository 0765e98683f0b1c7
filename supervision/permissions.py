"""Who may do what in supervision: ONE table, action × role (DOMAIN.md), read by every service.

A role in the table is necessary, never sufficient: the case or unit acted on must also be in
the actor's reach (`supervision.querysets.in_reach`), and a few actions name one person on top
(the recipient of a letter, the court's designated approver, the reviewed judge) — those rules
are written next to the table, in `PERSONAL`, so that the whole answer is on this page.
"""

from __future__ import annotations

from enum import StrEnum

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from cases.choices import Role

JUDGE = Role.JUDGE
HEAD = Role.DIVISION_HEAD
ANALYST = Role.ANALYST
OFFICE = Role.OFFICE
LEADER = Role.COURT_LEADER
PARTY = Role.PARTY_LEADERSHIP
INSPECTOR = Role.INSPECTOR
EVERY_ROLE = frozenset(Role)


class Action(StrEnum):
    VIEW = "view"  # read the trail, marks, measures, letters, reviews, campaigns
    MARK = "mark"  # 识别标注 (a judge: self-report on an own case)
    MARK_CONFIRM = "mark_confirm"
    MARK_REMOVE = "mark_remove"
    RULE_MANAGE = "rule_manage"  # edit the suggestion rules, run them
    MEASURE_TAKE = "measure_take"
    MEASURE_RESPOND = "measure_respond"
    REFER = "refer"  # to 专业法官会议 / 审判委员会
    REFERRAL_RESULT = "referral_result"
    APPROVER_DESIGNATE = "approver_designate"  # 审限变更一支笔
    EXTENSION_REQUEST = "extension_request"
    EXTENSION_DECIDE = "extension_decide"
    LETTER_ISSUE = "letter_issue"  # notices and inquiries: issue, send a draft
    LETTER_ANSWER = "letter_answer"  # acknowledge and answer
    LETTER_CLOSE = "letter_close"  # close or send back
    CAMPAIGN_MANAGE = "campaign_manage"
    REVIEW_CONDUCT = "review_conduct"  # open the missing reviews, record findings, answer
    REVIEW_OBJECT = "review_object"
    JOINT_INSPECTION = "joint_inspection"


# action -> the roles that may take it (DOMAIN.md roles, four-type cases, time limits, 发改再).
PERMISSIONS: dict[Action, frozenset[str]] = {
    Action.VIEW: EVERY_ROLE,
    Action.MARK: frozenset({JUDGE, HEAD, LEADER, OFFICE}),
    Action.MARK_CONFIRM: frozenset({HEAD, LEADER, OFFICE}),
    Action.MARK_REMOVE: frozenset({HEAD, LEADER, OFFICE}),
    Action.RULE_MANAGE: frozenset({OFFICE}),
    Action.MEASURE_TAKE: frozenset({HEAD, LEADER}),
    Action.MEASURE_RESPOND: frozenset({JUDGE}),
    Action.REFER: frozenset({HEAD, LEADER}),
    Action.REFERRAL_RESULT: frozenset({HEAD, LEADER, OFFICE}),
    Action.APPROVER_DESIGNATE: frozenset({LEADER}),
    Action.EXTENSION_REQUEST: frozenset({JUDGE}),
    Action.EXTENSION_DECIDE: EVERY_ROLE,  # but only the designated approver: PERSONAL
    Action.LETTER_ISSUE: frozenset({OFFICE}),
    Action.LETTER_ANSWER: frozenset({JUDGE, HEAD, ANALYST}),
    Action.LETTER_CLOSE: frozenset({OFFICE}),
    Action.CAMPAIGN_MANAGE: frozenset({OFFICE, LEADER}),
    Action.REVIEW_CONDUCT: frozenset({OFFICE}),
    Action.REVIEW_OBJECT: frozenset({JUDGE}),
    Action.JOINT_INSPECTION: frozenset({INSPECTOR, OFFICE}),
}

# Actions that also name one person; the service checks it and refuses with this reason.
PERSONAL: dict[Action, str] = {
    Action.MEASURE_RESPOND: _("只有本案承办法官可以回复监督管理措施"),
    Action.EXTENSION_REQUEST: _("只有本案承办法官可以申请延长审限"),
    Action.EXTENSION_DECIDE: _("只有本院指定的审限变更审批人可以审批延长审限（审限变更一支笔）"),
    Action.LETTER_ANSWER: _("只有收件人可以签收和答复"),
    Action.REVIEW_OBJECT: _("只有原审承办法官可以提出异议"),
}

ACTION_LABELS: dict[Action, str] = {
    Action.VIEW: _("查看监督记录"),
    Action.MARK: _("标注四类案件"),
    Action.MARK_CONFIRM: _("确认四类案件"),
    Action.MARK_REMOVE: _("撤销四类案件标注"),
    Action.RULE_MANAGE: _("管理四类案件提示规则"),
    Action.MEASURE_TAKE: _("采取监督管理措施"),
    Action.MEASURE_RESPOND: _("回复监督管理措施"),
    Action.REFER: _("提交专业法官会议或审判委员会"),
    Action.REFERRAL_RESULT: _("登记讨论结果"),
    Action.APPROVER_DESIGNATE: _("指定审限变更审批人"),
    Action.EXTENSION_REQUEST: _("申请延长审限"),
    Action.EXTENSION_DECIDE: _("审批延长审限"),
    Action.LETTER_ISSUE: _("发出督办通知或异常函询"),
    Action.LETTER_ANSWER: _("签收、答复督办通知或异常函询"),
    Action.LETTER_CLOSE: _("办结或退回督办通知、异常函询"),
    Action.CAMPAIGN_MANAGE: _("管理长期未结清理攻坚"),
    Action.REVIEW_CONDUCT: _("发改再评查"),
    Action.REVIEW_OBJECT: _("对评查意见提出异议"),
    Action.JOINT_INSPECTION: _("登记联合督查"),
}


class Refused(PermissionDenied):
    """A supervision action the actor may not take. The message says why, in Chinese; the
    attempt is recorded on the trail and in the audit trail (services.refusal_record)."""

    def __init__(self, message, *, action: Action, actor, case=None, detail: dict | None = None):
        super().__init__(str(message))
        self.message = str(message)
        self.action = action
        self.actor = actor
        self.case = case
        self.detail = detail or {}

    def __str__(self) -> str:
        return self.message


def role_allows(role: str, action: Action) -> bool:
    return role in PERMISSIONS[action]


def require_role(actor, action: Action, *, case=None, detail: dict | None = None) -> None:
    """Refuse unless the actor's role may take the action at all."""
    if not getattr(actor, "is_authenticated", False) or not actor.is_active:
        raise Refused(_("请先登录"), action=action, actor=None, case=case, detail=detail)
    if not role_allows(actor.role, action):
        raise Refused(
            _("您的角色（%(role)s）不能%(action)s")
            % {"role": actor.get_role_display() or _("无角色"), "action": ACTION_LABELS[action]},
            action=action,
            actor=actor,
            case=case,
            detail=detail,
        )


def refuse_personal(actor, action: Action, *, case=None, detail: dict | None = None):
    """The Refused error for an action that names one person, who is not the actor."""
    return Refused(PERSONAL[action], action=action, actor=actor, case=case, detail=detail)
