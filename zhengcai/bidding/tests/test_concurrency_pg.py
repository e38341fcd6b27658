"""PostgreSQL: many suppliers submit in the last seconds before the deadline, in parallel,
each retrying with the same Idempotency-Key; the clock passes the deadline mid-run.
Every bid accepted before it is stored exactly once; every one after is refused."""

from __future__ import annotations

import datetime as dt
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from django.db import connection, connections
from django.test import Client

from zhengcai.accounts import services as account_services
from zhengcai.accounts.constants import OrgKind
from zhengcai.accounts.models import Region
from zhengcai.accounts.tests.factories import organization, user
from zhengcai.bidding import client, services
from zhengcai.bidding.models import Bid
from zhengcai.bidding.tests.factories import NOW, build, project, schedule
from zhengcai.core import clock

pytestmark = [pytest.mark.postgres, pytest.mark.slow]
N_EARLY = 6
N_LATE = 4


@pytest.mark.django_db(transaction=True)
def test_parallel_last_second_submissions() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (row locks)")
    clock.freeze(NOW)
    w = build(tokens=False)
    deadline = NOW + dt.timedelta(days=21)
    p = project(w, deadline=deadline)
    lot = p.lots.get()
    hz = Region.objects.get(code="330100")
    window = services.bid_window(p)
    jobs: list[dict[str, Any]] = []
    for i in range(N_EARLY + N_LATE):
        org = organization(OrgKind.SUPPLIER, hz, f"并发供应商{i}")
        u = user(org, username=f"cc{i}")
        signer = client.generate("sm2" if i % 3 == 0 else "ecdsa-p256")
        key = services.key_register(actor=u, public_key=signer.public_key)
        part = services.participation_register(actor=u, lot=lot)
        token = account_services.api_token_create(actor=u, name="t", expires_days=None)[1]
        body = client.bid_payload(
            window_uid=window.uid,
            signer=signer,
            key_id=key.key_id,
            schedule=schedule(f"{1000 + i}.00"),
            files={"a.pdf": f"%PDF bid {i}".encode()},
        )
        jobs.append({"i": i, "part": part.pk, "token": token, "body": body})
    clock.freeze(deadline - dt.timedelta(seconds=2))
    half_done = threading.Event()
    done = [0]
    lock = threading.Lock()

    def run(job: dict[str, Any]) -> list[tuple[int, str]]:
        try:
            c = Client()
            path = f"/api/v1/bidding/participations/{job['part']}/windows/{window.pk}/bids"
            out = []
            for _ in range(3):  # the original and two retries with the same key
                r = c.post(
                    path,
                    job["body"],
                    content_type="application/json",
                    HTTP_AUTHORIZATION=f"Bearer {job['token']}",
                    HTTP_IDEMPOTENCY_KEY=f"bid-{job['i']}",
                )
                out.append(
                    (r.status_code, r.json().get("code", "") if r.status_code != 201 else "")
                )
            with lock:
                done[0] += 1
                if done[0] >= N_EARLY // 2:
                    half_done.set()
            return out
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=N_EARLY + N_LATE) as pool:
        early = [pool.submit(run, j) for j in jobs[:N_EARLY]]
        half_done.wait(timeout=60)
        clock.freeze(deadline + dt.timedelta(milliseconds=1))  # the clock passes the deadline
        late = [pool.submit(run, j) for j in jobs[N_EARLY:]]
        results = [f.result() for f in early + late]

    accepted = 0
    for job, res in zip(jobs, results, strict=True):
        codes = {s for s, _ in res}
        assert len(codes) == 1, res  # retries get the same answer
        status = res[0][0]
        live = Bid.objects.filter(participation_id=job["part"]).count()
        if status == 201:
            accepted += 1
            assert live == 1
            assert Bid.objects.get(participation_id=job["part"]).submitted_at < deadline
        else:
            assert status == 409 and res[0][1] in {"deadline_passed", "idempotency_in_progress"}
            assert live == 0
    assert accepted >= N_EARLY // 2
    for res in results[N_EARLY:]:
        assert res[0][0] == 409 and res[0][1] == "deadline_passed"
    assert Bid.objects.filter(window=window).count() == accepted
    clock.unfreeze()
