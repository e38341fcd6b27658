"""Parsing the bid page's form into the sealed schedule's `declarations` (the demo signer
path; a supplier signing with its own tool writes the same structure into its schedule —
docs/bidding-declarations.md). Input only: whether the declaration is complete is
`rules.sme_declaration_check`'s, on the opened bid."""

from __future__ import annotations

from typing import Any

from django.http import QueryDict

ITEM_ROWS = 3
CONSORTIUM_ROWS = 2
SUBCONTRACT_ROWS = 2


def _get(post: QueryDict, name: str) -> str:
    return str(post.get(name, "")).strip()


def _firm(post: QueryDict, prefix: str, *, share: bool = False) -> dict[str, Any]:
    firm = {
        "name": _get(post, f"{prefix}_name"),
        "industry": _get(post, f"{prefix}_industry"),
        "size": _get(post, f"{prefix}_size"),
        "employees": _get(post, f"{prefix}_employees") or None,
        "revenue_wan": _get(post, f"{prefix}_revenue") or None,
        "assets_wan": _get(post, f"{prefix}_assets") or None,
    }
    if share:
        firm["share"] = _get(post, f"{prefix}_share") or None
    return firm


def _blank(firm: dict[str, Any]) -> bool:
    return not any(v for k, v in firm.items() if k != "size")


def declarations_from_post(
    post: QueryDict, *, object_kind: str, supplier_name: str
) -> dict[str, Any]:
    """The `declarations` of the schedule: the declared size (the summary the opening record
    shows), 监狱企业 / 残疾人福利性单位 with their proof, and — when the supplier ticks it — the
    中小企业声明函: per goods item its manufacturer, or the supplier itself for services and
    works; consortium members and their shares; subcontracts to SMEs and their shares."""
    out: dict[str, Any] = {
        "sme_size": _get(post, "sme_size"),
        "prison_enterprise": post.get("prison") == "1",
        "prison_certificate": _get(post, "prison_certificate"),
        "disabled_welfare": post.get("welfare") == "1",
        "welfare_declaration": post.get("welfare_declaration") == "1",
    }
    if post.get("sme_declare") != "1":
        return out
    decl: dict[str, Any] = {"no_large_affiliation": post.get("no_large_affiliation") == "1"}
    if object_kind == "goods":
        items = []
        for i in range(ITEM_ROWS):
            maker = _firm(post, f"item{i}_maker")
            item = {
                "name": _get(post, f"item{i}_name"),
                "industry": _get(post, f"item{i}_industry"),
                "manufacturer": maker,
            }
            if item["name"] or not _blank(maker):
                items.append(item)
        decl["items"] = items
    else:
        supplier = _firm(post, "supplier")
        supplier["name"] = supplier["name"] or supplier_name
        decl["supplier"] = supplier
    consortium = [_firm(post, f"cons{j}", share=True) for j in range(CONSORTIUM_ROWS)]
    decl["consortium"] = [m for m in consortium if not _blank(m)]
    subs = [_firm(post, f"sub{k}", share=True) for k in range(SUBCONTRACT_ROWS)]
    decl["subcontracts"] = [
        {"name": s["name"], "size": s["size"], "share": s["share"]} for s in subs if not _blank(s)
    ]
    out["sme_declaration"] = decl
    return out
