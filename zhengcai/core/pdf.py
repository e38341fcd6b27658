"""HTML → PDF for every app (documents, reports, notices, contracts, archives).

WeasyPrint with Debian's fonts-noto-cjk, so Chinese renders in every PDF the platform issues.
"""

from __future__ import annotations


def render_pdf(html: str) -> bytes:
    """The PDF of an HTML page (A4 and fonts come from the page's own CSS)."""
    from weasyprint import HTML

    return bytes(HTML(string=html).write_pdf())
