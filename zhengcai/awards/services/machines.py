"""The state machines of the awards app (core.transitions)."""

from __future__ import annotations

from zhengcai.awards import constants as c
from zhengcai.awards.models import Award, Challenge, Complaint, Inquiry, ResultNotice
from zhengcai.core import transitions

AWARD = transitions.register(
    transitions.Machine(
        Award,
        c.AWARD_TRANSITIONS,
        what="中标（成交）结果",
        action="award",
        labels=c.AwardStatus,
        organization=lambda a: a.project.agency,
    )
)
NOTICE = transitions.register(
    transitions.Machine(
        ResultNotice,
        c.NOTICE_TRANSITIONS,
        what="结果公告",
        action="result_notice",
        labels=c.NoticeStatus,
        organization=lambda n: n.award.project.agency,
    )
)
CHALLENGE = transitions.register(
    transitions.Machine(
        Challenge,
        c.CHALLENGE_TRANSITIONS,
        what="质疑",
        action="challenge",
        labels=c.ChallengeStatus,
        organization=lambda ch: ch.project.agency,
    )
)
INQUIRY = transitions.register(
    transitions.Machine(
        Inquiry,
        c.INQUIRY_TRANSITIONS,
        what="询问",
        action="inquiry",
        labels=c.InquiryStatus,
        organization=lambda q: q.project.agency,
    )
)
COMPLAINT = transitions.register(
    transitions.Machine(
        Complaint,
        c.COMPLAINT_TRANSITIONS,
        what="投诉",
        action="complaint",
        labels=c.ComplaintStatus,
        organization=lambda x: x.regulator,
    )
)
