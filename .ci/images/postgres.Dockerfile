# Stand-in for postgres:16 built from Debian's PostgreSQL 15, for machines with no registry.
# The entrypoint honours the official image's interface: POSTGRES_USER, POSTGRES_PASSWORD,
# POSTGRES_DB, /docker-entrypoint-initdb.d/*.sql and `-c name=value` arguments.
FROM agentup-ci/debian:bookworm
RUN apt-get update && apt-get install -y --no-install-recommends postgresql-15 && rm -rf /var/lib/apt/lists/* \
 && mkdir -p /docker-entrypoint-initdb.d /var/run/postgresql && chown postgres:postgres /var/run/postgresql
ENV PATH=/usr/lib/postgresql/15/bin:$PATH PGDATA=/var/lib/postgresql/data
COPY postgres-entrypoint.sh /usr/local/bin/docker-entrypoint.sh
EXPOSE 5432
STOPSIGNAL SIGINT
ENTRYPOINT ["/usr/local/bin/docker-entrypoint.sh"]
CMD ["postgres"]
