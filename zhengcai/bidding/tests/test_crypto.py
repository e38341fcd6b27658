"""Crypto round trips: ECDSA and SM2 signatures, AES-GCM and SM4-GCM, key wrapping, tamper
detection, the custodian and platform receipts."""

from __future__ import annotations

import io
import zipfile

import pytest

from zhengcai.bidding import client, crypto, evidence


@pytest.mark.parametrize("algo", ["ecdsa-p256", "sm2"])
def test_signature_round_trip_and_tamper(algo: str) -> None:
    signer = client.generate(algo)
    kind, pub = crypto.parse_public_key(signer.public_key)
    assert kind == algo
    d, sig = signer.sign_document("w", "a.pdf", b"content")
    assert d == crypto.digest(b"content", crypto.DIGEST_FOR_SIGN[algo])
    assert crypto.verify_signature(kind, pub, crypto.signing_message("w", "a.pdf", d), sig)
    other = crypto.digest(b"content!", crypto.DIGEST_FOR_SIGN[algo])
    assert not crypto.verify_signature(kind, pub, crypto.signing_message("w", "a.pdf", other), sig)
    assert not crypto.verify_signature(kind, pub, crypto.signing_message("w2", "a.pdf", d), sig)
    assert not crypto.verify_signature(kind, pub, crypto.signing_message("w", "a.pdf", d), "00ff")


def test_sm3_known_answer() -> None:
    # GB/T 32905 example: SM3("abc")
    assert crypto.digest(b"abc", "sm3") == (
        "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
    )


def test_bad_public_keys_refused() -> None:
    for text in (
        "nonsense",
        "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----",
        "ab" * 10,
    ):
        with pytest.raises(crypto.CryptoError):
            crypto.parse_public_key(text)


@pytest.mark.parametrize("cipher", ["aes-256-gcm", "sm4-gcm"])
def test_seal_round_trip_and_tamper(cipher: str) -> None:
    key = crypto.new_data_key(cipher)
    blob = crypto.seal(cipher, key, b"price 123", b"aad")
    assert b"price 123" not in blob
    assert crypto.unseal(cipher, key, blob, b"aad") == b"price 123"
    with pytest.raises(crypto.CryptoError):
        crypto.unseal(cipher, key, blob, b"other aad")
    bad = bytearray(blob)
    bad[-1] ^= 1
    with pytest.raises(crypto.CryptoError):
        crypto.unseal(cipher, key, bytes(bad), b"aad")


def test_wrap_unwrap() -> None:
    sk, pk = crypto.new_opening_keypair()
    dk = crypto.new_data_key("aes-256-gcm")
    blob = crypto.wrap_key(pk, dk, b"bid1")
    assert crypto.unwrap_key(sk, blob, b"bid1") == dk
    with pytest.raises(crypto.CryptoError):
        crypto.unwrap_key(sk, blob, b"bid2")
    other, _ = crypto.new_opening_keypair()
    with pytest.raises(crypto.CryptoError):
        crypto.unwrap_key(other, blob, b"bid1")


def test_custodian_pad_binds_deadline(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("ZHENGCAI_BIDDING_KEYS_DIR", str(tmp_path))
    _, pk = crypto.new_opening_keypair()
    a = crypto.custodian_pad("w", pk, "2026-12-14T09:30:00+08:00")
    assert a == crypto.custodian_pad("w", pk, "2026-12-14T09:30:00+08:00")
    assert a != crypto.custodian_pad("w", pk, "2026-12-01T09:30:00+08:00")
    key_file = tmp_path / "opening-custodian.hex"
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"


def test_receipt_signature_verifies_offline() -> None:
    payload = {"receipt_id": "R1", "documents": [{"digest": "ab", "size": 3}]}
    sig = crypto.platform_sign(payload)
    pem = crypto.platform_public_key_pem()
    assert client.verify_receipt(payload, sig, pem)
    assert not client.verify_receipt({**payload, "receipt_id": "R2"}, sig, pem)


def test_document_metadata() -> None:
    pdf = b"%PDF-1.4\n1 0 obj << /Author (Zhang San) /Producer (WPS Office) "
    pdf += b"/CreationDate (D:20261201) >>"
    assert evidence.metadata("a.pdf", pdf) == {
        "author": "Zhang San",
        "producer": "WPS Office",
        "created": "D:20261201",
    }
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr(
            "docProps/core.xml",
            '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/'
            'metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/">'
            "<dc:creator>李四</dc:creator></cp:coreProperties>",
        )
    assert evidence.metadata("b.docx", buf.getvalue()) == {"author": "李四"}


def test_cli_keygen_and_sign(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "k"
    assert client.main(["keygen", "--algo", "sm2", "--out", str(out)]) == 0
    f = tmp_path / "x.pdf"
    f.write_bytes(b"%PDF data")
    assert client.main(["sign", "--key", str(out) + ".key", "--window", "w", "--file", str(f)]) == 0
    import json

    line = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    algo, pub = crypto.parse_public_key((tmp_path / "k.pub").read_text())
    assert crypto.verify_signature(
        algo, pub, crypto.signing_message("w", "x.pdf", line["digest"]), line["signature"]
    )


def test_sm2_key_starting_with_04_verifies() -> None:
    """gmssl strips a leading "04" with lstrip("04"); an x‖y key that starts with 04 (1 in 256)
    must still sign and verify."""
    signer = client.generate("sm2")
    while not signer.public_key.startswith("04"):
        signer = client.generate("sm2")
    message = crypto.signing_message("w", "a.pdf", "00" * 32)
    assert crypto.verify_signature("sm2", signer.public_key, message, signer.sign(message))
