"""Fresh random secrets in the shapes real ones have, and every encoding they may hide in.

Each helper returns `(value, needles)`: the value to plant, and the random parts whose
presence anywhere in the bytes sent (verbatim or encoded) is a leak.
"""

from __future__ import annotations

import base64
import json
import secrets
import string
from urllib.parse import quote, quote_plus

Planted = tuple[str, list[str]]


def token(n: int = 8) -> str:
    """A random hex canary (2n characters)."""
    return secrets.token_hex(n)


def _digits(n: int) -> str:
    return "".join(secrets.choice(string.digits) for _ in range(n))


def _alnum(n: int, alphabet: str = string.ascii_letters + string.digits) -> str:
    return "".join(secrets.choice(alphabet) for _ in range(n))


def email() -> Planted:
    c = token(6)
    value = f"eleve.{c}@lycee-jaures.example.fr"
    return value, [value, c]


def student_name() -> Planted:
    c = _alnum(10, string.ascii_lowercase).capitalize()
    return f"Jeanne {c}", [c]


def card() -> Planted:
    """A Luhn-valid 16-digit card number (Visa prefix), grouped by four."""
    body = "4" + _digits(14)
    total = 0
    for i, d in enumerate(reversed(body)):
        n = int(d) * (2 if i % 2 == 0 else 1)
        total += n - 9 if n > 9 else n
    number = body + str((10 - total % 10) % 10)
    grouped = " ".join(number[i : i + 4] for i in range(0, 16, 4))
    return grouped, [number, grouped, number[4:]]


def iban() -> Planted:
    """A French IBAN whose check digits pass ISO 13616's mod 97."""
    bban = _digits(23)
    rearranged = bban + "1527" + "00"  # F=15, R=27
    check = 98 - int(rearranged) % 97
    compact = f"FR{check:02d}{bban}"
    grouped = " ".join(compact[i : i + 4] for i in range(0, len(compact), 4))
    return grouped, [compact, grouped, bban[4:]]


def phone_fr() -> Planted:
    digits = "6" + _digits(8)
    spaced = "0" + " ".join([digits[0], *(digits[i : i + 2] for i in range(1, 9, 2))])
    return spaced, [digits, spaced, spaced.replace(" ", "")]


def phone_intl() -> Planted:
    digits = "7" + _digits(8)
    value = f"+33 {digits[0]} {digits[1:3]} {digits[3:5]} {digits[5:7]} {digits[7:9]}"
    return value, [digits, value]


def jwt() -> Planted:
    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    c = token(8)
    value = ".".join(
        [
            b64(b'{"alg":"HS256","typ":"JWT"}'),
            b64(json.dumps({"sub": c}).encode()),
            b64(secrets.token_bytes(32)),
        ]
    )
    return value, [value, value.rsplit(".", 1)[1], c]


def pem() -> Planted:
    body = base64.b64encode(secrets.token_bytes(96)).decode()
    lines = [body[i : i + 64] for i in range(0, len(body), 64)]
    value = "-----BEGIN PRIVATE KEY-----\n" + "\n".join(lines) + "\n-----END PRIVATE KEY-----"
    return value, lines


def aws_pair() -> Planted:
    key_id = "AKIA" + _alnum(16, string.ascii_uppercase + string.digits)
    secret = _alnum(40, string.ascii_letters + string.digits + "+/")
    return f"aws_access_key_id={key_id} aws_secret_access_key={secret}", [key_id, secret]


def github_token() -> Planted:
    value = "ghp_" + _alnum(36)
    return value, [value, value[4:]]


def slack_token() -> Planted:
    value = f"xoxb-{_digits(12)}-{_digits(12)}-{_alnum(24)}"
    return value, [value, value[5:]]


def stripe_key() -> Planted:
    value = "sk_live_" + _alnum(24)
    return value, [value, value[8:]]


def google_key() -> Planted:
    value = "AIza" + _alnum(35, string.ascii_letters + string.digits + "_-")
    return value, [value, value[4:]]


def ip_address() -> Planted:
    value = ".".join(str(secrets.randbelow(200) + 20) for _ in range(4))
    return value, [value]


def password() -> Planted:
    """A password with a `/` in it: percent-encoded in a URL, it reads `%2F`."""
    c = token(8)
    return f"{c[:6]}/{c[6:]}", [c[:6] + "/" + c[6:], c[6:]]


def url_with_password(scheme: str, host: str) -> Planted:
    """`scheme://korrigo:<password>@host/...` with the password percent-encoded."""
    pw, needles = password()
    return f"{scheme}://korrigo:{quote(pw, safe='')}@{host}", needles


def encodings(needle: str) -> set[str]:
    """`needle` as it may appear in the bytes sent: verbatim, JSON-escaped, URL-encoded once
    and twice, base64 (standard and URL-safe) at each of the three alignments, and hex."""
    raw = needle.encode()
    found = {
        needle,
        json.dumps(needle)[1:-1],
        quote(needle, safe=""),
        quote(quote(needle, safe=""), safe=""),
        quote_plus(needle),
        raw.hex(),
        raw.hex().upper(),
    }
    for pad in range(3):
        for encode in (base64.b64encode, base64.urlsafe_b64encode):
            text = encode(b"\0" * pad + raw).decode()
            start = -(-8 * pad // 6)  # first character made of the needle's bits only
            end = (8 * (pad + len(raw))) // 6  # last character made of them only
            found.add(text[start:end])
    return {f for f in found if len(f) >= 6}


def found_in(wire: bytes, needles: list[str]) -> list[str]:
    """The needles (any encoding) present in `wire`; also JSON-escaped non-ASCII."""
    text = wire.decode("utf-8", "replace")
    return [n for n in needles if any(form in text for form in encodings(n))]
