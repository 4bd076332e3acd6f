from django.urls import path

from .views import auth, portal

app_name = "portal"

urlpatterns = [
    path("login/", auth.login_view, name="login"),
    path("login/sent/", auth.magic_sent, name="magic_sent"),
    path("login/link/", auth.magic_link, name="magic_link"),
    path("login/link/confirm/", auth.magic_confirm, name="magic_confirm"),
    path("logout/", auth.logout_view, name="logout"),
    path("account/password/", auth.set_password, name="set_password"),
    path("account/", portal.profile, name="profile"),
    path("workspaces/", portal.switcher, name="switcher"),
    path("preview/exit/", portal.preview_exit, name="preview_exit"),
]
