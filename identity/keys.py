"""Key pairs for SAML signatures.

Production gives the Service Provider's key and certificate as files (settings
``SPID_KEY_FILE`` / ``SPID_CERT_FILE``, never in the repository). Development and
tests generate a self-signed pair under ``var/`` at first use, as does the demo identity
provider for its own: neither is a secret.
"""

from __future__ import annotations

import datetime
import fcntl
import threading
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

_lock = threading.Lock()


@dataclass(frozen=True)
class KeyPair:
    key_file: Path
    cert_file: Path

    def cert_base64(self) -> str:
        """The certificate's DER in base64, as ds:X509Certificate carries it."""
        pem = self.cert_file.read_text(encoding="ascii")
        return "".join(line for line in pem.splitlines() if "-----" not in line)


def ensure_pair(key_file: Path, cert_file: Path, common_name: str,
                organization: str = "Sportello (sviluppo)") -> KeyPair:
    """The pair at these paths, generated (RSA 3072, SHA-256, 10 years) when missing."""
    if key_file.exists() and cert_file.exists():
        return KeyPair(key_file, cert_file)
    key_file.parent.mkdir(parents=True, exist_ok=True)
    cert_file.parent.mkdir(parents=True, exist_ok=True)
    # Test workers and server threads may get here together: one generates, under a lock
    # held across processes.
    with _lock, open(key_file.parent / ".keys.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not key_file.exists() or not cert_file.exists():
            key = rsa.generate_private_key(public_exponent=65537, key_size=3072)
            name = x509.Name([
                x509.NameAttribute(NameOID.COUNTRY_NAME, "IT"),
                x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization),
                x509.NameAttribute(NameOID.COMMON_NAME, common_name),
            ])
            now = datetime.datetime.now(datetime.UTC)
            cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
                    .public_key(key.public_key()).serial_number(x509.random_serial_number())
                    .not_valid_before(now - datetime.timedelta(days=1))
                    .not_valid_after(now + datetime.timedelta(days=3650))
                    .add_extension(x509.BasicConstraints(ca=False, path_length=None),
                                   critical=True)
                    .sign(key, hashes.SHA256()))
            key_file.write_bytes(key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption()))
            key_file.chmod(0o600)
            partial = cert_file.with_suffix(".partial")
            partial.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
            partial.replace(cert_file)  # last and atomic: both files exist means both done
    return KeyPair(key_file, cert_file)
