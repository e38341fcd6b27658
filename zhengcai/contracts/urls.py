from django.urls import path

from zhengcai.contracts import views

app_name = "contracts"
urlpatterns = [
    path("", views.contract_list, name="list"),
    path("lots/<int:lot_id>/draft/", views.contract_draft, name="draft"),
    path("<int:pk>/", views.contract_detail, name="detail"),
    path("<int:pk>/update/", views.contract_update, name="update"),
    path("<int:pk>/issue/", views.contract_issue, name="issue"),
    path("<int:pk>/sign/", views.contract_sign_page, name="sign"),
    path("<int:pk>/sign/submit/", views.contract_sign, name="sign_submit"),
    path("<int:pk>/sign/demo/", views.contract_sign_demo, name="sign_demo"),
    path("<int:pk>/key/", views.party_key_register, name="key_register"),
    path("<int:pk>/announce/", views.contract_announce, name="announce"),
    path("<int:pk>/file/", views.contract_file, name="file"),
    path("<int:pk>/supplements/", views.supplement_add, name="supplement_add"),
    path("<int:pk>/milestones/", views.milestone_add, name="milestone_add"),
    path("milestones/<int:pk>/deliver/", views.milestone_deliver, name="milestone_deliver"),
    path("milestones/<int:pk>/acceptance/", views.acceptance_open, name="acceptance_open"),
    path("milestones/<int:pk>/pay/", views.payment_request, name="payment_request"),
    path("acceptances/<int:pk>/", views.acceptance_page, name="acceptance"),
    path("acceptances/<int:pk>/report/", views.acceptance_report, name="acceptance_report"),
    path("acceptances/<int:pk>/sign/", views.acceptance_sign, name="acceptance_sign"),
    path("acceptances/<int:pk>/remedy/", views.acceptance_remedy, name="acceptance_remedy"),
    path("payments/<int:pk>/approve/", views.payment_approve, name="payment_approve"),
    path("payments/<int:pk>/refuse/", views.payment_refuse, name="payment_refuse"),
    path("public/", views.public_list, name="public"),
    path("public/<int:pk>/", views.public_detail, name="public_detail"),
]
