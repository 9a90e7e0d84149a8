"""HTTPS for the simulator: a certificate authority of its own and a certificate it signed.

Real panels are HTTPS, so the client is tested over TLS with the certificate verified for
real: a test or the demo hands the CA file to the client (``ca_bundle``, ``PANEL_CA_BUNDLE``)
instead of switching verification off. Made with ``cryptography`` at start, in milliseconds
(elliptic-curve keys); kept in a folder so that a restarted simulator keeps trusting clients.
"""

import datetime
import ipaddress
import ssl
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

HOSTS = ("localhost",)
ADDRESSES = ("127.0.0.1", "::1")
VALID_FOR = datetime.timedelta(days=825)


class Certificates:
    """The CA and server certificate files in `folder`, made there if missing or expired."""

    def __init__(self, folder):
        self.folder = Path(folder)
        self.ca_file = self.folder / "simulator-ca.pem"
        self.cert_file = self.folder / "simulator-cert.pem"
        self.key_file = self.folder / "simulator-key.pem"
        if not self._still_good():
            self._make()

    def server_context(self) -> ssl.SSLContext:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self.cert_file, self.key_file)
        return context

    def _still_good(self) -> bool:
        if not all(path.exists() for path in (self.ca_file, self.cert_file, self.key_file)):
            return False
        cert = x509.load_pem_x509_certificate(self.cert_file.read_bytes())
        return cert.not_valid_after_utc > _now() + datetime.timedelta(days=1)

    def _make(self):
        self.folder.mkdir(parents=True, exist_ok=True)
        now = _now()
        ca_key = ec.generate_private_key(ec.SECP256R1())
        ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "smmdash simulator CA")])
        ca = (
            _builder(ca_name, ca_name, ca_key.public_key(), now)
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=True,
                    key_cert_sign=True,
                    crl_sign=True,
                    content_commitment=False,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            .add_extension(
                x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False
            )
            .sign(ca_key, hashes.SHA256())
        )
        server_key = ec.generate_private_key(ec.SECP256R1())
        server_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, HOSTS[0])])
        names = [x509.DNSName(host) for host in HOSTS]
        names += [x509.IPAddress(ipaddress.ip_address(address)) for address in ADDRESSES]
        server = (
            _builder(server_name, ca_name, server_key.public_key(), now)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.SubjectAlternativeName(names), critical=False)
            .add_extension(
                x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False
            )
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
                critical=False,
            )
            .sign(ca_key, hashes.SHA256())
        )
        pem = serialization.Encoding.PEM
        _write(
            self.key_file,
            server_key.private_bytes(
                pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            ),
            private=True,
        )
        _write(self.cert_file, server.public_bytes(pem) + ca.public_bytes(pem))
        _write(self.ca_file, ca.public_bytes(pem))


def _builder(subject, issuer, public_key, now) -> x509.CertificateBuilder:
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + VALID_FOR)
    )


def _write(path: Path, data: bytes, *, private: bool = False):
    temporary = path.with_suffix(".tmp")
    temporary.write_bytes(data)
    if private:
        temporary.chmod(0o600)
    temporary.replace(path)


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)
