"""The account page, changing the password, two-factor set-up and the second step of signing in."""

from django.urls import path

from accounts import views

app_name = "accounts"
urlpatterns = [
    path("account/", views.account, name="account"),
    path("account/password/", views.password, name="password"),
    path("account/two-factor/", views.two_factor, name="two_factor"),
    path("account/recovery-codes/", views.recovery_codes, name="recovery_codes"),
    path("account/two-factor-off/", views.turn_off, name="turn_off"),
    path("login/verify/", views.verify, name="verify"),
]
