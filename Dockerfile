# cemr-api container: multi-stage, dependencies cached in their own layer, slim
# non-root runtime. CI runs this file's `RUN cargo build --release …` line as it stands,
# and tests/api/container.rs runs the binary as this user on this layout.
FROM rust:1.95-slim-bookworm AS chef
# make: the jemalloc allocator (tikv-jemalloc-sys) is built from source with it, and the
# slim image has only the C compiler.
RUN apt-get update \
 && apt-get install -y --no-install-recommends make \
 && rm -rf /var/lib/apt/lists/*
RUN cargo install cargo-chef --locked --version 0.1.77
WORKDIR /app

FROM chef AS planner
COPY . .
RUN cargo chef prepare --recipe-path recipe.json

FROM chef AS builder
COPY --from=planner /app/recipe.json recipe.json
# Dependencies only: this layer is reused until Cargo.toml or Cargo.lock change.
RUN cargo chef cook --release --recipe-path recipe.json
COPY . .
RUN cargo build --release --locked --bin cemr-api

FROM debian:bookworm-slim AS runtime
# The data folder is created and handed to the service user here, before VOLUME: a new
# volume starts as a copy of it, owner included, so the default SQLite file can be made.
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 cemr \
 && useradd --system --uid 10001 --gid 10001 --home-dir /var/lib/cemr --create-home cemr \
 && mkdir -p /var/lib/cemr/data \
 && chown -R 10001:10001 /var/lib/cemr
# Stripped by the release profile (Cargo.toml).
COPY --from=builder /app/target/release/cemr-api /usr/local/bin/cemr-api
# Numeric, so an orchestrator can check it is not root (runAsNonRoot) without /etc/passwd.
USER 10001:10001
WORKDIR /var/lib/cemr
# Configuration by environment; see the README for every variable. For production set
# DATABASE_URL=postgres://… (the embedded SQLite default keeps its file in the volume).
ENV BIND=0.0.0.0:8080 \
    DATABASE_URL=sqlite:///var/lib/cemr/data/cemr.sqlite \
    LOG_FORMAT=json \
    LOG_LEVEL=info
VOLUME ["/var/lib/cemr/data"]
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["cemr-api", "healthcheck"]
ENTRYPOINT ["cemr-api"]
CMD ["serve"]
