# mnemo: the gRPC memory retrieval service. Built by docker-compose.yml (service "mnemo").
# Two stages: "build" has the compiler and the dev dependencies; the runtime stage gets only the
# production dependencies, the compiled addon and dist/. Builds on amd64 and arm64 alike.

# ---- build: npm ci (compiles the native addon), npm run build, prune to production ----
FROM node:22-bookworm-slim AS build

# The native HNSW addon (binding.gyp, native/) is compiled by node-gyp during npm ci. No -march:
# its distance kernels choose their SIMD path when they load, so the image runs on any CPU of its
# architecture, not only on ones like the builder's.
RUN apt-get update \
  && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends g++ make python3 \
  && rm -rf /var/lib/apt/lists/*

WORKDIR /app

# Dependencies first, so the layer is reused until the lockfile or the addon's sources change.
# npm ci runs the package's install script (node-gyp rebuild), which needs binding.gyp and native/.
COPY package.json package-lock.json binding.gyp ./
COPY native ./native
# Exactly the lock, as any CI does.
RUN npm ci --no-audit --no-fund

# The rest of the sources (see .dockerignore), the TypeScript build into dist/, then the dev
# dependencies dropped (prune runs no install script, so build/ keeps the compiled addon).
COPY . .
RUN npm run build \
  && npm prune --omit=dev --no-audit --no-fund

# ---- runtime: Node 22 LTS, production dependencies, no compiler ----
FROM node:22-bookworm-slim

WORKDIR /app

# package.json marks the project root; proto/ and src/redis/lua/ are read from it at run time.
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/build/Release/mnemo_hnsw.node ./build/Release/mnemo_hnsw.node
COPY --from=build /app/dist ./dist
COPY --from=build /app/proto ./proto
COPY --from=build /app/src/redis/lua ./src/redis/lua

# A container's loopback is its own, so it listens on all of its interfaces. Plaintext without
# tokens there is refused (protected mode) unless whoever runs the image says MNEMO_INSECURE=true,
# as docker-compose.yml does for its private network: the image does not decide that for them.
# Local state (index snapshots under index/) goes to /data, a volume the runtime user owns, so a
# restart loads the last snapshot instead of rebuilding the index from Redis.
ENV NODE_ENV=production \
    MNEMO_GRPC_ADDRESS=0.0.0.0:50051 \
    MNEMO_DATA_DIR=/data

# Owned by node before VOLUME: a new named volume starts as a copy of it, ownership included.
# A bind mount keeps the host directory's owner instead: make it writable by uid 1000.
RUN mkdir -p /data && chown node:node /data
VOLUME ["/data"]

# gRPC (health and reflection included), Prometheus metrics (MNEMO_METRICS_ADDRESS, GET /metrics).
EXPOSE 50051 9464

# Unprivileged: /app stays root's and read-only to it; only /data is written.
USER node

CMD ["node", "dist/src/main.js"]
