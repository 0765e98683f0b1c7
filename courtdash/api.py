"""The REST API: one router for every app's ViewSets, the pagination, the schema."""

from rest_framework.routers import DefaultRouter

from cases.api import views as cases_api
from cases.api.imports import CaseImportViewSet
from courtdash.pagination import Pagination  # noqa: F401 - defined apart to avoid an import cycle
from metrics.api import contributions as contributions_api
from metrics.api import views as metrics_api
from metrics.api.funnel import FunnelViewSet
from metrics.api.ranges import ReferenceRangeViewSet
from reports.api.views import ROUTES as REPORTS_ROUTES
from supervision.api.views import ROUTES as SUPERVISION_ROUTES

router = DefaultRouter()
# No `.json` suffix routes: one URL per resource (`?format=` and Accept still choose).
router.include_format_suffixes = False
router.register("cases", cases_api.CaseViewSet, basename="case")
router.register("courts", cases_api.CourtViewSet, basename="court")
router.register("divisions", cases_api.DivisionViewSet, basename="division")
router.register("judges", cases_api.JudgeViewSet, basename="judge")
router.register("audit-events", cases_api.AuditEventViewSet, basename="audit-event")
router.register("case-imports", CaseImportViewSet, basename="case-import")
router.register("indicators", metrics_api.IndicatorViewSet, basename="indicator")
router.register("indicator-values", metrics_api.IndicatorValueViewSet, basename="indicator-value")
router.register("rankings", metrics_api.RankingViewSet, basename="ranking")
router.register("indicator-cases", metrics_api.IndicatorCaseViewSet, basename="indicator-case")
router.register("funnels", FunnelViewSet, basename="funnel")  # issue 12: funnel plots
# issue 12: 比贡献 and 第一方阵 (metrics.api.contributions)
router.register("contributions", contributions_api.ContributionViewSet, basename="contribution")
router.register(
    "target-suggestions", contributions_api.TargetSuggestionViewSet, basename="target-suggestion"
)
# issue 14: the SPC 2024 set's reference ranges (区间参考值), read-only
router.register("reference-ranges", ReferenceRangeViewSet, basename="reference-range")
for prefix, viewset, basename in SUPERVISION_ROUTES:
    router.register(prefix, viewset, basename=basename)
for prefix, viewset, basename in REPORTS_ROUTES:
    router.register(prefix, viewset, basename=basename)
