"""Who may do what in Courtdash: ONE table, action × role (DOMAIN.md), read by every page, API
view, export, admin page, service and task, through `may(user, action, unit=None)`.

A role in the table is necessary, never sufficient: the unit or case acted on must also be in
the actor's reach (`cases.units`: `may(..., unit=)`, `case_reached`); a few actions hold for
the whole city only (`CITY_WIDE`: its office sets the targets); and a few actions name one
person on top (the recipient of a letter, the court's designated approver, the reviewed judge)
— those rules are written next to the table, in `PERSONAL`, so the whole answer is on this
page. A superuser (the system administrator, no role) may take the project's own actions but
no supervision action: those are the court's people's, on the trail under their names.
"""

from __future__ import annotations

from enum import StrEnum

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from cases.choices import Role
from cases.units import Reach, ScopeKey, reaches, user_scope

JUDGE = Role.JUDGE
HEAD = Role.DIVISION_HEAD
ANALYST = Role.ANALYST
OFFICE = Role.OFFICE
LEADER = Role.COURT_LEADER
PARTY = Role.PARTY_LEADERSHIP
INSPECTOR = Role.INSPECTOR
EVERY_ROLE = frozenset(Role)


class Action(StrEnum):
    # The project's pages and data
    CASES_READ = "cases_read"  # case lists and case pages of one's reach
    DASHBOARD_HOME = "dashboard_home"  # start at the indicators (质效指标), not the case list
    DASHBOARDS = "dashboards"  # indicators, drill-downs, trends, their API and exports
    RANKINGS = "rankings"  # the weekly ranking (周推进) and its API
    TARGETS_EDIT = "targets_edit"  # the indicators' targets and warning lines (the city's)
    QUARTER_TARGETS_SET = "quarter_targets_set"  # 季目标 of a unit in reach
    RANGES_EDIT = "ranges_edit"  # the SPC 2024 set's reference ranges, 区间参考值 (the city's)
    MONTHLY_REVIEW_READ = "monthly_review_read"  # the leadership's monthly review
    MONTHLY_REVIEW_GENERATE = "monthly_review_generate"
    HEALTH_CHECK = "health_check"  # 体检 findings
    IMPORT = "import"  # case records of one's court (the city office: the city's)
    AUDIT_READ = "audit_read"
    RANKING_MODE_SET = "ranking_mode_set"  # ranks or bands; the indicator sets shown (the city's)
    HEALTH_RULES_EDIT = "health_rules_edit"  # the health check's thresholds (the city's)
    # Supervision
    VIEW = "view"  # read the trail, marks, measures, letters, reviews, campaigns
    LEDGER_READ = "ledger_read"  # the four-type ledger (四类案件台账)
    TRAIL_READ = "trail_read"  # the court's supervision trail and joint inspections
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
    JOINT_INSPECTION = "joint_inspection"  # the office's is in force; an inspector's, a request
    JOINT_INSPECTION_APPROVE = "joint_inspection_approve"  # approve or reject a request
    SETTINGS_READ = "settings_read"  # the office's settings pages and their history
    DETECTION_RULES_EDIT = "detection_rules_edit"  # abnormality thresholds (the city's)
    DIVISION_LEADERS_EDIT = "division_leaders_edit"  # who leads which division (分管院领导)
    CONTACTS_EDIT = "contacts_edit"  # people's mobile numbers and reminder channels
    OWN_SETTINGS = "own_settings"  # one's own mobile number and reminder channels
    DIVISION_LEAD = "division_lead"  # be recorded as a division's 分管院领导
    # The seed's remaining mechanisms (issue 12)
    TALK_MANAGE = "talk_manage"  # 约谈提醒: the suggestions, record talks, check commitments
    TALK_COMMIT = "talk_commit"  # report on one's own commitment made in a talk
    TALK_RULES_EDIT = "talk_rules_edit"  # the suggestion rules (the city's)
    CONSULT_OPEN = "consult_open"  # 拟发改再事先沟通: record an intended reversal and its outcome
    CONSULT_ANSWER = "consult_answer"  # the original judge or their division head answers
    QUALITY_REVIEW_MANAGE = "quality_review_manage"  # 评查: campaigns, sampling, reviewers, sheets
    QUALITY_REVIEW_SCORE = "quality_review_score"  # score a case one is assigned to review
    QUALITY_REVIEW_READ = "quality_review_read"  # results per unit and per item
    RECTIFY_ANSWER = "rectify_answer"  # the case's judge answers a rectification request
    MEETING_MANAGE = "meeting_manage"  # 数据会商: agenda, decisions, actions, minutes
    MEETING_READ = "meeting_read"
    MEETING_ACTION_DONE = "meeting_action_done"  # the owner reports a meeting action done
    EFFECTS_READ = "effects_read"  # 跟踪问效: what changed after each action


