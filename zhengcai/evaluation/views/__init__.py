"""Web pages of the electronic evaluation: the agency's lots and committee, the members' review
and scoring sheets, the chair's summary, the report and its signatures, the supplier's
explanation of an abnormally low price and the purchaser's confirmation.

Thin (design §4 rule 1): parse with a form, fetch through `access`, call one service, render.
A refused service answers with its Chinese message on the same page, the input kept.

One module per part: `committee`, `members`, `conclusion`, and `common`; the pages are
re-exported here for `urls.py`."""

from zhengcai.evaluation.views.committee import (
    act,
    committee,
    home,
    open_evaluation,
)
from zhengcai.evaluation.views.common import (
    STEPS,
    Viewer,
)
from zhengcai.evaluation.views.conclusion import (
    award,
    conclude,
    explain,
    report_page,
    report_pdf,
)
from zhengcai.evaluation.views.members import (
    declare,
    live,
    overview,
    review,
    score,
    scores,
)

__all__ = [
    "STEPS",
    "Viewer",
    "act",
    "award",
    "committee",
    "conclude",
    "declare",
    "explain",
    "home",
    "live",
    "open_evaluation",
    "overview",
    "report_page",
    "report_pdf",
    "review",
    "score",
    "scores",
]
