from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("otp/", views.otp_view, name="otp"),
    path("password/", views.password_change, name="password"),
    path("users/", views.user_list, name="users"),
    path("users/new/", views.user_create, name="user_create"),
    path("users/<int:pk>/", views.user_detail, name="user"),
    path("users/<int:pk>/active/", views.user_set_active, name="user_active"),
    path("users/<int:pk>/unlock/", views.user_unlock, name="user_unlock"),
    path("users/<int:pk>/reset-otp/", views.user_reset_otp, name="user_reset_otp"),
    path("users/<int:pk>/password/", views.user_set_password, name="user_password"),
]
