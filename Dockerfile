# syntax=docker/dockerfile:1
# connector-sync as a long-running container: reconciles the connector files mounted at /config.
# .ci/run exercises these same install and start steps without Docker (.ci/check-runtime-image).

# --- build: all dependencies, compile TypeScript to dist/ --------------------------------------
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY tsconfig.json tsconfig.build.json ./
COPY bin ./bin
COPY schemas ./schemas
COPY src ./src
# npm ci runs `prepare`, which builds dist/ (the same command CI runs)
RUN npm ci --no-audit --no-fund

# --- runtime: production dependencies only, non-root ---------------------------------------------
FROM node:24-bookworm-slim AS runtime
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
