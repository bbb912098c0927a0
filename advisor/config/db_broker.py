"""The broker kept in our own PostgreSQL, with redelivery after a worker dies.

Kombu's SQLAlchemy transport hides a message when it hands it to a worker and
puts it back only when that worker shuts down cleanly: a worker killed with
SIGKILL (or its machine lost) leaves its message hidden for ever, and
``CELERY_TASK_ACKS_LATE`` promises a redelivery that never comes.

This transport (URL prefix ``twinsqla+``) keeps the promise:

- a delivered message is held by a PostgreSQL advisory lock on a connection of
  the worker's own, taken before the message is hidden, so it is never both
  hidden and unheld;
- an acknowledged message is deleted (the stock transport kept every message
  for ever, hidden);
- every worker, when it starts polling and then every ``sweep_seconds``, shows
  again each hidden message whose lock nobody holds: its worker died, and its
  connection, and the lock with it. The task runs again, as acks-late means;
  our tasks are idempotent.
"""

import logging
import time

import psycopg
from kombu.transport import TRANSPORT_ALIASES, virtual
from kombu.transport import sqlalchemy as sqla
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

logger = logging.getLogger("advisor.broker")

ALIAS = "twinsqla"
# The advisory-lock namespace of delivered messages (the first of two int4 keys).
LOCK_SPACE = 0x7457
SWEEP_SECONDS = 15.0
# Transport options that are kombu's or ours, not SQLAlchemy's create_engine's.
NOT_ENGINE_OPTIONS = {
    "queue_tablename",
    "message_tablename",
    "callback",
    "errback",
    "max_retries",
    "interval_start",
    "interval_step",
    "interval_max",
    "retry_errors",
    "sweep_seconds",
}


class QoS(virtual.QoS):
    """Acknowledging deletes the message and lets go of its lock."""

    def ack(self, delivery_tag):
        super().ack(delivery_tag)
        self.channel._settle(delivery_tag)

    def reject(self, delivery_tag, requeue=False):
        super().reject(delivery_tag, requeue=requeue)
        if not requeue:  # a requeued one was settled by ``_restore``
            self.channel._settle(delivery_tag)


class Channel(sqla.Channel):
    QoS = QoS

    def __init__(self, connection, **kwargs):
        super().__init__(connection, **kwargs)
        self._rows: dict[str, int] = {}
        self._locks = None
        self._swept_at = 0.0
        options = connection.client.transport_options
        self.sweep_seconds = float(options.get("sweep_seconds", SWEEP_SECONDS))

    def _engine_from_config(self):
        conninfo = self.connection.client
        options = {
            name: value
            for name, value in conninfo.transport_options.items()
            if name not in NOT_ENGINE_OPTIONS
        }
        return create_engine(conninfo.hostname, **options)

    # --- The worker's own connection, holding the locks of its deliveries ------

    def _lock_connection(self):
        if self._locks is None or self._locks.closed:
            url = make_url(self.connection.client.hostname).set(drivername="postgresql")
            self._locks = psycopg.connect(
                url.render_as_string(hide_password=False), autocommit=True
            )
        return self._locks

    def _unlock(self, row_id: int) -> None:
        try:
            self._lock_connection().execute(
                "SELECT pg_advisory_unlock(%s, %s)", [LOCK_SPACE, row_id]
            )
        except psycopg.Error:
            self._locks = None  # the connection died, and its locks with it

    # --- Delivery, acknowledgement, redelivery ----------------------------------

    def _get(self, queue):
        if time.monotonic() - self._swept_at >= self.sweep_seconds:
            self._sweep(queue)
        obj = self._get_or_create(queue)
        try:
            msg = (
                self.session.query(self.message_cls)
                .with_for_update(skip_locked=True)
                .filter(self.message_cls.queue_id == obj.id)
                .filter(self.message_cls.visible != False)  # noqa: E712
                .order_by(self.message_cls.sent_at)
                .order_by(self.message_cls.id)
                .limit(1)
                .first()
            )
            if msg is None:
                raise virtual.Empty()
            # Held before it is hidden: a sweep never sees it hidden and free.
            self._lock_connection().execute(
                "SELECT pg_advisory_lock(%s, %s)", [LOCK_SPACE, msg.id]
            )
            msg.visible = False
            payload = sqla.loads(sqla.bytes_to_str(msg.payload))
            self._rows[payload["properties"]["delivery_tag"]] = msg.id
            return payload
        finally:
            self.session.commit()

    def _settle(self, delivery_tag) -> None:
        """Delete a delivered message (acknowledged, rejected or put back)."""
        row_id = self._rows.pop(delivery_tag, None)
        if row_id is None:
            return
        self.session.execute(
            text(f"DELETE FROM {self.message_tablename} WHERE id = :id"),
            {"id": row_id},
        )
        self.session.commit()
        self._unlock(row_id)

    def _restore(self, message):
        self._settle(message.delivery_tag)
        super()._restore(message)

    def _sweep(self, queue) -> int:
        """Show again the hidden messages of ``queue`` that no live worker holds."""
        self._swept_at = time.monotonic()
        obj = self._get_or_create(queue)
        table = self.message_tablename
        orphans: list[int] = []
        try:
            hidden = self.session.execute(
                text(
                    f"SELECT id FROM {table} WHERE queue_id = :queue "
                    "AND visible = false FOR UPDATE SKIP LOCKED"
                ),
                {"queue": obj.id},
            ).scalars()
            orphans = [
                row_id
                for row_id in list(hidden)
                if row_id not in self._rows.values()
                and self.session.execute(
                    text("SELECT pg_try_advisory_xact_lock(:space, :id)"),
                    {"space": LOCK_SPACE, "id": row_id},
                ).scalar()
            ]
            if orphans:
                self.session.execute(
                    text(f"UPDATE {table} SET visible = true WHERE id = ANY(:ids)"),
                    {"ids": orphans},
                )
                logger.warning(
                    "redelivering %d message(s) of queue %s whose worker died",
                    len(orphans),
                    queue,
                )
        finally:
            self.session.commit()
        return len(orphans)

    def close(self):
        try:
            super().close()
        finally:
            if self._locks is not None and not self._locks.closed:
                self._locks.close()


class Transport(sqla.Transport):
    Channel = Channel
    connection_errors = sqla.Transport.connection_errors + (psycopg.OperationalError,)


TRANSPORT_ALIASES.setdefault(ALIAS, "advisor.config.db_broker:Transport")
