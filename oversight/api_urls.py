from django.urls import path

from oversight import api

urlpatterns = [
    path("oversight/figures/", api.FiguresView.as_view(), name="oversight-figures"),
    path("oversight/reports/", api.ReportView.as_view(), name="oversight-report"),
    path("oversight/reports/submit/", api.ReportSubmitView.as_view(), name="oversight-submit"),
    path("oversight/submissions/", api.SubmissionsView.as_view(), name="oversight-submissions"),
    path("oversight/rule-documents/", api.RuleDocumentsView.as_view(), name="oversight-rules"),
]
