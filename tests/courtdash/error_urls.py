"""The project's URLs and error handlers, plus views that fail (tests/courtdash/test_errors.py)."""

from django.core.exceptions import SuspiciousOperation
from django.urls import path

from courtdash import urls as project

SECRET = "internal-detail-DATABASE_URL-SECRET_KEY"


def fails(request):
    raise RuntimeError(SECRET)


def suspicious(request):
    raise SuspiciousOperation(SECRET)


urlpatterns = [
    path("test-errors/fails/", fails),
    path("test-errors/bad/", suspicious),
    path("api/v1/test-errors/fails/", fails),
    *project.urlpatterns,
]
handler400 = project.handler400
handler403 = project.handler403
handler404 = project.handler404
handler500 = project.handler500
