from django.urls import path

from zhengcai.awards import views
from zhengcai.awards import views_complaints as vc

app_name = "awards"
urlpatterns = [
    path("", views.desk, name="desk"),
    path("<int:pk>/", views.award, name="award"),
    path("<int:pk>/notice/", views.notice_publish, name="notice_publish"),
    path("challenges/new/", views.challenge_file, name="challenge_file"),
    path("challenges/<int:pk>/", views.challenge, name="challenge"),
    path("challenges/<int:pk>/answer/", views.challenge_answer, name="challenge_answer"),
    path("challenges/<int:pk>/withdraw/", views.challenge_withdraw, name="challenge_withdraw"),
    path("challenges/<int:pk>/assist/", views.challenge_assist, name="challenge_assist"),
    path("inquiries/new/", views.inquiry_ask, name="inquiry_ask"),
    path("inquiries/<int:pk>/answer/", views.inquiry_answer, name="inquiry_answer"),
    path("complaints/", vc.complaints_desk, name="complaints"),
    path("complaints/new/", vc.complaint_new, name="complaint_new"),
    path("complaints/<int:pk>/", vc.complaint, name="complaint"),
    path("complaints/<int:pk>/review/", vc.complaint_review, name="complaint_review"),
    path("complaints/<int:pk>/suspend/", vc.complaint_suspend, name="complaint_suspend"),
    path("complaints/<int:pk>/clock/", vc.complaint_clock, name="complaint_clock"),
    path("complaints/<int:pk>/decide/", vc.complaint_decide, name="complaint_decide"),
    path("complaints/<int:pk>/answer/", vc.complaint_answer, name="complaint_answer"),
    path("complaints/<int:pk>/resubmit/", vc.complaint_resubmit, name="complaint_resubmit"),
    path("complaints/<int:pk>/withdraw/", vc.complaint_withdraw, name="complaint_withdraw"),
    path("public/complaints/", vc.public_decisions, name="public_complaint_decisions"),
    path("public/complaints/<int:pk>/", vc.public_decision, name="public_complaint_decision"),
    path("public/", views.public_notices, name="public_notices"),
    path("public/<int:pk>/", views.public_notice, name="public_notice"),
]
