"""Report rows: long-pending buckets, the outlook, the four-type ledger."""

from __future__ import annotations

from rest_framework import serializers


class BucketCountsSerializer(serializers.Serializer):
    court = serializers.IntegerField(source="court_id", required=False)
    court_code = serializers.CharField(source="court__code", required=False)
    court_name = serializers.CharField(source="court__name", required=False)
    division = serializers.IntegerField(source="division_id", required=False)
    division_name = serializers.CharField(source="division__name", required=False)
    judge = serializers.IntegerField(source="judge_id", required=False)
    judge_name = serializers.CharField(source="judge__name", required=False)
    m12_18 = serializers.IntegerField(source="12_18")
    m18_24 = serializers.IntegerField(source="18_24")
    m24_36 = serializers.IntegerField(source="24_36")
    m36_plus = serializers.IntegerField(source="36_plus")
    total = serializers.IntegerField()


class OutlookRowSerializer(serializers.Serializer):
    threshold_months = serializers.IntegerField()
    within_30_days = serializers.IntegerField()
    within_60_days = serializers.IntegerField()
    within_90_days = serializers.IntegerField()


class LedgerRowSerializer(serializers.Serializer):
    court = serializers.IntegerField(source="court_id")
    court_code = serializers.CharField()
    court_name = serializers.CharField()
    division = serializers.IntegerField(source="division_id")
    division_name = serializers.CharField()
    category = serializers.IntegerField(allow_null=True)
    category_label = serializers.CharField()
    open_marks = serializers.IntegerField()
    confirmed = serializers.IntegerField()
    awaiting_confirmation = serializers.IntegerField()
    awaiting_response = serializers.IntegerField()
    overdue_responses = serializers.IntegerField()
