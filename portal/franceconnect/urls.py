from django.urls import path

from portal.franceconnect import views


urlpatterns = [
    path("franceconnect/login/", views.login, name="franceconnect_login"),
    path("franceconnect/login/callback/", views.callback, name="franceconnect_callback"),
    path("franceconnect/deconnexion/", views.logout_return, name="franceconnect_logout_return"),
]
