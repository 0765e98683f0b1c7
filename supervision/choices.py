"""Choices of the supervision app. Labels (zh-Hans first, via gettext) live only here."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class FourTypeCategory(models.IntegerChoices):
    """法发〔2021〕30号 art. 2 (DOMAIN.md)."""

    MAJOR = 1, _("重大、疑难、复杂、敏感")
    GROUP = 2, _("涉及群体性纠纷或者引发社会广泛关注，可能影响社会稳定")
    CONFLICT = 3, _("与本院或者上级人民法院的类案裁判可能发生冲突")
    MISCONDUCT = 4, _("有关单位或者个人反映法官有违法审判行为")


class MarkSource(models.TextChoices):
    """Who identified the case (识别标注)."""

    FILING = "filing", _("立案部门")
    JUDGE = "judge", _("承办法官报告")
    DIVISION_HEAD = "division_head", _("庭长")
    COURT_LEADER = "court_leader", _("院领导")
    OFFICE = "office", _("审管办")
    RULE = "rule", _("系统规则提示")


class MarkState(models.TextChoices):
    SUGGESTED = "suggested", _("规则提示待确认")
    MARKED = "marked", _("已标注待确认")
    CONFIRMED = "confirmed", _("已确认")
    REMOVED = "removed", _("已撤销")


OPEN_MARK_STATES = (MarkState.SUGGESTED, MarkState.MARKED, MarkState.CONFIRMED)


class RuleKind(models.TextChoices):
    """What a four-type suggestion rule looks for; its parameters are data on the rule."""

    LONG_PENDING = "long_pending", _("长期未结（超过规定月数）")
    REMANDED_RETURN = "remanded_return", _("发回重审后重新立案")


class MeasureKind(models.TextChoices):
    """Supervision measures a president or division head may take (DOMAIN.md)."""

    READ_FILE = "read_file", _("调阅卷宗")
    ATTEND_HEARING = "attend_hearing", _("旁听庭审")
    REVIEW_REPORT = "review_report", _("审阅审理报告")
    REQUIRE_REPORT = "require_report", _("要求限期报告进展和评议结果")
    SIMILAR_CASES = "similar_cases", _("提供类案裁判或检索报告")
    OTHER = "other", _("其他")


class ReferralBody(models.TextChoices):
    JUDGES_MEETING = "judges_meeting", _("专业法官会议")
    ADJUDICATION_COMMITTEE = "adjudication_committee", _("审判委员会")


class ExtensionState(models.TextChoices):
    PENDING = "pending", _("待审批")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("未批准")


class InspectionState(models.TextChoices):
    """A joint inspection an inspector registers is a request until the office decides it;
    only an approved one joins its inspectors to its cases."""

    REQUESTED = "requested", _("待审管办批准")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("未批准")


# Civil cases: an extension is applied for at least this many days before expiry (DOMAIN.md,
# 《关于严格规范民商事案件延长审限和延期开庭问题的规定》 2019).
CIVIL_EXTENSION_LEAD_DAYS = 15


class RecipientKind(models.TextChoices):
    JUDGE = "judge", _("承办法官")
    DIVISION = "division", _("部门")


class LetterState(models.TextChoices):
    """State of a notice (督办通知) or an inquiry (异常函询)."""

    DRAFT = "draft", _("草稿")
    SENT = "sent", _("已发送")
    ACKNOWLEDGED = "acknowledged", _("已签收")
    ANSWERED = "answered", _("已答复")
    RETURNED = "returned", _("已退回重答")
    CLOSED = "closed", _("已办结")


# Waiting on the recipient: a reminder is due once the deadline has passed in one of these.
AWAITING_ANSWER_STATES = (LetterState.SENT, LetterState.ACKNOWLEDGED, LetterState.RETURNED)


class ReminderKind(models.TextChoices):
    RECIPIENT = "recipient", _("提示收件人")
    LEADER = "leader", _("提醒领导")


class Channel(models.TextChoices):
    IN_APP = "in_app", _("站内消息")
    EMAIL = "email", _("电子邮件")
    SMS = "sms", _("短信")


class ReminderState(models.TextChoices):
    PENDING = "pending", _("发送中")
    SENT = "sent", _("已发送")


class ReminderSubject(models.TextChoices):
    """What a reminder is about (supervision.services.reminders.SOURCES: one source each)."""

    NOTICE = "notice", _("督办通知")
    INQUIRY = "inquiry", _("异常函询")
    MEASURE = "measure", _("监督管理措施")
    CAMPAIGN_CASE = "campaign_case", _("清理攻坚案件")
    REVIEW = "review", _("发改再评查异议答复")
    EXTENSION = "extension", _("延长审限审批")
    TIME_LIMIT = "time_limit", _("审限届满")
    TALK_COMMITMENT = "talk_commitment", _("约谈整改承诺")
    CONSULTATION = "consultation", _("拟发改再事先沟通答复")
    RECTIFICATION = "rectification", _("评查整改答复")
    MEETING_ACTION = "meeting_action", _("数据会商决定事项")


class ReminderStage(models.TextChoices):
    """When, relative to the due date, and to whom: the person responsible before and on the
    day and once overdue; then the leader above (庭长), then the one above them (分管院领导)."""

    BEFORE_15 = "before_15", _("届满前15日")
    BEFORE_5 = "before_5", _("届满前5日")
    DUE = "due", _("到期当日")
    OVERDUE = "overdue", _("已逾期")
    ESCALATE_1 = "escalate_1", _("逾期提醒庭长")
    ESCALATE_2 = "escalate_2", _("逾期提醒分管院领导")


class ReviewTrigger(models.TextChoices):
    APPEAL = "appeal", _("二审改判、发回")
    RETRIAL = "retrial", _("再审改判、发回")


class ReasonClass(models.TextChoices):
    FACT_FINDING = "fact_finding", _("事实认定")
    APPLICATION_OF_LAW = "application_of_law", _("法律适用")
    PROCEDURE = "procedure", _("程序")
    NEW_EVIDENCE = "new_evidence", _("新证据")
    OTHER = "other", _("其他")


class Severity(models.TextChoices):
    NONE = "none", _("无差错")
    MINOR = "minor", _("轻微差错")
    ORDINARY = "ordinary", _("一般差错")
    SERIOUS = "serious", _("严重差错")


class ReviewState(models.TextChoices):
    PENDING = "pending", _("待评查")
    REVIEWED = "reviewed", _("已评查")
    OBJECTED = "objected", _("原审法官有异议")
    ANSWERED = "answered", _("已答复异议")


class AgeBucket(models.TextChoices):
    """Long-pending age buckets, gross calendar months from filing (DOMAIN.md)."""

    M12_18 = "12_18", _("12至18个月")
    M18_24 = "18_24", _("18至24个月")
    M24_36 = "24_36", _("24至36个月")
    M36_PLUS = "36_plus", _("36个月以上")


# bucket -> (more than this many months, at most this many; None: no upper bound)
AGE_BUCKET_MONTHS = {
    AgeBucket.M12_18: (12, 18),
    AgeBucket.M18_24: (18, 24),
    AgeBucket.M24_36: (24, 36),
    AgeBucket.M36_PLUS: (36, None),
}
# 可能发生的动向: thresholds (months) and horizons (days) of the outlook.
OUTLOOK_THRESHOLDS = (12, 24, 36)
OUTLOOK_HORIZONS = (30, 60, 90)


class TraceKind(models.TextChoices):
    """One step on the supervision trail (全程留痕)."""

    MARK_SUGGESTED = "mark_suggested", _("规则提示四类案件")
    MARKED = "marked", _("标注四类案件")
    MARK_CONFIRMED = "mark_confirmed", _("确认四类案件")
    MARK_REMOVED = "mark_removed", _("撤销四类案件标注")
    MEASURE_TAKEN = "measure_taken", _("采取监督管理措施")
    MEASURE_RESPONDED = "measure_responded", _("承办法官回复")
    REFERRED = "referred", _("提交讨论")
    REFERRAL_RESULT = "referral_result", _("讨论结果")
    APPROVER_DESIGNATED = "approver_designated", _("指定审限变更审批人")
    EXTENSION_REQUESTED = "extension_requested", _("申请延长审限")
    EXTENSION_APPROVED = "extension_approved", _("批准延长审限")
    EXTENSION_REJECTED = "extension_rejected", _("不批准延长审限")
    DEADLINE_CHANGED = "deadline_changed", _("审限变更")
    NOTICE_ISSUED = "notice_issued", _("发出督办通知")
    INQUIRY_SENT = "inquiry_sent", _("发出异常函询")
    INQUIRY_DISCARDED = "inquiry_discarded", _("研判后不予函询")
    LETTER_ACKNOWLEDGED = "letter_acknowledged", _("签收")
    LETTER_ANSWERED = "letter_answered", _("答复")
    LETTER_RETURNED = "letter_returned", _("退回重答")
    LETTER_CLOSED = "letter_closed", _("办结")
    REMINDER_SENT = "reminder_sent", _("催办提醒")
    CAMPAIGN_ASSIGNED = "campaign_assigned", _("清理攻坚落实责任")
    REVIEW_OPENED = "review_opened", _("发改再评查立项")
    REVIEW_RECORDED = "review_recorded", _("评查意见")
    REVIEW_OBJECTED = "review_objected", _("原审法官异议")
    REVIEW_ANSWERED = "review_answered", _("异议答复")
    JOINT_INSPECTION = "joint_inspection", _("联合督查")
    JOINT_INSPECTION_REQUESTED = "joint_inspection_requested", _("申请联合督查")
    JOINT_INSPECTION_APPROVED = "joint_inspection_approved", _("批准联合督查")
    JOINT_INSPECTION_REJECTED = "joint_inspection_rejected", _("不批准联合督查")
    DIVISION_LEADER_SET = "division_leader_set", _("指定分管院领导")
    DIVISION_LEADER_REMOVED = "division_leader_removed", _("撤销分管院领导")
    CONTACT_CHANGED = "contact_changed", _("修改联系方式和提醒渠道")
    # issue 12: the seed's remaining mechanisms
    TALK_RULE_CHANGED = "talk_rule_changed", _("修改约谈提示规则")
    TALK_RECORDED = "talk_recorded", _("约谈提醒")
    TALK_COMMITMENT_REPORTED = "talk_commitment_reported", _("报告约谈承诺落实情况")
    TALK_COMMITMENT_CLOSED = "talk_commitment_closed", _("核销约谈承诺")
    CONSULT_OPENED = "consult_opened", _("拟发改再事先沟通")
    CONSULT_ANSWERED = "consult_answered", _("原审答复事先沟通")
    CONSULT_CONCLUDED = "consult_concluded", _("事先沟通结果")
    QUALITY_CAMPAIGN_OPENED = "quality_campaign_opened", _("案件评查立项")
    QUALITY_SHEET_CHANGED = "quality_sheet_changed", _("修改评查表")
    QUALITY_REVIEWER_ASSIGNED = "quality_reviewer_assigned", _("指定评查人")
    QUALITY_SCORED = "quality_scored", _("案件评查评分")
    RECTIFY_REQUESTED = "rectify_requested", _("发出评查整改要求")
    RECTIFY_ANSWERED = "rectify_answered", _("评查整改答复")
    MEETING_HELD = "meeting_held", _("数据会商")
    MEETING_DECIDED = "meeting_decided", _("会商决定事项")
    MEETING_ACTION_DONE = "meeting_action_done", _("会商事项办结")
    EFFECT_CHECKED = "effect_checked", _("跟踪问效")
    REFUSED = "refused", _("操作被拒绝")


class EffectSource(models.TextChoices):
    """跟踪问效: the kinds of action whose effect is tracked (issue 12 item 5)."""

    NOTICE = "notice", _("督办通知")
    INQUIRY = "inquiry", _("异常函询")
    TALK = "talk", _("约谈")
    CAMPAIGN = "campaign", _("清理攻坚")
    QUALITY_REVIEW = "quality_review", _("案件评查")
    MEETING_ACTION = "meeting_action", _("会商事项")


# --- issue 12: consultations ---


class ConsultIntention(models.TextChoices):
    """拟发改再事先沟通: what the second-instance or retrial judge intends."""

    MODIFY = "modify", _("拟改判")
    REMAND = "remand", _("拟发回重审")


class ConsultState(models.TextChoices):
    AWAITING = "awaiting", _("待原审答复")
    ANSWERED = "answered", _("原审已答复")
    CONCLUDED = "concluded", _("已登记结果")


class ConsultAnswer(models.TextChoices):
    AGREE = "agree", _("同意")
    DISAGREE = "disagree", _("不同意")


class ConsultOutcome(models.TextChoices):
    AS_INTENDED = "as_intended", _("按拟意见改判、发回")
    CHANGED = "changed", _("沟通后改变意见")
    COMMITTEE = "committee", _("提交审判委员会讨论")


# --- issue 12: quality reviews ---


class QualityGrade(models.TextChoices):
    """评查等次: by the score (100 less the deductions) against the sheet's thresholds."""

    EXCELLENT = "excellent", _("优秀")
    PASS = "pass", _("合格")
    FLAW = "flaw", _("瑕疵")
    ERROR = "error", _("差错")


class QualityReviewState(models.TextChoices):
    PENDING = "pending", _("待评查")
    SCORED = "scored", _("已评查")


class QualitySource(models.TextChoices):
    """How a case came into a review campaign."""

    ROUTINE = "routine", _("常规抽查")
    EXTENSIONS = "extensions", _("多次延长审限")
    WITHDRAWALS = "withdrawals", _("长期未结后撤诉")
    CHOSEN = "chosen", _("指定案件")


class RectificationState(models.TextChoices):
    OPEN = "open", _("待整改答复")
    ANSWERED = "answered", _("已答复待审核")
    ACCEPTED = "accepted", _("整改完成")
