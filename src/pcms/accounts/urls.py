from django.urls import path

from pcms.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("two-factor/", views.two_factor_verify, name="two_factor_verify"),
    path("two-factor/setup/", views.two_factor_setup, name="two_factor_setup"),
    path("account/", views.account, name="account"),
    path("account/tokens/<int:pk>/revoke/", views.revoke_token, name="revoke_token"),
]
