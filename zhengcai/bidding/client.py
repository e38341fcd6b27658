"""The supplier's signing client: the private key stays with the supplier.

It encrypts nothing (the platform seals on receipt, see SEALING.md); it computes the digest of
each file and of the price schedule and signs it. Use it from Python or the command line:

    python -m zhengcai.bidding.client keygen --algo ecdsa-p256 --out mykey
    python -m zhengcai.bidding.client sign --key mykey.key --window <uid> --file 投标文件.pdf
    python -m zhengcai.bidding.client sign-schedule --key mykey.key --window <uid> --schedule s.json
    python -m zhengcai.bidding.client payload --key mykey.key --window <uid> \
        --schedule s.json --file a.pdf --file b.docx > bid.json   # body for the bid API

Only the standard library, `cryptography` and `gmssl` are needed (no Django).

The price schedule may carry the supplier's declarations under `declarations` — the declared
size, 监狱企业 / 残疾人福利性单位 with their proof, and the 中小企业声明函 built with
`sme_declaration(...)` (财库〔2020〕46号 4; format in docs/bidding-declarations.md). They are
signed and sealed with the schedule and read only at the opening.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import secrets
import sys
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519

SCHEDULE_NAME = "schedule.json"
SM2_N = int("FFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54123", 16)


def digest(data: bytes, algo: str) -> str:
    if algo == "sm3":
        h = hashes.Hash(hashes.SM3())
        h.update(data)
        return h.finalize().hex()
    return hashlib.sha256(data).hexdigest()


def signing_message(window_uid: str, name: str, digest_hex: str) -> bytes:
    return f"zhengcai-bid/v1|{window_uid}|{name}|{digest_hex.lower()}".encode()


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def canonical_schedule(schedule: dict[str, Any]) -> bytes:
    """The bytes whose digest is signed: sorted keys, no spaces, amounts as strings.
    The schedule must carry a random `nonce` so its digest cannot be brute-forced."""
    return json.dumps(
        _plain(schedule), sort_keys=True, ensure_ascii=False, separators=(",", ":")
    ).encode()


def new_nonce() -> str:
    return secrets.token_hex(16)


@dataclass
class Signer:
    algo: str  # "ecdsa-p256" | "sm2"
    private_key: str  # PEM (ECDSA) or 64 hex digits (SM2)
    public_key: str  # PEM (ECDSA) or 128 hex digits (SM2)

    @property
    def digest_algo(self) -> str:
        return "sm3" if self.algo == "sm2" else "sha256"

    def sign(self, message: bytes) -> str:
        if self.algo == "sm2":
            from gmssl import sm2

            signer = sm2.CryptSM2(private_key=self.private_key, public_key=self.public_key)
            signer.public_key = self.public_key  # gmssl's lstrip("04") would corrupt x‖y keys
            k = secrets.token_hex(32)
            return str(signer.sign_with_sm3(message, k))
        key = serialization.load_pem_private_key(self.private_key.encode(), password=None)
        assert isinstance(key, ec.EllipticCurvePrivateKey)
        return key.sign(message, ec.ECDSA(hashes.SHA256())).hex()

    def sign_document(self, window_uid: str, name: str, data: bytes) -> tuple[str, str]:
        """(digest hex, signature hex) of one document."""
        d = digest(data, self.digest_algo)
        return d, self.sign(signing_message(window_uid, name, d))


def generate(algo: str = "ecdsa-p256") -> Signer:
    if algo == "sm2":
        from gmssl import sm2

        d = secrets.randbelow(SM2_N - 2) + 1
        d_hex = f"{d:064x}"
        helper = sm2.CryptSM2(private_key=d_hex, public_key="")
        pub = helper._kg(d, helper.ecc_table["g"])
        return Signer("sm2", d_hex, pub.lower())
    key = ec.generate_private_key(ec.SECP256R1())
    return Signer(
        "ecdsa-p256",
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode(),
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode(),
    )


def load(path: Path) -> Signer:
    data = json.loads(path.read_text())
    return Signer(data["algo"], data["private_key"], data["public_key"])


def sme_declaration(
    *,
    items: list[dict[str, Any]] | None = None,
    supplier: dict[str, Any] | None = None,
    consortium: list[dict[str, Any]] | None = None,
    subcontracts: list[dict[str, Any]] | None = None,
    no_large_affiliation: bool = False,
) -> dict[str, Any]:
    """The 中小企业声明函 for `schedule["declarations"]["sme_declaration"]` (46号 4):

    * goods — `items`: one per item, `{"name", "industry", "manufacturer": firm}`;
    * services / works — `supplier`: the supplier itself as a firm;
    * `consortium`: the members as firms with `share` (percent, summing to 100);
    * `subcontracts`: `{"name", "size", "share"}` per SME subcontractor;
    * `no_large_affiliation`: none of these is a branch of, controlled by or run by the
      head of a large enterprise.

    A firm is `{"name", "industry", "size", "employees", "revenue_wan", "assets_wan"}`;
    `size` is medium / small / micro / large; `industry` one of the 工信部联企业〔2011〕300号
    industries (`zhengcai.bidding.rules.INDUSTRIES`)."""
    out: dict[str, Any] = {"no_large_affiliation": bool(no_large_affiliation)}
    if items is not None:
        out["items"] = [dict(i) for i in items]
    if supplier is not None:
        out["supplier"] = dict(supplier)
    out["consortium"] = [dict(m) for m in consortium or []]
    out["subcontracts"] = [dict(s) for s in subcontracts or []]
    return _plain(out)  # type: ignore[no-any-return]


def sme_firm(
    name: str, size: str, *, industry: str = "industry", employees: int = 120,
    revenue_wan: str = "5000", assets_wan: str = "3000", **extra: Any,
) -> dict[str, Any]:  # fmt: skip
    """One enterprise of the 中小企业声明函, with the figures 46号 4 asks for (从业人员、营业收入、
    资产总额); `extra` e.g. `share="40"` for a consortium member or a subcontractor."""
    return {
        "name": name, "industry": industry, "size": size, "employees": employees,
        "revenue_wan": revenue_wan, "assets_wan": assets_wan, **extra,
    }  # fmt: skip


def sme_declarations(size: str, *, name: str, item: str = "货物") -> dict[str, Any]:
    """A complete `schedule["declarations"]` for an enterprise of `size` that makes what it
    offers itself (goods: the one item made by it; services / works: the supplier itself):
    the declaration the evaluation's SME deduction needs (46号 4). `size` "" or "large" gives
    no declaration at all (a large enterprise does not declare)."""
    if size not in ("medium", "small", "micro"):
        return {}
    me = sme_firm(name, size)
    decl = sme_declaration(
        items=[{"name": item, "industry": "industry", "manufacturer": me}],
        supplier=me,
        no_large_affiliation=True,
    )
    return {"sme_size": size, "sme_declaration": decl}


def bid_payload(
    *,
    window_uid: str,
    signer: Signer,
    key_id: str,
    schedule: dict[str, Any],
    files: dict[str, bytes],
) -> dict[str, Any]:
    """The JSON body of `POST /api/v1/bidding/windows/{id}/bids`."""
    schedule = dict(schedule)
    schedule.setdefault("nonce", new_nonce())
    _, schedule_sig = signer.sign_document(window_uid, SCHEDULE_NAME, canonical_schedule(schedule))
    body_files = []
    for name, data in files.items():
        _, sig = signer.sign_document(window_uid, name, data)
        body_files.append(
            {"name": name, "content_b64": base64.b64encode(data).decode(), "signature": sig}
        )
    return {
        "key_id": key_id,
        "schedule": _plain(schedule),
        "schedule_signature": schedule_sig,
        "files": body_files,
    }


def verify_receipt(receipt: dict[str, Any], signature_b64: str, platform_public_pem: str) -> bool:
    """Check a platform receipt offline, with the platform public key (GET …/platform-key)."""
    key = serialization.load_pem_public_key(platform_public_pem.encode())
    if not isinstance(key, ed25519.Ed25519PublicKey):
        return False
    message = json.dumps(receipt, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    try:
        key.verify(base64.b64decode(signature_b64), message.encode())
    except Exception:
        return False
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="zhengcai-bid-client", description="投标文件签名工具")
    sub = parser.add_subparsers(dest="cmd", required=True)
    kg = sub.add_parser("keygen", help="生成签名密钥对")
    kg.add_argument("--algo", choices=["ecdsa-p256", "sm2"], default="ecdsa-p256")
    kg.add_argument("--out", required=True, help="写入 <out>.key（私钥，自行保管）和 <out>.pub")
    sg = sub.add_parser("sign", help="对文件摘要签名")
    sg.add_argument("--key", required=True)
    sg.add_argument("--window", required=True)
    sg.add_argument("--file", required=True)
    ss = sub.add_parser("sign-schedule", help="对报价一览表（JSON）签名")
    ss.add_argument("--key", required=True)
    ss.add_argument("--window", required=True)
    ss.add_argument("--schedule", required=True)
    pl = sub.add_parser("payload", help="生成投标接口请求体")
    pl.add_argument("--key", required=True)
    pl.add_argument("--key-id", default="")
    pl.add_argument("--window", required=True)
    pl.add_argument("--schedule", required=True)
    pl.add_argument("--file", action="append", default=[])
    args = parser.parse_args(argv)
    out = sys.stdout
    if args.cmd == "keygen":
        signer = generate(args.algo)
        key_path = Path(args.out + ".key")
        key_path.write_text(json.dumps(signer.__dict__))
        key_path.chmod(0o600)
        Path(args.out + ".pub").write_text(signer.public_key)
        out.write(signer.public_key + "\n")
        return 0
    signer = load(Path(args.key))
    if args.cmd == "sign":
        path = Path(args.file)
        d, sig = signer.sign_document(args.window, path.name, path.read_bytes())
        out.write(json.dumps({"name": path.name, "digest": d, "signature": sig}) + "\n")
    elif args.cmd == "sign-schedule":
        schedule = json.loads(Path(args.schedule).read_text())
        schedule.setdefault("nonce", new_nonce())
        d, sig = signer.sign_document(args.window, SCHEDULE_NAME, canonical_schedule(schedule))
        out.write(json.dumps({"schedule": schedule, "digest": d, "signature": sig}) + "\n")
    else:
        schedule = json.loads(Path(args.schedule).read_text())
        files = {Path(f).name: Path(f).read_bytes() for f in args.file}
        body = bid_payload(
            window_uid=args.window,
            signer=signer,
            key_id=args.key_id,
            schedule=schedule,
            files=files,
        )
        out.write(json.dumps(body, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
