"""The URL root: every app's URLs, the admin, login, /health/."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.i18n import set_language

from dashboard.views import favicon, health_check
from shops.api import endpoint as shops_api

handler500 = "smmdash.errors.server_error"

admin.site.site_header = _("smmdash administration")
admin.site.site_title = _("smmdash admin")
admin.site.index_title = _("Everything smmdash stores")

urlpatterns = [
    path("", include("dashboard.urls")),
    path("providers/", include("providers.urls")),
    path("orders/", include("orders.urls")),
    # The rates page began under Compare, and its address stays there.
    path("compare/rates/", include("rates.urls")),
    path("compare/", include("compare.urls")),
    path("scorecard/", include("scores.urls")),
    path("spend/", include("spend.urls")),
    path("shops/", include("shops.urls")),
    path("alerts/", include("alerts.urls")),
    path("", include("accounts.urls")),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    # The language switch in the header; the login page has it too, so no login is needed.
    path("language/", login_not_required(set_language), name="set_language"),
    # Browsers ask for it on pages (the admin's) that do not name an icon.
    path("favicon.ico", favicon),
    # For monitors: JSON, no login (see dashboard.views.health_check).
    path("health/", health_check, name="health"),
    # smmdash as a provider for shops' own panels: the panel API (see shops.api).
    path("api/v2", shops_api, name="shops_api"),
]
