# syntax=docker/dockerfile:1
# fleetmon's image. Build it with scripts/image-build.sh, which passes the version arguments
# below; a bare `docker build .` works too and is labelled as a dev build.
#
#   docker run --rm IMAGE                                   serve on :8080 (FLEETMON_API=…)
#   docker run --rm IMAGE services --api 10.0.0.5:9001      any other command
#
# BASE is any image with Node >= 22 and npm on Debian: the official node:24-slim for users, a
# local one where no registry is reachable (scripts/container-base.sh).
ARG BASE=node:24-slim

FROM ${BASE} AS build
WORKDIR /src
COPY package.json package-lock.json ./
# Scripts are skipped: they would only install the node@24 devDependency, and BASE has Node.
# A TLS-intercepting proxy's CA can be handed in as the build secret npm-ca.
RUN --mount=type=cache,target=/root/.npm \
    --mount=type=secret,id=npm-ca,target=/run/secrets/npm-ca \
    if [ -s /run/secrets/npm-ca ]; then export NODE_EXTRA_CA_CERTS=/run/secrets/npm-ca; fi; \
    npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
COPY . .
ARG FLEETMON_BUILD=dev
ARG FLEETMON_COMMIT=
# Build arguments are in the environment of RUN: scripts/build.ts stamps them into the bundle.
# Source maps are left out: Node reads them only under --enable-source-maps.
RUN npm run build --silent && find dist -name '*.map' -delete

# The runtime image holds Node, the launcher and the bundle: esbuild has already bundled every
# production dependency into dist/, so there is no node_modules (and no dev dependency) at all.
FROM ${BASE}
# A fixed numeric uid, so that Kubernetes' runAsNonRoot can check it; the state directory is
# the one place it writes (mount a volume there; the root filesystem can be read-only).
RUN groupadd --gid 10001 fleetmon \
 && useradd --uid 10001 --gid fleetmon --home-dir /var/lib/fleetmon --no-create-home \
      --shell /usr/sbin/nologin fleetmon \
 && install -d -o 10001 -g 10001 -m 0750 /var/lib/fleetmon
WORKDIR /app
COPY --from=build /src/package.json /src/LICENSE ./
COPY --from=build /src/bin ./bin
COPY --from=build /src/dist ./dist

# XDG_STATE_HOME puts the default history store at /var/lib/fleetmon/history.db.
ENV NODE_ENV=production \
    XDG_STATE_HOME=/var/lib \
    HEALTHCHECK_URL=http://127.0.0.1:8080/healthz
USER 10001:10001
EXPOSE 8080
# Slim images have no curl: Node asks /healthz (which needs no credentials).
HEALTHCHECK --interval=30s --timeout=5s --start-period=15s --retries=3 \
  CMD ["node", "-e", "fetch(process.env.HEALTHCHECK_URL,{signal:AbortSignal.timeout(4000)}).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["/app/bin/fleetmon"]
CMD ["serve", "--listen", "0.0.0.0:8080", "--listen-public"]

# Last, so that a new build number or date rebuilds no layer above.
ARG FLEETMON_VERSION=unknown
ARG FLEETMON_BUILD=dev
ARG FLEETMON_COMMIT=
ARG FLEETMON_REVISION=
ARG FLEETMON_CREATED=
ARG FLEETMON_SOURCE=
LABEL org.opencontainers.image.title="fleetmon" \
      org.opencontainers.image.description="Fleet monitoring for CPX cloud providers: dashboard, JSON API and Prometheus exporter" \
      org.opencontainers.image.licenses="MIT" \
      org.opencontainers.image.version="${FLEETMON_VERSION}" \
      org.opencontainers.image.revision="${FLEETMON_REVISION}" \
      org.opencontainers.image.created="${FLEETMON_CREATED}" \
      org.opencontainers.image.source="${FLEETMON_SOURCE}" \
      io.fleetmon.build="${FLEETMON_BUILD}" \
      io.fleetmon.commit="${FLEETMON_COMMIT}"
