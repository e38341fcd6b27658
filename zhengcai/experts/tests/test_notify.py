"""The default notification channel speaks Mandarin with Debian's espeak-ng into a WAV file."""

from __future__ import annotations

import shutil
import wave
from pathlib import Path
from typing import Any

import pytest

from zhengcai.experts import notify, services
from zhengcai.experts.models import DrawInvitation
from zhengcai.experts.tests.conftest import experts_policy
from zhengcai.experts.tests.factories import ExpertWorld, draw_request


def require_espeak() -> None:
    if shutil.which("espeak-ng") is None:
        pytest.fail(
            "espeak-ng is not installed: the default expert notification channel needs the "
            "Debian package espeak-ng (apt-get install espeak-ng; scripts/system-deps.sh)."
        )


def test_espeak_channel_writes_text_and_mandarin_wav(tmp_path: Path) -> None:
    require_espeak()
    with experts_policy(NOTIFY_DIR=str(tmp_path)):
        ref = notify.EspeakFileChannel().send(
            notify.Notice(7, 3, "13800000000", "孙教授您好，您已被抽取参加政府采购评审。")
        )
    wav = Path(ref)
    assert wav == tmp_path / "draw-3" / "invitation-7.wav"
    with wave.open(str(wav)) as f:
        assert f.getnframes() / f.getframerate() > 1.0  # a real spoken sentence
    assert "孙教授" in wav.with_suffix(".txt").read_text(encoding="utf-8")


def test_draw_notifies_through_the_default_channel(
    w: ExpertWorld, clock: Any, django_capture_on_commit_callbacks: Any, tmp_path: Path
) -> None:
    require_espeak()
    default = "zhengcai.experts.notify.EspeakFileChannel"
    with experts_policy(NOTIFY_DIR=str(tmp_path), NOTIFY_CHANNEL=default):
        draw = draw_request(w)
        with django_capture_on_commit_callbacks(execute=True):
            services.draw_execute(actor=w.users["agc"], draw=draw)
    invs = DrawInvitation.objects.filter(draw=draw)
    assert invs.count() == 5
    for inv in invs:
        assert inv.notified_at is not None
        assert Path(inv.notice_ref).read_bytes()[:4] == b"RIFF"


def test_missing_espeak_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(notify.shutil, "which", lambda name: None)
    with pytest.raises(notify.ChannelError, match="espeak-ng"):
        notify.espeak_path()
