"""Pluggable notification channels for drawn experts (SMS / voice-call gateways).

A channel is a class with `send(notice) -> str` returning a reference (a gateway message id,
or here a file path). The class path comes from settings.ZHENGCAI["EXPERTS"]["NOTIFY_CHANNEL"].

The default `EspeakFileChannel` writes the text and a WAV of the spoken notice made with
Debian's `espeak-ng` Mandarin voice (`espeak-ng -v cmn`), ready for a voice gateway to play.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from zhengcai.experts.constants import policy


@dataclass(frozen=True)
class Notice:
    invitation_id: int
    draw_id: int
    phone: str
    text: str


class NotificationChannel(Protocol):
    def send(self, notice: Notice) -> str: ...


class ChannelError(RuntimeError):
    pass


ESPEAK = "espeak-ng"


def espeak_path() -> str:
    path = shutil.which(ESPEAK)
    if path is None:
        raise ChannelError(
            "找不到 espeak-ng：请用 apt 安装 Debian 软件包 espeak-ng（scripts/system-deps.sh）"
        )
    return path


def notice_dir() -> Path:
    configured = policy("NOTIFY_DIR")
    return Path(configured) if configured else Path(settings.MEDIA_ROOT) / "expert_notices"


class EspeakFileChannel:
    """Writes <dir>/<draw>/<invitation>.txt and .wav (Mandarin, espeak-ng voice cmn)."""

    def send(self, notice: Notice) -> str:
        folder = notice_dir() / f"draw-{notice.draw_id}"
        folder.mkdir(parents=True, exist_ok=True)
        base = folder / f"invitation-{notice.invitation_id}"
        txt, wav = base.with_suffix(".txt"), base.with_suffix(".wav")
        txt.write_text(f"TO {notice.phone}\n{notice.text}\n", encoding="utf-8")
        result = subprocess.run(  # noqa: S603 - fixed binary, text passed as one argument
            [espeak_path(), "-v", "cmn", "-s", "150", "-w", str(wav), notice.text],
            capture_output=True,
            timeout=60,
            check=False,
        )
        if result.returncode != 0 or not wav.exists():
            raise ChannelError(f"espeak-ng 失败：{result.stderr.decode(errors='replace')[:200]}")
        return str(wav)


class MemoryChannel:
    """Keeps notices in memory (tests, or deployments that poll the table instead)."""

    sent: list[Notice] = []

    def send(self, notice: Notice) -> str:
        MemoryChannel.sent.append(notice)
        return f"memory:{len(MemoryChannel.sent)}"


def channel() -> NotificationChannel:
    cls = import_string(str(policy("NOTIFY_CHANNEL")))
    instance: NotificationChannel = cls()
    return instance
