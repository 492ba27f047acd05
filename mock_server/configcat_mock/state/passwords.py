"""Users' Public API passwords are kept as scrypt hashes, so a state dump does not give them away.

A seed may give a password in plain text or as a hash this module made (``scrypt$N$r$p$salt$key``,
as ``GET /_mock/state`` shows it); plain text is hashed when the user record is built, and a
value in the hash format is taken as a hash. The salt is derived from the user's id, so the same
seed gives the same dump on every run (the mock's states are reproducible) while two users with
one password still get different hashes.

scrypt (stdlib :func:`hashlib.scrypt`, n=2**14, r=8, p=1: the interactive-login parameters of
its paper) costs about 0.1 s, too much for every request of a client that sends its credentials
each time, so a successful or failed check is remembered per stored hash and a SHA-256 of the
password given (never the password), in this process only. A check that is not remembered yet
is made off the event loop by the app (:func:`known` tells), so a client trying passwords
does not hold up the others.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import threading

_N, _R, _P, _LEN = 2**14, 8, 1, 32
_FORMAT = re.compile(r"scrypt\$(\d+)\$(\d+)\$(\d+)\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)")
_CACHE_SIZE = 4096
_lock = threading.Lock()
_hashed: dict[tuple[bytes, bytes], str] = {}
_checked: dict[tuple[str, bytes], bool] = {}


def is_hash(value: str) -> bool:
    return _FORMAT.fullmatch(value) is not None


def _key(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    # maxmem: scrypt needs 128 * n * r bytes; OpenSSL's default cap is just below that at n=2**14
    return hashlib.scrypt(
        password.encode(), salt=salt, n=n, r=r, p=p, dklen=_LEN, maxmem=256 * n * r + 2**20
    )


def _remember(cache: dict[tuple[str, bytes], bool] | dict[tuple[bytes, bytes], str]) -> None:
    if len(cache) >= _CACHE_SIZE:
        cache.clear()


def hashed(password: str, user_id: str) -> str:
    """``password`` as stored: unchanged when it is a hash already."""
    if is_hash(password):
        return password
    salt = hashlib.sha256(b"configcat-mock user " + user_id.encode()).digest()[:16]
    memo = (salt, hashlib.sha256(password.encode()).digest())
    with _lock:
        found = _hashed.get(memo)
    if found is None:
        key = _key(password, salt, _N, _R, _P)
        b64 = base64.b64encode
        found = f"scrypt${_N}${_R}${_P}${b64(salt).decode()}${b64(key).decode()}"
        with _lock:
            _remember(_hashed)
            _hashed[memo] = found
    return found


def known(stored: str, password: str) -> bool | None:
    """The remembered verdict of :func:`verify`, or ``None`` when it would have to hash."""
    if _FORMAT.fullmatch(stored) is None:
        return False
    with _lock:
        return _checked.get((stored, hashlib.sha256(password.encode()).digest()))


def verify(stored: str, password: str) -> bool:
    """Whether ``password`` is the one ``stored`` was made from (constant-time compare)."""
    match = _FORMAT.fullmatch(stored)
    if match is None:
        return False
    memo = (stored, hashlib.sha256(password.encode()).digest())
    with _lock:
        verdict = _checked.get(memo)
    if verdict is not None:
        return verdict
    n, r, p = (int(x) for x in match.group(1, 2, 3))
    if not (1 < n <= 2**20 and n & (n - 1) == 0 and 0 < r <= 32 and 0 < p <= 16):
        return False  # not parameters this module writes: refuse rather than burn memory
    try:
        salt, key = base64.b64decode(match[4]), base64.b64decode(match[5])
    except ValueError:
        return False
    ok = hmac.compare_digest(_key(password, salt, n, r, p), key)
    with _lock:
        _remember(_checked)
        _checked[memo] = ok
    return ok
