"""Services: who may edit, versioning, one audit entry per change, nothing changed on error."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from zhengcai.catalog import services
from zhengcai.catalog.models import (
    CatalogItem,
    CentralizedCatalogEntry,
    ConfigurationStandard,
    Threshold,
)
from zhengcai.catalog.tests.conftest import CatWorld, D
from zhengcai.core.audit import verify_chain
from zhengcai.core.errors import Conflict, InvalidInput, PermissionDenied, PreconditionFailed
from zhengcai.core.models import AuditEntry


def _threshold(w: CatWorld, actor: str | None = "reg_prov", **kw: Any) -> Threshold:
    args: dict[str, Any] = {
        "region": w.regions["province"],
        "unit_level": 1,
        "category": "A",
        "kind": "limit",
        "amount": "500000",
        "effective_from": D(2020, 1, 1),
        "basis": "测试",
    }
    args.update(kw)
    return services.threshold_set(actor=w.users[actor] if actor else None, **args)


# --- permissions --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("actor", "region", "allowed"),
    [
        ("reg_prov", "province", True),
        ("admin", "province", True),
        ("admin", "nb", True),
        ("reg_hz", "hz", True),
        ("reg_hz", "province", False),  # not the parent region
        ("reg_prov", "hz", False),  # nor a child region
        ("reg_nb", "hz", False),
        ("pur", "hz", False),
        ("supv", "hz", False),
        ("expert", "hz", False),
    ],
)
def test_who_may_set_thresholds(w: CatWorld, actor: str, region: str, allowed: bool) -> None:
    level = w.regions[region].level
    if allowed:
        _threshold(w, actor, region=w.regions[region], unit_level=level)
    else:
        before = AuditEntry.objects.count()
        with pytest.raises(PermissionDenied):
            _threshold(w, actor, region=w.regions[region], unit_level=level)
        assert AuditEntry.objects.count() == before
        assert not Threshold.objects.exists()


def test_only_admin_edits_items(w: CatWorld) -> None:
    with pytest.raises(PermissionDenied):
        services.item_create(actor=w.users["reg_prov"], code="A02010110", name="测试")
    item = services.item_create(actor=w.users["admin"], code="A02010110", name="测试计算机")
    assert item.parent is not None and item.parent.code == "A02010100" and item.level == 4


# --- thresholds: versioning -------------------------------------------------------------------


def test_new_version_closes_previous(w: CatWorld) -> None:
    first = _threshold(w)
    second = _threshold(w, amount="1000000", effective_from=D(2025, 7, 1))
    first.refresh_from_db()
    assert first.effective_to == D(2025, 6, 30) and first.version == 2
    assert second.effective_to is None and second.version == 1
    actions = list(
        AuditEntry.objects.filter(action__startswith="catalog.threshold")
        .order_by("seq")
        .values_list("action", "object_id")
    )
    assert actions == [
        ("catalog.threshold.created", str(first.pk)),
        ("catalog.threshold.closed", str(first.pk)),
        ("catalog.threshold.created", str(second.pk)),
    ]
    closed = AuditEntry.objects.get(action="catalog.threshold.closed")
    assert closed.before["effective_to"] is None
    assert closed.after["effective_to"] == "2025-06-30"
    assert verify_chain().ok


def test_same_date_version_conflicts(w: CatWorld) -> None:
    _threshold(w)
    with pytest.raises(Conflict) as exc:
        _threshold(w, amount="600000")
    assert exc.value.code == "duplicate"


def test_version_before_a_later_one_conflicts(w: CatWorld) -> None:
    _threshold(w, effective_from=D(2025, 1, 1))
    with pytest.raises(Conflict) as exc:
        _threshold(w, effective_from=D(2024, 1, 1))
    assert exc.value.code == "version_order"
    assert Threshold.objects.count() == 1


@pytest.mark.parametrize(
    ("kw", "code"),
    [
        ({"amount": "-1"}, "amount_invalid"),
        ({"amount": "0"}, "amount_invalid"),
        ({"amount": "abc"}, "amount_invalid"),
        ({"amount": "1.001"}, "amount_invalid"),
        ({"unit_level": 4}, "unit_level_invalid"),
        ({"category": "X"}, "category_invalid"),
        ({"kind": "other"}, "kind_invalid"),
        ({"effective_to": D(2019, 1, 1)}, "date_invalid"),
        ({"effective_from": None}, "date_invalid"),
    ],
)
def test_threshold_validation(w: CatWorld, kw: dict[str, Any], code: str) -> None:
    before = AuditEntry.objects.count()
    with pytest.raises(InvalidInput) as exc:
        _threshold(w, **kw)
    assert exc.value.code == code and exc.value.status == 422
    assert AuditEntry.objects.count() == before and not Threshold.objects.exists()


def test_city_cannot_set_provincial_unit_level(w: CatWorld) -> None:
    with pytest.raises(InvalidInput) as exc:
        _threshold(w, "reg_hz", region=w.regions["hz"], unit_level=1)
    assert exc.value.code == "unit_level_invalid"


def test_threshold_update_optimistic_version(w: CatWorld) -> None:
    row = _threshold(w)
    updated = services.threshold_update(
        actor=w.users["reg_prov"],
        threshold=row,
        expected_version=1,
        changes={"amount": "550000"},
    )
    assert updated.amount == Decimal("550000.00") and updated.version == 2
    entry = AuditEntry.objects.filter(action="catalog.threshold.updated").get()
    assert entry.before["amount"] == "500000.00" and entry.after["amount"] == "550000.00"
    with pytest.raises(PreconditionFailed):
        services.threshold_update(
            actor=w.users["reg_prov"], threshold=row, expected_version=1, changes={"basis": "x"}
        )


def test_threshold_update_refuses_other_fields(w: CatWorld) -> None:
    row = _threshold(w)
    with pytest.raises(InvalidInput):
        services.threshold_update(
            actor=None, threshold=row, expected_version=None, changes={"kind": "open_tender"}
        )


def test_threshold_update_by_other_region_denied(w: CatWorld) -> None:
    row = _threshold(w)
    with pytest.raises(PermissionDenied):
        services.threshold_update(
            actor=w.users["reg_hz"], threshold=row, expected_version=1, changes={"amount": "1"}
        )
    row.refresh_from_db()
    assert row.amount == Decimal("500000.00")


# --- 集中采购目录 ------------------------------------------------------------------------------


def _entry(w: CatWorld, code: str = "A02010105", **kw: Any) -> CentralizedCatalogEntry:
    args: dict[str, Any] = {
        "region": w.regions["province"],
        "year": 2026,
        "item": w.item(code),
        "scope": "central",
    }
    args.update(kw)
    return services.centralized_entry_create(actor=w.users["reg_prov"], **args)


def test_entry_create_update_delete_audited(w: CatWorld) -> None:
    e = _entry(w, min_amount="500")
    assert e.min_amount == Decimal("500.00")
    e = services.centralized_entry_update(
        actor=w.users["reg_prov"], entry=e, expected_version=1, changes={"note": "定点"}
    )
    services.centralized_entry_delete(actor=w.users["reg_prov"], entry=e, expected_version=2)
    assert not CentralizedCatalogEntry.objects.exists()
    actions = list(
        AuditEntry.objects.filter(object_type="catalog.centralizedcatalogentry")
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions == [
        "catalog.centralized.created",
        "catalog.centralized.updated",
        "catalog.centralized.deleted",
    ]


def test_entry_duplicate_conflicts(w: CatWorld) -> None:
    _entry(w)
    with pytest.raises(Conflict):
        _entry(w)


def test_entry_negative_min_amount(w: CatWorld) -> None:
    with pytest.raises(InvalidInput):
        _entry(w, min_amount="-5")
    assert not CentralizedCatalogEntry.objects.exists()


def test_entry_bad_year_and_scope(w: CatWorld) -> None:
    with pytest.raises(InvalidInput):
        _entry(w, year=1990)
    with pytest.raises(InvalidInput):
        _entry(w, scope="nope")


def test_entry_delete_stale_version(w: CatWorld) -> None:
    e = _entry(w)
    with pytest.raises(PreconditionFailed):
        services.centralized_entry_delete(actor=w.users["reg_prov"], entry=e, expected_version=9)
    assert CentralizedCatalogEntry.objects.filter(pk=e.pk).exists()


def test_copy_year(w: CatWorld) -> None:
    _entry(w, "A02010105")
    _entry(w, "C21040000", min_amount="100")
    created = services.centralized_copy_year(
        actor=w.users["reg_prov"], region=w.regions["province"], from_year=2026, to_year=2027
    )
    assert [e.item.code for e in created] == ["A02010105", "C21040000"]
    assert created[1].min_amount == Decimal("100.00")
    with pytest.raises(Conflict) as exc:
        services.centralized_copy_year(
            actor=w.users["reg_prov"], region=w.regions["province"], from_year=2026, to_year=2027
        )
    assert exc.value.code == "target_year_not_empty"
    with pytest.raises(Conflict):
        services.centralized_copy_year(
            actor=w.users["reg_prov"], region=w.regions["province"], from_year=2020, to_year=2021
        )


def test_copy_year_denied_for_other_region(w: CatWorld) -> None:
    _entry(w)
    with pytest.raises(PermissionDenied):
        services.centralized_copy_year(
            actor=w.users["reg_hz"], region=w.regions["province"], from_year=2026, to_year=2027
        )
    assert CentralizedCatalogEntry.objects.filter(year=2027).count() == 0


# --- 资产配置标准 ------------------------------------------------------------------------------


def _standard(w: CatWorld, **kw: Any) -> ConfigurationStandard:
    args: dict[str, Any] = {
        "region": w.regions["province"],
        "item": w.item("A02010105"),
        "max_unit_price": "6000",
        "max_quantity": "1",
        "quantity_basis": "per_staff",
        "min_service_years": 6,
        "effective_from": D(2020, 1, 1),
    }
    args.update(kw)
    return services.config_standard_set(actor=w.users["reg_prov"], **args)


def test_standard_versions(w: CatWorld) -> None:
    first = _standard(w)
    _standard(w, max_unit_price="6500", effective_from=D(2026, 1, 1))
    first.refresh_from_db()
    assert first.effective_to == D(2025, 12, 31)


@pytest.mark.parametrize(
    ("kw", "code"),
    [
        (
            {"max_unit_price": None, "max_quantity": None, "min_service_years": None},
            "standard_empty",
        ),
        ({"max_unit_price": "-6000"}, "amount_invalid"),
        ({"min_service_years": 0}, "amount_invalid"),
        ({"quantity_basis": "per_room"}, "quantity_basis_invalid"),
    ],
)
def test_standard_validation(w: CatWorld, kw: dict[str, Any], code: str) -> None:
    with pytest.raises(InvalidInput) as exc:
        _standard(w, **kw)
    assert exc.value.code == code
    assert not ConfigurationStandard.objects.exists()


def test_standard_goods_only(w: CatWorld) -> None:
    with pytest.raises(InvalidInput) as exc:
        _standard(w, item=w.item("C21040000"))
    assert exc.value.code == "standard_not_goods"


def test_standard_update_and_delete(w: CatWorld) -> None:
    s = _standard(w)
    s = services.config_standard_update(
        actor=w.users["admin"], standard=s, expected_version=1, changes={"max_quantity": "2"}
    )
    assert s.max_quantity == Decimal("2") and s.max_unit_price == Decimal("6000.00")
    with pytest.raises(PreconditionFailed):
        services.config_standard_delete(actor=w.users["admin"], standard=s, expected_version=1)
    services.config_standard_delete(actor=w.users["admin"], standard=s, expected_version=2)
    assert AuditEntry.objects.filter(action="catalog.standard.deleted").count() == 1


# --- items -------------------------------------------------------------------------------


def test_item_create_needs_parent(w: CatWorld) -> None:
    with pytest.raises(InvalidInput) as exc:
        services.item_create(actor=None, code="A09010100", name="无上级")
    assert exc.value.code == "item_parent_missing"


def test_item_create_bad_code(w: CatWorld) -> None:
    with pytest.raises(InvalidInput) as exc:
        services.item_create(actor=None, code="X123", name="坏")
    assert exc.value.code == "item_code_invalid"


def test_item_deactivate_subtree_and_reactivate(w: CatWorld) -> None:
    item = w.item("A02010100")
    changed = services.item_set_active(actor=w.users["admin"], item=item, active=False)
    codes = {i.code for i in changed}
    assert {"A02010100", "A02010105", "A02010108"} <= codes
    assert not CatalogItem.objects.filter(code__startswith="A020101", is_active=True).exists()
    assert CatalogItem.objects.get(code="A02010200").is_active
    child = w.item("A02010105")
    with pytest.raises(Conflict):
        services.item_set_active(actor=w.users["admin"], item=child, active=True)
    services.item_set_active(actor=w.users["admin"], item=w.item("A02010100"), active=True)
    assert w.item("A02010100").is_active
    assert AuditEntry.objects.filter(action="catalog.item.deactivated").count() == len(changed)


def test_inactive_item_refused_in_catalogue(w: CatWorld) -> None:
    services.item_set_active(actor=None, item=w.item("A02010105"), active=False)
    with pytest.raises(InvalidInput) as exc:
        _entry(w, "A02010105")
    assert exc.value.code == "item_inactive"


def test_items_load_idempotent(w: CatWorld) -> None:
    before = AuditEntry.objects.count()
    result = services.items_load(actor=None, rows=[("A02010105", "台式计算机")], source="t")
    assert (result.created, result.updated, result.unchanged) == (0, 0, 1)
    assert AuditEntry.objects.count() == before
    result = services.items_load(
        actor=None, rows=[("A02010105", "台式电脑"), ("A02010111", "新机型")], source="t"
    )
    assert (result.created, result.updated) == (1, 1)
    assert AuditEntry.objects.count() == before + 1


def test_items_load_missing_parent_loads_nothing(w: CatWorld) -> None:
    count = CatalogItem.objects.count()
    with pytest.raises(InvalidInput):
        services.items_load(
            actor=None, rows=[("A02010112", "好"), ("A09090900", "无上级")], source="t"
        )
    assert CatalogItem.objects.count() == count


def test_item_update_version(w: CatWorld) -> None:
    item = w.item("A02010105")
    services.item_update(
        actor=w.users["admin"], item=item, expected_version=1, changes={"note": "x"}
    )
    with pytest.raises(PreconditionFailed):
        services.item_update(
            actor=w.users["admin"], item=item, expected_version=1, changes={"note": "y"}
        )
