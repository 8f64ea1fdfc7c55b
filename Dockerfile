# The container route (docs/install.md): the same relocatable binary scripts/package builds, on a slim
# Debian with only the libraries it loads.
#
#     docker build -t sluice .
#     docker run --rm -u "$(id -u):$(id -g)" -v "$PWD:/work" sluice apply
#
# Stage 1 builds with the official Swift image (Debian 12, like the runtime, so the glibc matches).
ARG SWIFT_IMAGE=swift:6.3-bookworm
FROM ${SWIFT_IMAGE} AS build
RUN export DEBIAN_FRONTEND=noninteractive \
    && apt-get update -q \
    && apt-get install -q -y --no-install-recommends \
        libsqlite3-dev libssl-dev libcurl4-openssl-dev libpq-dev pkg-config git python3 \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
# scripts/package: swift build -c release --static-swift-stdlib, packaging/check-binary (no Swift
# library is loaded), then dist/sluice-VERSION-linux-ARCH.tar.gz, whose bin/sluice is copied below.
RUN scripts/package \
    && mkdir /out \
    && tar -xzf dist/sluice-*-linux-*.tar.gz -C /out --strip-components=1

# Stage 2: the runtime packages docs/install.md lists (git for manifests in git repositories,
# ca-certificates for https datasets), a non-root user, and the binary.
FROM debian:bookworm-slim
RUN export DEBIAN_FRONTEND=noninteractive \
    && apt-get update -q \
    && apt-get install -q -y --no-install-recommends \
        libcurl4 libsqlite3-0 libpq5 libssl3 zlib1g libstdc++6 ca-certificates git \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --user-group --create-home --home-dir /home/sluice sluice \
    && mkdir /work && chown sluice:sluice /work
COPY --from=build /out/bin/sluice /usr/local/bin/sluice
USER sluice
WORKDIR /work
# sluice serve's default port (publish it with --host 0.0.0.0) and sluice run's endpoint (--listen 0.0.0.0:9095).
EXPOSE 8080 9095
ENTRYPOINT ["sluice"]
CMD ["--help"]
