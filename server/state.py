"""What ``create_app`` keeps for the requests: the store and its query runner (``app.extensions["kuntakg"]``)."""
from __future__ import annotations

from dataclasses import dataclass

from flask import current_app

from .sparql.worker import ProcessPool, ThreadRunner
from .store import Backend


@dataclass
class Endpoint:
    backend: Backend
    runner: ProcessPool | ThreadRunner   # every query goes through it (time limit, killable workers)

    def close(self) -> None:
        self.runner.close()
        self.backend.close()


def endpoint() -> Endpoint:
    """The running app's store and query runner."""
    return current_app.extensions["kuntakg"]
