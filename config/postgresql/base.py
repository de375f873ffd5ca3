"""Django's PostgreSQL backend, with a pool that finds all its dead connections at once.

psycopg's pool checks a connection before handing it out (ConnectionPool.check_connection,
what Django passes as `check` under CONN_HEALTH_CHECKS), one at a time: after PostgreSQL ended
every connection (a restart, terminated backends), a request draws the dead ones one after
another, and psycopg waits between the tries with its reconnection backoff (0 s, then about
1 s, 2 s, 4 s). With a pool of 4 the first request after the cut waited up to ~7 s.

Here the first dead connection found makes the pool check every idle one at once
(ConnectionPool.check: the dead ones are dropped and replaced), so the next try gets a live
connection or a new one without the backoff. config.settings selects this backend when
DATABASE_POOL_MAX_SIZE is set (bench/pool_recovery.py measures it).
"""

from django.db.backends.base.base import NO_DB_ALIAS
from django.db.backends.postgresql import base
from psycopg_pool import ConnectionPool


class DatabaseWrapper(base.DatabaseWrapper):
    @property
    def pool(self):
        options = self.settings_dict["OPTIONS"].get("pool")
        if options and self.alias != NO_DB_ALIAS and self.alias not in self._connection_pools:
            alias, pools = self.alias, self._connection_pools

            def check(conn) -> None:
                try:
                    ConnectionPool.check_connection(conn)
                except Exception:
                    pools[alias].check()  # drop every other dead one now, not one per try
                    raise

            connect_kwargs = {**self.get_connection_params(), "autocommit": True}
            pool = ConnectionPool(
                kwargs=connect_kwargs, open=False, configure=self._configure_connection,
                check=check, **({} if options is True else options),
            )
            pools.setdefault(alias, pool)  # as Django does: the first thread's pool wins
        return super().pool
