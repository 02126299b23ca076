# Stand-in for redis:7 built from Debian's redis-server (7.0), for machines with no registry.
FROM agentup-ci/debian:bookworm
RUN apt-get update && apt-get install -y --no-install-recommends redis-server && rm -rf /var/lib/apt/lists/*
EXPOSE 6379
ENTRYPOINT ["redis-server", "--protected-mode", "no", "--save", "", "--appendonly", "no", "--bind", "0.0.0.0"]
