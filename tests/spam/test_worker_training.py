"""The long-running worker trains the spam model in a process of its own: it goes on
delivering meanwhile, and never loads scikit-learn itself (nor keeps the memory a run takes)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import sqlalchemy as sa

from service.extensions import db
from service.models import SpamTrainingRun
from service.services.moderation.status import change_status
from tests.factories import make_comment, make_site

ROOT = Path(__file__).resolve().parents[2]


def _finished_runs() -> list[SpamTrainingRun]:
    db.session.remove()  # read what the other processes committed
    return list(db.session.execute(sa.select(SpamTrainingRun).where(SpamTrainingRun.finished_at.is_not(None)))
                .scalars())


def _libraries(pid: int) -> str:
    return Path(f"/proc/{pid}/maps").read_text()


def test_the_worker_trains_in_a_process_of_its_own(make_app, database_url, tmp_path):
    app = make_app()
    with app.app_context():
        site = make_site()
        for status in ("approved", "spam"):
            change_status(make_comment(site, status="pending", body=f"a {status} one"), status,
                          site_id=site.id, actor="moderator")
        db.session.commit()
        env = {**os.environ, "DATABASE_URL": database_url.replace("postgresql+psycopg://", "postgresql://"),
               "SECRET_KEY": "worker-training-test", "SPAM_RETRAIN_EVERY": "2", "SPAM_RETRAIN_MIN_SECONDS": "3600",
               "LOG_LEVEL": "INFO"}
        for name in ("REDIS_URL", "SMTP_HOST", "PROMETHEUS_MULTIPROC_DIR"):
            env.pop(name, None)
        log = tmp_path / "worker.log"
        with open(log, "ab") as out:
            worker = subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", "worker", "--poll", "0.2"],
                                      cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            deadline = time.monotonic() + 90
            while not _finished_runs() and time.monotonic() < deadline and worker.poll() is None:
                time.sleep(0.3)
            (run,) = _finished_runs()
            assert (run.trigger, run.accepted, run.n_decisions) == ("worker", False, 2), log.read_text()[-2000:]
            assert "spam train --trigger worker" in log.read_text()
            assert worker.poll() is None  # still delivering
            assert "scipy" not in _libraries(worker.pid) and "sklearn" not in _libraries(worker.pid)
        finally:
            os.killpg(worker.pid, signal.SIGTERM)
            worker.wait(30)
        assert "Worker stopped." in log.read_text()
        db.session.remove()
