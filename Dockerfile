# syntax=docker/dockerfile:1
# connector-sync as a long-running container: reconciles the connector files mounted at /config.
# .ci/run exercises these same install and start steps without Docker (.ci/check-runtime-image).

# The base image, in one place, pinned by digest with its tag beside it: the digest decides what is
# pulled (a tag can move), the tag says what it is and is what Dependabot (.github/dependabot.yml)
# follows to propose a new digest. This digest is the multi-platform index of Node 24.18.0
# (node:24.18.0-bookworm-slim, also node:24-slim): no registry was reachable where it was written,
# so it was taken from the docker-library image listing and several public Dockerfiles pinning the
# same image. To refresh it by hand, copy the "Digest:" line of
#   docker buildx imagetools inspect node:24-bookworm-slim
# (.ci/check-runtime-image refuses an image that is not tag@sha256:<64 hex digits>.)
ARG NODE_IMAGE=node:24-bookworm-slim@sha256:6f7b03f7c2c8e2e784dcf9295400527b9b1270fd37b7e9a7285cf83b6951452d

# --- build: all dependencies, compile TypeScript to dist/ --------------------------------------
FROM ${NODE_IMAGE} AS build
WORKDIR /app
# the dependencies first: this layer is rebuilt only when the lock file changes, not on every edit
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY schemas ./schemas
COPY scripts/build-validators.ts ./scripts/
COPY scripts/build-vendor.ts ./scripts/
COPY src ./src
# the same steps as `npm run build`, with the image's Node (the `node` dev package was not installed):
# compile, then write the schema validators as plain code so no command compiles them at start-up,
# and bundle the yaml library into one file
RUN node node_modules/typescript/bin/tsc -p tsconfig.build.json && node scripts/build-validators.ts && node scripts/build-vendor.ts

# --- runtime: production dependencies only, non-root ---------------------------------------------
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    CONNECTOR_SYNC_STATE_DIR=/var/lib/connector-sync
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY bin ./bin
COPY schemas ./schemas
RUN mkdir -p /config /var/lib/connector-sync && chown node:node /var/lib/connector-sync
USER node
EXPOSE 8080
# /config: the connector files (a ConfigMap, a git-sync checkout, a bind mount);
# /var/lib/connector-sync: secret fingerprints (never the values), kept across restarts
VOLUME ["/var/lib/connector-sync"]
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:8080/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# node is PID 1: connector-sync handles SIGTERM and SIGINT itself (finishes the in-flight write, exits 0)
ENTRYPOINT ["node", "bin/connector-sync.js"]
CMD ["daemon", "--host", "0.0.0.0", "--port", "8080", "/config"]