COURT_ROLES = frozenset({OFFICE, LEADER, PARTY, INSPECTOR})

# action -> the roles that may take it (DOMAIN.md roles, four-type cases, time limits, 发改再).
PERMISSIONS: dict[Action, frozenset[str]] = {
    Action.CASES_READ: EVERY_ROLE,
    Action.DASHBOARD_HOME: frozenset({HEAD, OFFICE, LEADER, PARTY}),
    # Inspectors see supervision records and the cases they are joined to, not indicators.
    Action.DASHBOARDS: EVERY_ROLE - {INSPECTOR},
    Action.RANKINGS: frozenset({HEAD, OFFICE, LEADER, PARTY}),
    Action.TARGETS_EDIT: frozenset({OFFICE}),
    Action.QUARTER_TARGETS_SET: frozenset({OFFICE}),
    Action.RANGES_EDIT: frozenset({OFFICE}),
    Action.MONTHLY_REVIEW_READ: frozenset({PARTY, LEADER, OFFICE}),
    Action.MONTHLY_REVIEW_GENERATE: frozenset({OFFICE}),
    # The health check points at judges and divisions: their heads and analysts read it too.
    Action.HEALTH_CHECK: frozenset({OFFICE, LEADER, PARTY, HEAD, ANALYST}),
    Action.IMPORT: frozenset({OFFICE}),
    Action.AUDIT_READ: frozenset({OFFICE}),
    Action.RANKING_MODE_SET: frozenset({OFFICE}),
    Action.HEALTH_RULES_EDIT: frozenset({OFFICE}),
    Action.LEDGER_READ: EVERY_ROLE - {JUDGE},
    Action.TRAIL_READ: COURT_ROLES,
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
    # Joining inspectors to cases (they then see them) is the office's, within its reach.
    Action.JOINT_INSPECTION_APPROVE: frozenset({OFFICE}),
    # The settings pages: the office edits them; a court leader designates the approver there.
    Action.SETTINGS_READ: frozenset({OFFICE, LEADER}),
    Action.DETECTION_RULES_EDIT: frozenset({OFFICE}),
    # Reminders: the office records who leads which division and people's numbers and
    # channels (its court's people); everyone sets their own.
    Action.DIVISION_LEADERS_EDIT: frozenset({OFFICE}),
    Action.CONTACTS_EDIT: frozenset({OFFICE}),
    Action.OWN_SETTINGS: EVERY_ROLE,
    Action.DIVISION_LEAD: frozenset({LEADER}),
    # --- issue 12: talks (约谈提醒)
    Action.TALK_MANAGE: frozenset({OFFICE, LEADER, PARTY}),
    Action.TALK_COMMIT: frozenset({JUDGE, HEAD, ANALYST, LEADER}),
    Action.TALK_RULES_EDIT: frozenset({OFFICE}),
    # --- issue 12: consultation before a reversal (拟发改再事先沟通)
    Action.CONSULT_OPEN: frozenset({JUDGE, HEAD}),
    Action.CONSULT_ANSWER: frozenset({JUDGE, HEAD}),
    # --- issue 12: case quality review (评查)
    Action.QUALITY_REVIEW_MANAGE: frozenset({OFFICE}),
    Action.QUALITY_REVIEW_SCORE: frozenset({JUDGE, HEAD, OFFICE, LEADER}),
    Action.QUALITY_REVIEW_READ: frozenset({OFFICE, LEADER, PARTY, HEAD, ANALYST}),
    Action.RECTIFY_ANSWER: frozenset({JUDGE}),
    # --- issue 12: data-review meeting (数据会商)
    Action.MEETING_MANAGE: frozenset({OFFICE}),
    Action.MEETING_READ: frozenset({OFFICE, LEADER, PARTY, HEAD, ANALYST}),
    Action.MEETING_ACTION_DONE: EVERY_ROLE,
    # --- issue 12: did it work? (跟踪问效)
    Action.EFFECTS_READ: frozenset({OFFICE, LEADER, PARTY}),
}

# Actions that hold for the whole city: its office (the intermediate court's) takes them.
CITY_WIDE = frozenset(
    {
        Action.TARGETS_EDIT,
        Action.RANGES_EDIT,
        Action.MONTHLY_REVIEW_GENERATE,
        Action.RANKING_MODE_SET,
        Action.HEALTH_RULES_EDIT,
        Action.DETECTION_RULES_EDIT,
        Action.TALK_RULES_EDIT,
    }
)

# The project's own actions, which a superuser may take too; the rest are supervision's.
PROJECT_ACTIONS = frozenset(list(Action)[: list(Action).index(Action.VIEW)])

