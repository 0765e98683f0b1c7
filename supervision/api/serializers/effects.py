"""跟踪问效: tracks with their checks, and the figures by kind of action. The targeted cases
are given by id, only those in the reader's reach."""

from __future__ import annotations

from rest_framework import serializers

from cases.api.serializers import ReadModelSerializer
from cases.models import Case
from supervision.models import EffectCheck, EffectTrack
from supervision.selectors.effects import reached_keys


def _reached(serializer, keys) -> set[str]:
    """The peers (unit keys) the request's user reaches (cached per request)."""
    cache = serializer.context.setdefault("reached_units", {})
    user = serializer.context["request"].user
    for key in keys:
        if key not in cache:
            cache[key] = bool(reached_keys(user, [key]))
    return {key for key in keys if cache[key]}


def _peers_list(serializer, result: dict, name: str) -> dict:
    keys = result.get(name) or []
    reached = _reached(serializer, keys)
    return {name: [k for k in keys if k in reached], f"{name}_outside": len(keys) - len(reached)}


def _visible(serializer, ids) -> set[int]:
    """The ids among `ids` of cases the request's user reaches (cached per request)."""
    cache = serializer.context.setdefault("visible_cases", {})
    missing = [pk for pk in ids if pk not in cache]
    if missing:
        user = serializer.context["request"].user
        seen = set(Case.objects.in_scope(user).filter(pk__in=missing).values_list("pk", flat=True))
        cache.update({pk: pk in seen for pk in missing})
    return {pk for pk in ids if cache[pk]}


class EffectCheckSerializer(ReadModelSerializer):
    case_states = serializers.SerializerMethodField()
    results = serializers.SerializerMethodField()

    class Meta:
        model = EffectCheck
        fields = [
            "id",
            "mark",
            "checked_on",
            "values_on",
            "results",
            "did",
            "improved",
            "cases_total",
            "cases_closed",
            "cases_overdue",
            "cases_long_pending",
            "case_states",
            "created_at",
        ]

    def get_results(self, check) -> dict:
        """Each indicator's change against the peers; the peers by unit key ("court/division/
        judge" ids) only inside the reader's reach, the others counted."""
        shown = {}
        for slug, result in (check.results or {}).items():
            shown[slug] = {
                **result,
                **_peers_list(self, result, "peers"),
                **_peers_list(self, result, "peers_targeted"),
            }
        return shown

    def get_case_states(self, check) -> dict:
        states = check.case_states or {}
        visible = _visible(self, [int(pk) for pk in states])
        return {pk: value for pk, value in states.items() if int(pk) in visible}


class EffectTrackSerializer(ReadModelSerializer):
    source_label = serializers.CharField(source="get_source_display", read_only=True)
    court_code = serializers.CharField(source="court.code", read_only=True, default=None)
    division_name = serializers.CharField(source="division.name", read_only=True, default=None)
    judge_name = serializers.CharField(source="judge.name", read_only=True, default=None)
    case_ids = serializers.SerializerMethodField()
    baseline = serializers.SerializerMethodField()
    checks = EffectCheckSerializer(many=True, read_only=True)

    class Meta:
        model = EffectTrack
        fields = [
            "id",
            "source",
            "source_label",
            "object_id",
            "title",
            "url",
            "scope",
            "court",
            "court_code",
            "division",
            "division_name",
            "judge",
            "judge_name",
            "indicators",
            "case_ids",
            "started_on",
            "baseline",
            "checks",
        ]

    def get_baseline(self, track) -> dict:
        """The values at the start: the unit's, and the peers' inside the reader's reach."""
        shown = {}
        for slug, base in (track.baseline or {}).items():
            peers = base.get("peers") or {}
            reached = _reached(self, list(peers))
            shown[slug] = {
                "as_of": base.get("as_of"),
                "value": base.get("value"),
                "peers": {k: v for k, v in peers.items() if k in reached},
                "peers_outside": len(peers) - len(reached),
            }
        return shown

    def get_case_ids(self, track) -> list[int]:
        visible = _visible(self, track.case_ids)
        return [pk for pk in track.case_ids if pk in visible]


class EffectQuerySerializer(serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=EffectTrack._meta.get_field("source").choices, required=False
    )


class MarkFiguresSerializer(serializers.Serializer):
    mark = serializers.IntegerField()
    checked = serializers.IntegerField()
    judged = serializers.IntegerField()
    improved = serializers.IntegerField()
    improved_share = serializers.FloatField(allow_null=True)
    cases_total = serializers.IntegerField()
    cases_closed = serializers.IntegerField()


class KindFiguresSerializer(serializers.Serializer):
    source = serializers.CharField()
    label = serializers.CharField()
    tracked = serializers.IntegerField()
    marks = MarkFiguresSerializer(many=True)
