from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from cases.api.views import TokenObtainView
from cases.views.pages import home
from courtdash.api import router

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/auth/token/", TokenObtainView.as_view(), name="api-token"),
    path("api/v1/", include(router.urls)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves its init script as a file: the CSP allows no inline script.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="swagger-ui"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("", home, name="home"),
    path("", include("cases.urls")),
    path("metrics/", include("metrics.urls")),
    path("supervision/", include("supervision.urls")),
    path("reports/", include("reports.urls")),
]

# Error pages (courtdash/errors.py): styled and translated for people, JSON under /api/.
handler400 = "courtdash.errors.bad_request"
handler403 = "courtdash.errors.permission_denied"
handler404 = "courtdash.errors.page_not_found"
handler500 = "courtdash.errors.server_error"