# Actions that also name one person; the service checks it and refuses with this reason.
PERSONAL: dict[Action, str] = {
    Action.MEASURE_RESPOND: _("只有本案承办法官可以回复监督管理措施"),
    Action.EXTENSION_REQUEST: _("只有本案承办法官可以申请延长审限"),
    Action.EXTENSION_DECIDE: _("只有本院指定的审限变更审批人可以审批延长审限（审限变更一支笔）"),
    Action.LETTER_ANSWER: _("只有收件人可以签收和答复"),
    Action.REVIEW_OBJECT: _("只有原审承办法官可以提出异议"),
    Action.TALK_COMMIT: _("只有作出承诺的人可以报告整改承诺的落实情况"),
    Action.CONSULT_ANSWER: _("只有原审承办法官或其庭长可以答复事先沟通"),
    Action.QUALITY_REVIEW_SCORE: _("只有指定的评查人可以评查此案"),
    Action.RECTIFY_ANSWER: _("只有本案承办法官可以答复整改要求"),
    Action.MEETING_ACTION_DONE: _("只有责任人可以报告会商事项的办理情况"),
}

ACTION_LABELS: dict[Action, str] = {
    Action.CASES_READ: _("查看案件"),
    Action.DASHBOARD_HOME: _("从质效指标开始"),
    Action.DASHBOARDS: _("查看质效指标"),
    Action.RANKINGS: _("查看排名"),
    Action.TARGETS_EDIT: _("设定指标目标值"),
    Action.QUARTER_TARGETS_SET: _("设定季度目标"),
    Action.RANGES_EDIT: _("设定区间参考值"),
    Action.MONTHLY_REVIEW_READ: _("查看月度质效分析"),
    Action.MONTHLY_REVIEW_GENERATE: _("生成月度质效分析"),
    Action.HEALTH_CHECK: _("查看质效体检"),
    Action.IMPORT: _("导入案件"),
    Action.AUDIT_READ: _("查看审计日志"),
    Action.RANKING_MODE_SET: _("设定排名方式与显示的指标体系"),
    Action.HEALTH_RULES_EDIT: _("设定办案体检规则参数"),
    Action.LEDGER_READ: _("查看四类案件台账"),
    Action.TRAIL_READ: _("查看监督留痕"),
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
    Action.JOINT_INSPECTION_APPROVE: _("审批联合督查"),
    Action.SETTINGS_READ: _("查看督办设置"),
    Action.DETECTION_RULES_EDIT: _("设定异常研判规则"),
    Action.DIVISION_LEADERS_EDIT: _("登记分管院领导"),
    Action.CONTACTS_EDIT: _("管理手机号码和提醒渠道"),
    Action.OWN_SETTINGS: _("设置本人的提醒渠道"),
    Action.DIVISION_LEAD: _("分管部门"),
    Action.TALK_MANAGE: _("管理约谈提醒"),
    Action.TALK_COMMIT: _("报告约谈承诺的落实情况"),
    Action.TALK_RULES_EDIT: _("设定约谈提示规则"),
    Action.CONSULT_OPEN: _("登记拟发改再事先沟通"),
    Action.CONSULT_ANSWER: _("答复拟发改再事先沟通"),
    Action.QUALITY_REVIEW_MANAGE: _("管理案件评查"),
    Action.QUALITY_REVIEW_SCORE: _("评查案件"),
    Action.QUALITY_REVIEW_READ: _("查看评查结果"),
    Action.RECTIFY_ANSWER: _("答复评查整改要求"),
    Action.MEETING_MANAGE: _("组织数据会商"),
    Action.MEETING_READ: _("查看数据会商"),
    Action.MEETING_ACTION_DONE: _("报告会商事项办理情况"),
    Action.EFFECTS_READ: _("查看跟踪问效"),
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


def may(user, action: Action, unit: ScopeKey | None = None) -> bool:
    """May this user take this action (on this unit)? The one answer for every page, API view,
    export, admin page, service and task. Personal rules (`PERSONAL`) are the services'."""
    if user_scope(user).reach is Reach.NOTHING:  # signed out, inactive, or of no unit
        return False
    if user.is_superuser:
        if action not in PROJECT_ACTIONS:
            return False
    elif user.role not in PERMISSIONS[action]:
        return False
    if action in CITY_WIDE and not reaches(user, ScopeKey.city()):
        return False
    return unit is None or reaches(user, unit)


def require(actor, action: Action, *, case=None, detail: dict | None = None) -> None:
    """Refuse unless the actor may take the action at all (reach and person: the caller's)."""
    if not getattr(actor, "is_authenticated", False) or not actor.is_active:
        raise Refused(_("请先登录"), action=action, actor=None, case=case, detail=detail)
    if not may(actor, action):
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
