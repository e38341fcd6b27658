from django.urls import path

from zhengcai.bidding import views

app_name = "bidding"
urlpatterns = [
    path("", views.home, name="home"),
    path("keys/", views.keys, name="keys"),
    path("keys/register/", views.key_register, name="key_register"),
    path("keys/demo/", views.key_create_demo, name="key_demo"),
    path("projects/<int:pk>/", views.project_page, name="project"),
    path("projects/<int:pk>/register/", views.register, name="register"),
    path("projects/<int:pk>/bids/<int:part_pk>/submit/", views.submit, name="submit"),
    path("projects/<int:pk>/bids/<int:bid_pk>/withdraw/", views.withdraw, name="withdraw"),
    path(
        "projects/<int:pk>/windows/<int:window_pk>/open/",
        views.opening_start,
        name="opening_start",
    ),
    path(
        "projects/<int:pk>/openings/<int:opening_pk>/objections/",
        views.objection_raise,
        name="objection_raise",
    ),
    path(
        "projects/<int:pk>/objections/<int:objection_pk>/answer/",
        views.objection_answer,
        name="objection_answer",
    ),
    path(
        "projects/<int:pk>/openings/<int:opening_pk>/sign/",
        views.opening_sign,
        name="opening_sign",
    ),
    path("projects/<int:pk>/opening/live/", views.opening_live, name="opening_live"),
    path("projects/<int:pk>/evidence/", views.evidence_page, name="evidence"),
    path("projects/<int:pk>/rounds/", views.rounds_page, name="rounds"),
    path("projects/<int:pk>/rounds/new/", views.round_open, name="round_open"),
    path(
        "projects/<int:pk>/rounds/participations/<int:part_pk>/eliminate/",
        views.participation_eliminate,
        name="eliminate",
    ),
    path(
        "projects/<int:pk>/rounds/<int:round_pk>/submit/<int:part_pk>/",
        views.final_submit,
        name="final_submit",
    ),
    path("bonds/", views.bonds, name="bonds"),
    path("bonds/<int:bond_pk>/refund/", views.bond_refund, name="bond_refund"),
    path(
        "bonds/lots/<int:lot_pk>/contract-signed/",
        views.bond_contract_signed,
        name="bond_contract_signed",
    ),
    path("receipts/<int:bid_pk>/", views.receipt, name="receipt"),
    # 邀请招标: prequalification, draw, invitations (法 34; 87号令 14; 条例 21)
    path("projects/<int:pk>/prequal/", views.prequal_desk, name="prequal_desk"),
    path("projects/<int:pk>/prequal/publish/", views.prequal_publish, name="prequal_publish"),
    path(
        "projects/<int:pk>/prequal/applications/<int:app_pk>/review/",
        views.prequal_review,
        name="prequal_review",
    ),
    path("projects/<int:pk>/prequal/<int:pq_pk>/close/", views.prequal_close, name="prequal_close"),
    path("projects/<int:pk>/prequal/<int:pq_pk>/draw/", views.prequal_draw, name="prequal_draw"),
    path(
        "projects/<int:pk>/prequal/<int:pq_pk>/invite/", views.prequal_invite, name="prequal_invite"
    ),
    path("prequal/", views.prequal_calls, name="prequal_calls"),
    path("prequal/<int:pq_pk>/", views.prequal_page, name="prequal_page"),
    path("prequal/<int:pq_pk>/apply/", views.prequal_apply, name="prequal_apply"),
]
