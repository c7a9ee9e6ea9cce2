from django.urls import path

from oversight import views

app_name = "oversight"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("drill/<str:figure>/", views.drill_down, name="drill"),
    path("reports/<str:kind>/", views.report, name="report"),
    path("submissions/", views.submissions, name="submissions"),
    path("rules/", views.rule_documents, name="rules"),
    path("rules/<int:pk>/archive/", views.rule_document_archive, name="rule_archive"),
]
