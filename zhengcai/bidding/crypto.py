"""Cryptography of sealed bids (design §4 rule 8; see SEALING.md for the whole design).

* digests: SHA-256, or SM3 (国密) — `digest()`;
* supplier signatures: ECDSA P-256 over SHA-256 (`cryptography`), or SM2 with SM3 (`gmssl`);
  the signed message is `signing_message()` — it binds the submission window, the document
  name and its digest, so a signature cannot be replayed in another project;
* bid data: one random data key per bid, AES-256-GCM or SM4-GCM (国密) — `seal()` / `unseal()`;
* the data key is wrapped for the window's opening public key with X25519 + HKDF-SHA256 +
  AES-256-GCM (ECIES) — `wrap_key()` / `unwrap_key()`;
* the opening private key is stored as `share = sk XOR pad` encrypted under the platform KEK;
  `pad` is released by the opening custodian only from the deadline on — `custodian_pad()`;
* receipts and opening records are signed with the platform's Ed25519 key.

Keys that must never be in the database (KEK, custodian key, platform signing key) come from
environment variables or from files under settings.VAR_DIR/keys/ created on first use (0600).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import re
import secrets
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any, Literal

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, x25519
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

DigestAlgo = Literal["sha256", "sm3"]
SignAlgo = Literal["ecdsa-p256", "sm2"]
CipherName = Literal["aes-256-gcm", "sm4-gcm"]

DIGEST_FOR_SIGN: dict[str, DigestAlgo] = {"ecdsa-p256": "sha256", "sm2": "sm3"}
CIPHER_FOR_SIGN: dict[str, CipherName] = {"ecdsa-p256": "aes-256-gcm", "sm2": "sm4-gcm"}
SM2_USER_ID = "1234567812345678"  # GB/T 35276 default, as gmssl uses


class CryptoError(Exception):
    """A key, signature or ciphertext is not valid."""


# --- digests and signatures ---------------------------------------------------------------------


def digest(data: bytes, algo: str) -> str:
    if algo == "sha256":
        return hashlib.sha256(data).hexdigest()
    if algo == "sm3":
        h = hashes.Hash(hashes.SM3())
        h.update(data)
        return h.finalize().hex()
    raise CryptoError(f"unknown digest algorithm {algo!r}")


def signing_message(window_uid: str, name: str, digest_hex: str) -> bytes:
    """What a supplier signs for one document of a bid (the digest, bound to its context)."""
    return f"zhengcai-bid/v1|{window_uid}|{name}|{digest_hex.lower()}".encode()


_HEX = re.compile(r"^(04)?[0-9a-fA-F]{128}$")


def parse_public_key(text: str) -> tuple[SignAlgo, str]:
    """(algorithm, normalized key) of a supplier's public key: PEM → ECDSA P-256, 128 hex
    digits (x‖y, optionally prefixed 04) → SM2. Anything else is refused."""
    text = text.strip()
    if text.startswith("-----BEGIN"):
        try:
            key = serialization.load_pem_public_key(text.encode())
        except ValueError as exc:
            raise CryptoError("PEM 公钥无法解析") from exc
        if not isinstance(key, ec.EllipticCurvePublicKey) or key.curve.name != "secp256r1":
            raise CryptoError("仅支持 ECDSA P-256 或 SM2 公钥")
        pem = key.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        ).decode()
        return "ecdsa-p256", pem
    compact = re.sub(r"\s+", "", text)
    if _HEX.match(compact):
        return "sm2", compact[-128:].lower()
    raise CryptoError("公钥格式不正确：请提供 PEM（ECDSA P-256）或 128 位十六进制（SM2）")


def key_id(public_key: str) -> str:
    return hashlib.sha256(public_key.strip().encode()).hexdigest()[:16]


def verify_signature(algo: str, public_key: str, message: bytes, signature_hex: str) -> bool:
    try:
        sig = bytes.fromhex(signature_hex.strip())
    except ValueError:
        return False
    if algo == "ecdsa-p256":
        key = serialization.load_pem_public_key(public_key.encode())
        assert isinstance(key, ec.EllipticCurvePublicKey)
        try:
            key.verify(sig, message, ec.ECDSA(hashes.SHA256()))
        except InvalidSignature:
            return False
        return True
    if algo == "sm2":
        from gmssl import sm2

        if len(sig) != 64:
            return False
        verifier = sm2.CryptSM2(private_key=None, public_key=public_key)
        # gmssl strips a leading "04" with str.lstrip("04"), which eats every leading 0 and 4
        # of an x‖y key that happens to start with "04" (1 key in 256): set it back.
        verifier.public_key = public_key
        try:
            return bool(verifier.verify_with_sm3(sig.hex(), message))
        except Exception:  # gmssl raises on points off the curve
            return False
    return False


# --- symmetric sealing ----------------------------------------------------------------------------


def new_data_key(cipher: str) -> bytes:
    return os.urandom(32 if cipher == "aes-256-gcm" else 16)


def seal(cipher: str, key: bytes, plaintext: bytes, aad: bytes) -> bytes:
    """nonce(12) ‖ ciphertext ‖ tag(16)."""
    nonce = os.urandom(12)
    if cipher == "aes-256-gcm":
        return nonce + AESGCM(key).encrypt(nonce, plaintext, aad)
    if cipher == "sm4-gcm":
        enc = Cipher(algorithms.SM4(key), modes.GCM(nonce)).encryptor()
        enc.authenticate_additional_data(aad)
        body = enc.update(plaintext) + enc.finalize()
        return nonce + body + enc.tag
    raise CryptoError(f"unknown cipher {cipher!r}")


def unseal(cipher: str, key: bytes, blob: bytes, aad: bytes) -> bytes:
    nonce, body = blob[:12], blob[12:]
    try:
        if cipher == "aes-256-gcm":
            return AESGCM(key).decrypt(nonce, body, aad)
        if cipher == "sm4-gcm":
            dec = Cipher(algorithms.SM4(key), modes.GCM(nonce, body[-16:])).decryptor()
            dec.authenticate_additional_data(aad)
            return dec.update(body[:-16]) + dec.finalize()
    except (InvalidTag, ValueError) as exc:
        raise CryptoError("密文校验失败") from exc
    raise CryptoError(f"unknown cipher {cipher!r}")


# --- key wrapping (ECIES over X25519) -------------------------------------------------------------


def _kdf(shared: bytes, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(shared)


def new_opening_keypair() -> tuple[bytes, bytes]:
    """(private raw 32 bytes, public raw 32 bytes)."""
    sk = x25519.X25519PrivateKey.generate()
    return (
        sk.private_bytes(
            serialization.Encoding.Raw,
            serialization.PrivateFormat.Raw,
            serialization.NoEncryption(),
        ),
        sk.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw),
    )


def wrap_key(opening_public: bytes, data_key: bytes, aad: bytes) -> bytes:
    eph = x25519.X25519PrivateKey.generate()
    eph_pub = eph.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    shared = eph.exchange(x25519.X25519PublicKey.from_public_bytes(opening_public))
    kek = _kdf(shared, b"zhengcai-wrap/v1|" + eph_pub + opening_public)
    return eph_pub + seal("aes-256-gcm", kek, data_key, aad)


def unwrap_key(opening_private: bytes, blob: bytes, aad: bytes) -> bytes:
    sk = x25519.X25519PrivateKey.from_private_bytes(opening_private)
    pub = sk.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    eph_pub = blob[:32]
    shared = sk.exchange(x25519.X25519PublicKey.from_public_bytes(eph_pub))
    kek = _kdf(shared, b"zhengcai-wrap/v1|" + eph_pub + pub)
    return unseal("aes-256-gcm", kek, blob[32:], aad)


# --- keys held outside the database ---------------------------------------------------------------


def _keys_dir() -> Path:
    conf = getattr(settings, "ZHENGCAI", {})
    path = Path(
        os.environ.get("ZHENGCAI_BIDDING_KEYS_DIR")
        or conf.get("BIDDING_KEYS_DIR")
        or Path(settings.VAR_DIR) / "keys"
    )
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def _secret(env: str, filename: str, size: int = 32) -> bytes:
    """A secret from the environment (hex) or a 0600 file created on first use."""
    value = os.environ.get(env)
    if value:
        raw = bytes.fromhex(value)
        if len(raw) != size:
            raise CryptoError(f"{env} must be {size * 2} hex digits")
        return raw
    path = _keys_dir() / filename
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raw = bytes.fromhex(path.read_text().strip())
        if len(raw) != size:
            raise CryptoError(f"{path} is damaged") from None
        return raw
    raw = secrets.token_bytes(size)
    with os.fdopen(fd, "w") as fh:
        fh.write(raw.hex())
    return raw


def platform_kek() -> bytes:
    """Key-encryption key of the platform (env ZHENGCAI_BIDDING_KEK or keys/platform-kek.hex)."""
    return _secret("ZHENGCAI_BIDDING_KEK", "platform-kek.hex")


def custodian_key() -> bytes:
    """Secret of the opening custodian (env ZHENGCAI_OPENING_CUSTODIAN_KEY or
    keys/opening-custodian.hex). Deploy it with the opening service only."""
    return _secret("ZHENGCAI_OPENING_CUSTODIAN_KEY", "opening-custodian.hex")


def custodian_pad(window_uid: str, opening_public: bytes, sealed_deadline_iso: str) -> bytes:
    """The custodian's half of an opening private key. Bound to the deadline fixed when the key
    was made: changing the deadline in the database gives a different (useless) pad."""
    msg = b"zhengcai-opening/v1|" + window_uid.encode() + b"|" + opening_public
    msg += b"|" + sealed_deadline_iso.encode()
    return hmac.new(custodian_key(), msg, hashlib.sha256).digest()


def xor(a: bytes, b: bytes) -> bytes:
    if len(a) != len(b):
        raise CryptoError("share length mismatch")
    return bytes(x ^ y for x, y in zip(a, b, strict=True))


@cache
def _platform_signing_key_cached(path_key: str) -> ed25519.Ed25519PrivateKey:
    raw = _secret("ZHENGCAI_PLATFORM_SIGNING_KEY", "platform-ed25519.hex")
    return ed25519.Ed25519PrivateKey.from_private_bytes(raw)


def platform_signing_key() -> ed25519.Ed25519PrivateKey:
    return _platform_signing_key_cached(str(_keys_dir()))


def platform_public_key_pem() -> str:
    return (
        platform_signing_key()
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


def canonical_json(data: Mapping[str, Any]) -> bytes:
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def platform_sign(data: Mapping[str, Any]) -> str:
    return base64.b64encode(platform_signing_key().sign(canonical_json(data))).decode()


def platform_verify(data: Mapping[str, Any], signature_b64: str, public_pem: str) -> bool:
    key = serialization.load_pem_public_key(public_pem.encode())
    if not isinstance(key, ed25519.Ed25519PublicKey):
        return False
    try:
        key.verify(base64.b64decode(signature_b64), canonical_json(data))
    except (InvalidSignature, ValueError):
        return False
    return True
