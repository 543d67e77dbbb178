"""Webhooks reach only public addresses: refused when registered and again when delivered, the
host resolved once and connected to as resolved (Host kept), no redirect followed.
WEBHOOK_ALLOW_PRIVATE=true admits loopback and private networks, never link-local or metadata
addresses. The other webhook tests set it (see conftest.py); these say what happens without."""

from __future__ import annotations

import socket

import pytest
import sqlalchemy as sa

from service.extensions import db
from service.models import OutboxMessage, Site, Webhook
from service.services.delivery import outbox
from service.services.delivery.webhooks import create_webhook
from tests.factories import make_comment, make_site
from tests.integrations.conftest import admin_headers
from tests.servers import Serving

HOOKS = "/api/v1/moderation/sites/blog/webhooks"
ALWAYS_REFUSED = ["http://169.254.169.254/latest/meta-data/", "http://[fe80::1]/", "http://0.0.0.0/",
                  "http://[::]/", "http://224.0.0.1/", "http://[ff02::1]/", "http://255.255.255.255/",
                  "http://192.0.2.10/", "http://240.0.0.1/", "http://100.100.100.200/", "http://[fd00:ec2::254]/",
                  "http://[::ffff:169.254.169.254]/", "http://0xa9fea9fe/"]
LOOPBACK_AND_PRIVATE = ["http://127.0.0.1/", "http://[::1]/", "http://localhost/", "http://0x7f000001/",
                        "http://127.1/", "http://2130706433/", "http://0177.0.0.1/", "http://[::ffff:127.0.0.1]/",
                        "http://10.0.0.5/", "http://172.16.3.4:8080/", "http://192.168.1.1/", "http://[fd12::1]/",
                        "http://100.64.0.1/"]


@pytest.fixture
def strict(make_app):
    app = make_app(WEBHOOK_ALLOW_PRIVATE=False)
    with app.app_context():
        make_site("blog")
        yield app
        db.session.remove()


@pytest.fixture
def lenient(make_app):
    app = make_app(WEBHOOK_ALLOW_PRIVATE=True)
    with app.app_context():
        make_site("blog")
        yield app
        db.session.remove()


def blog() -> Site:
    return db.session.execute(sa.select(Site).filter_by(slug="blog")).scalar_one()


def register(app, url: str):
    return app.test_client().post(HOOKS, json={"url": url}, headers=admin_headers())


@pytest.mark.parametrize("url", ALWAYS_REFUSED + LOOPBACK_AND_PRIVATE)
def test_internal_targets_are_refused_when_registered(strict, url):
    response = register(strict, url)
    assert response.status_code == 422, response.json
    assert response.json["message"] == "Invalid url."
    [message] = response.json["errors"]["json"]["url"]
    assert message.startswith("Webhooks may not be delivered to ") and "WEBHOOK_ALLOW_PRIVATE" in message
    assert db.session.execute(sa.select(sa.func.count()).select_from(Webhook)).scalar_one() == 0


@pytest.mark.parametrize("url", ALWAYS_REFUSED)
def test_metadata_link_local_and_special_targets_are_refused_even_when_private_ones_are_allowed(lenient, url):
    assert register(lenient, url).status_code == 422


@pytest.mark.parametrize("url", LOOPBACK_AND_PRIVATE)
def test_the_operator_may_allow_loopback_and_private_targets(lenient, url):
    assert register(lenient, url).status_code == 201


def test_the_cli_refuses_too(strict):
    result = strict.test_cli_runner().invoke(args=["webhooks", "add", "blog", "http://127.1:8080/x"])
    assert result.exit_code == 1 and "loopback" in result.output


def test_delivery_checks_again_and_never_calls_a_refused_target(strict, receiver):
    site = blog()
    # A webhook stored while the setting allowed it, or whose name now resolves elsewhere.
    db.session.add(Webhook(site_id=site.id, url=receiver.url, secret=receiver.secret, events=["comment.created"]))
    db.session.commit()
    make_comment(site)
    report = outbox.drain()
    assert (report.delivered, report.failed) == (0, 1)  # refused for good, not retried
    assert receiver.calls == []
    message = db.session.execute(sa.select(OutboxMessage)).scalar_one()
    assert message.status == "failed" and "loopback address" in message.last_error


def test_the_call_connects_to_the_address_resolved_once_and_keeps_the_host(lenient, receiver, monkeypatch):
    """A name that answers one address when checked and another when connected to (DNS
    rebinding) reaches only the first: the call never asks the resolver twice."""
    port = int(receiver.url.rsplit(":", 1)[1].split("/")[0])
    answers = iter(["127.0.0.1"] + ["127.0.0.2"] * 10)  # 127.0.0.2: nothing listens there
    real = socket.getaddrinfo
    asked = []

    def rebinding(host, *args, **kwargs):
        if host != "hooks.rebind.test":
            return real(host, *args, **kwargs)
        asked.append(host)
        return [(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (next(answers), port))]

    site = make_site("rebind")
    db.session.add(Webhook(site_id=site.id, url=f"http://hooks.rebind.test:{port}/hooks/comments",
                           secret=receiver.secret, events=["comment.created"]))
    db.session.commit()
    make_comment(site)
    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    assert outbox.drain().delivered == 1
    assert len(asked) == 1
    [call] = receiver.calls
    assert call.signature_ok and call.path == "/hooks/comments"
    assert call.headers["Host"] == f"hooks.rebind.test:{port}"


def test_no_redirect_is_followed(lenient, receiver):
    create_webhook(blog(), receiver.url, ["comment.created"], secret=receiver.secret)
    receiver.script = [307]
    make_comment(blog())
    assert outbox.drain().retrying == 1
    assert len(receiver.calls) == 1


@pytest.fixture
def tls_receiver(tmp_path):
    """An HTTPS receiver on loopback whose certificate names only `hooks.tls.test`; the test
    trusts that certificate (SSL_CERT_FILE) and resolves the name to loopback."""
    import http.server
    import ssl
    import subprocess

    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
                    "/CN=hooks.tls.test", "-addext", "subjectAltName=DNS:hooks.tls.test",
                    "-addext", "basicConstraints=critical,CA:TRUE",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    seen: list[tuple[str, str]] = []  # ("sni", name) and ("host", header), in order

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            seen.append(("host", self.headers["Host"]))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args) -> None:
            pass

    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    context.sni_callback = lambda _sock, name, _context: seen.append(("sni", name))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    with Serving(server):
        yield server.server_address[1], cert, seen


def test_https_calls_connect_to_the_checked_address_and_verify_the_hosts_certificate(lenient, tls_receiver,
                                                                                    monkeypatch):
    from service.delivery.webhooks import deliver

    port, cert, seen = tls_receiver
    real = socket.getaddrinfo

    def resolver(host, *args, **kwargs):
        if host in ("hooks.tls.test", "other.tls.test"):
            return [(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", ("127.0.0.1", port))]
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", resolver)
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    good = deliver(f"https://hooks.tls.test:{port}/in", "s" * 16, "comment.created", 1, {"id": 1})
    assert good.ok and good.status_code == 204, good
    assert seen == [("sni", "hooks.tls.test"), ("host", f"hooks.tls.test:{port}")]
    # The same address under a name its certificate does not carry is refused by TLS.
    wrong = deliver(f"https://other.tls.test:{port}/in", "s" * 16, "comment.created", 2, {"id": 2})
    assert not wrong.ok and "CERTIFICATE_VERIFY_FAILED" in wrong.error
    assert [what for what, _ in seen].count("host") == 1
