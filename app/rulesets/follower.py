"""Every worker follows the active rule set in the database.

A thread polls the active version (one small query per interval). When it changes, the new
set is loaded and compiled here, off the request path, and installed with one assignment, so a
request sees either the old or the new set, never a mix. With a poll interval of one second
every worker of every replica converges within about two seconds: loading takes ~0.5 s of CPU,
~0.1 s when the lexicon and the files it derives from are those of the set served (the loader
then shares the built lexicon, the most of a load), as for a change to rules or thresholds.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import structlog
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from app.routing.engine import Router
from app.routing.loader import RuleSetData, RuleSetError
from app.rulesets import store

log = structlog.get_logger("wegwijzer.rulesets")


class RuleFollower:
    def __init__(self, engine: Engine, current: Callable[[], str], install: Callable[[Router], None],
                 shipped: Router, poll_s: float = 1.0) -> None:
        self.engine = engine
        self.shipped = shipped  # serves while the database names no active set
        self.current = current  # the version this worker serves now
        self.install = install
        self.poll_s = poll_s
        self._broken: set[str] = set()  # versions that failed to load here: not retried
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="ruleset-follower", daemon=True)
        self._db_down_since: float | None = None
        self._checking = threading.Lock()

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(5)

    def _run(self) -> None:
        while not self._stop.wait(self.poll_s):
            self.check()

    def check(self) -> bool:
        """Install the active set if it is not the one served. True when it switched. One check
        at a time: a check that read the active version before an activation, and loads it for
        a while, must not install it after a later check installed the newer one."""
        with self._checking:
            return self._check()

    def _check(self) -> bool:
        try:
            version = store.active_version(self.engine)
            if version is None:
                version = self.shipped.version
            if version == self.current() or version in self._broken:
                self._db_down_since = None
                return False
            files = None if version == self.shipped.version else store.files_of(self.engine, version)
        except (SQLAlchemyError, store.NotFound) as e:
            if self._db_down_since is None:  # one line per outage, not one per poll
                self._db_down_since = time.monotonic()
                log.warning("ruleset_poll_failed", error=type(e).__name__)
            return False
        self._db_down_since = None
        started = time.monotonic()
        try:
            router = self.shipped if files is None else Router.from_files(files)
        except RuleSetError as e:
            self._broken.add(version)
            log.error("ruleset_unloadable", version=version, problems=len(e.problems))
            return False
        previous = self.current()
        self.install(router)
        log.info("ruleset_installed", version=version, previous=previous,
                 load_s=round(time.monotonic() - started, 3))
        return True


def publish_shipped(engine: Engine, shipped: store.Files, loaded: RuleSetData | None = None) -> bool:
    """Publish the shipped rule set when the database does not know its version yet (validated
    first, ~1 s for the shipped set); False when the database could not be reached. A conflict or
    a refused set is logged: the shipped set still serves from the files."""
    from app.rulesets.validation import validate_cached

    try:
        store.publish(engine, shipped, "shipped", lambda files: validate_cached(files, loaded))
    except store.VersionConflict as e:
        log.error("shipped_ruleset_conflict", detail=str(e))
    except store.PublishError as e:
        log.error("shipped_ruleset_unpublishable", detail=str(e))
    except SQLAlchemyError as e:
        log.warning("ruleset_store_unavailable", error=type(e).__name__)
        return False
    return True


def adopt_shipped(engine: Engine, shipped: store.Files, follower: RuleFollower) -> None:
    """At start-up: publish the shipped rule set when the database does not know its version
    yet (`python -m app migrate` normally did already), then switch to the active set right
    away if that is another one. With the database unreachable the shipped set serves and the
    follower catches up later."""
    # the shipped files are the ones the shipped router was built from: not loaded again
    if publish_shipped(engine, shipped, follower.shipped.data):
        follower.check()
