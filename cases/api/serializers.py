"""Read-only serializers of the cases API. Every choice is shown as its value and its label."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cases.choices import Band
from cases.models import AuditEvent, Case, Court, Division, Judge


class ReadModelSerializer(serializers.ModelSerializer):
    """A ModelSerializer whose schema says what it answers (the API's read shapes all use it):
    a read-only field keeps the blank its model field allows (DRF drops `allow_blank` from
    read-only fields, so a blank choice would break the schema's enum); a field whose default
    is None is nullable; so is a nested record behind a nullable foreign key."""

    def include_extra_kwargs(self, kwargs, extra_kwargs):
        allow_blank = kwargs.get("allow_blank", False)
        kwargs = super().include_extra_kwargs(kwargs, extra_kwargs)
        if allow_blank and kwargs.get("read_only"):
            kwargs["allow_blank"] = True
        return kwargs

    def get_fields(self):
        fields = super().get_fields()
        model = self.Meta.model
        for name, field in fields.items():
            if not field.read_only or isinstance(field, serializers.ListSerializer):
                continue
            source = field.source or name  # set when the field is bound
            if field.default is None:
                field.allow_null = True
            elif isinstance(field, serializers.BaseSerializer) and "." not in source:
                model_field = next((f for f in model._meta.get_fields() if f.name == source), None)
                if model_field is not None and getattr(model_field, "null", False):
                    field.allow_null = True
        return fields


class CourtSerializer(ReadModelSerializer):
    level_label = serializers.CharField(source="get_level_display", read_only=True)
    parent_code = serializers.CharField(source="parent.code", read_only=True, allow_null=True)

    class Meta:
        model = Court
        fields = ["id", "code", "name", "level", "level_label", "parent", "parent_code"]
        read_only_fields = fields


class DivisionSerializer(ReadModelSerializer):
    court_code = serializers.CharField(source="court.code", read_only=True)
    court_name = serializers.CharField(source="court.name", read_only=True)

    class Meta:
        model = Division
        fields = ["id", "court", "court_code", "court_name", "name"]
        read_only_fields = fields


class JudgeSerializer(ReadModelSerializer):
    court_code = serializers.CharField(source="court.code", read_only=True)
    division_name = serializers.CharField(source="division.name", read_only=True, allow_null=True)

    class Meta:
        model = Judge
        fields = ["id", "court", "court_code", "division", "division_name", "staff_id", "name"]
        read_only_fields = fields


class CaseLinkSerializer(ReadModelSerializer):
    """Another case named by this one (origin or derived), as its id and case number."""

    class Meta:
        model = Case
        fields = ["id", "case_number", "procedure", "filed_on", "closed_on"]
        read_only_fields = fields


class CaseSerializer(ReadModelSerializer):
    """A case in a list: its record, its unit and its time-limit standing as of today."""

    court_code = serializers.CharField(source="court.code", read_only=True)
    court_name = serializers.CharField(source="court.name", read_only=True)
    division_name = serializers.CharField(source="division.name", read_only=True)
    judge_name = serializers.CharField(source="judge.name", read_only=True)
    judge_staff_id = serializers.CharField(source="judge.staff_id", read_only=True)
    category_label = serializers.CharField(source="get_category_display", read_only=True)
    procedure_label = serializers.CharField(source="get_procedure_display", read_only=True)
    track_label = serializers.CharField(source="get_track_display", read_only=True)
    closing_method_label = serializers.CharField(
        source="get_closing_method_display", read_only=True
    )
    status = serializers.SerializerMethodField(help_text=_("pending 未结 / closed 已结"))
    days_left = serializers.IntegerField(
        read_only=True,
        allow_null=True,
        help_text=_("距审限届满的天数（负数为已超审限）；已结或无审限的案件为 null"),
    )
    band = serializers.ChoiceField(
        choices=Band.choices,
        read_only=True,
        allow_null=True,
        help_text=_("未结案件的审限预警；已结案件为 null"),
    )
    band_label = serializers.SerializerMethodField()
    trial_days = serializers.IntegerField(
        read_only=True, allow_null=True, help_text=_("审理天数（扣除天数后）；未结案件为 null")
    )

    class Meta:
        model = Case
        fields = [
            "id",
            "case_number",
            "year",
            "court",
            "court_code",
            "court_name",
            "type_code",
            "serial",
            "category",
            "category_label",
            "procedure",
            "procedure_label",
            "track",
            "track_label",
            "division",
            "division_name",
            "judge",
            "judge_name",
            "judge_staff_id",
            "cause",
            "filed_on",
            "closed_on",
            "closing_method",
            "closing_method_label",
            "status",
            "deadline",
            "days_left",
            "band",
            "band_label",
            "trial_days",
        ]
        read_only_fields = fields

    def get_status(self, case) -> str:
        return "pending" if case.closed_on is None else "closed"

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_band_label(self, case):
        band = getattr(case, "band", "")
        return Band(band).label if band else None

    def to_representation(self, case):
        data = super().to_representation(case)
        # A band is a warning about a pending case; a closed case has none, nor days left.
        if case.closed_on is not None or not data.get("band"):
            data["band"] = None
        if case.closed_on is not None:
            data["days_left"] = None
        return data


class CaseDetailSerializer(CaseSerializer):
    """One case: the whole record, what derives from it, and the cases linked to it."""

    appeal_outcome_label = serializers.CharField(
        source="get_appeal_outcome_display", read_only=True
    )
    retrial_outcome_label = serializers.CharField(
        source="get_retrial_outcome_display", read_only=True
    )
    effective_appeal_outcome_label = serializers.CharField(
        source="get_effective_appeal_outcome_display", read_only=True
    )
    effective_retrial_outcome_label = serializers.CharField(
        source="get_effective_retrial_outcome_display", read_only=True
    )
    origin = serializers.SerializerMethodField(
        help_text=_("原审案件（仅当其在本系统中且在您的可见范围内）")
    )
    derived_cases = serializers.SerializerMethodField(
        help_text=_("由本案衍生的案件（上诉、再审、执行等），仅限您的可见范围内")
    )

    class Meta(CaseSerializer.Meta):
        fields = [
            *CaseSerializer.Meta.fields,
            "deadline_on",
            "extension_days",
            "approved_extension_days",
            "excluded_days",
            "origin_case_number",
            "origin",
            "derived_cases",
            "appealed",
            "appeal_outcome",
            "appeal_outcome_label",
            "appeal_decided_on",
            "retrial_outcome",
            "retrial_outcome_label",
            "retrial_decided_on",
            "effective_appealed",
            "effective_appeal_outcome",
            "effective_appeal_outcome_label",
            "effective_appeal_decided_on",
            "effective_retrial_outcome",
            "effective_retrial_outcome_label",
            "effective_retrial_decided_on",
            "amount_applied",
            "amount_recovered",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(CaseLinkSerializer(allow_null=True))
    def get_origin(self, case):
        # visible_origin is prefetched through the viewer's scope (CaseViewSet.get_queryset).
        origin = getattr(case, "visible_origin", None)
        return CaseLinkSerializer(origin).data if origin is not None else None

    @extend_schema_field(CaseLinkSerializer(many=True))
    def get_derived_cases(self, case):
        return CaseLinkSerializer(getattr(case, "visible_derived_cases", []), many=True).data


class AuditEventSerializer(ReadModelSerializer):
    action_label = serializers.CharField(source="get_action_display", read_only=True)

    class Meta:
        model = AuditEvent
        fields = [
            "id",
            "at",
            "user",
            "username",
            "action",
            "action_label",
            "object_type",
            "object_id",
            "detail",
            "ip",
            "user_agent",
            "path",
        ]
        read_only_fields = fields


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(read_only=True, help_text=_("请求头：Authorization: Token …"))
