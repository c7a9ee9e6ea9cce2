from django.urls import path

from publication import views

app_name = "publication"

urlpatterns = [
    path("", views.publication_list, name="list"),
    path("policy/", views.policy, name="policy"),
    path("<int:pk>/", views.publication_detail, name="detail"),
    path("<int:pk>/corrections/new/", views.correction_new, name="correction_new"),
    path("<int:pk>/objections/new/", views.objection_new, name="objection_new"),
    path("<int:pk>/<str:action>/", views.publication_action, name="action"),
    path("corrections/<int:pk>/<str:action>/", views.correction_action, name="correction_action"),
    path("objections/", views.objection_list, name="objections"),
    path("objections/<int:pk>/", views.objection_detail, name="objection"),
    path("objections/<int:pk>/<str:action>/", views.objection_action, name="objection_action"),
]
