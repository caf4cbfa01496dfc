# mnemo: the gRPC memory retrieval service. Built by docker-compose.yml (service "mnemo").
FROM node:20-bookworm-slim

# The native HNSW addon (binding.gyp, native/) is compiled by node-gyp during npm ci.
RUN apt-get update \
  && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends g++ make python3 \
  && rm -rf /var/lib/apt/lists/*

WORKDIR /app

# Dependencies first, so the layer is reused until the lockfile or the addon's sources change.
# npm ci runs the package's install script (node-gyp rebuild), which needs binding.gyp and native/.
COPY package.json package-lock.json binding.gyp ./
COPY native ./native
# The image may run on another CPU than the one that builds it: target x86-64-v3 (AVX2, FMA)
# rather than the build machine's own (-march=native, the default outside Docker).
ENV MNEMO_NATIVE_MARCH=x86-64-v3
# Exactly the lock, as any CI does.
RUN npm ci --no-audit --no-fund

# The rest of the sources (see .dockerignore), then the TypeScript build into dist/. proto/ and
# src/redis/lua/ are read at run time from the project root, so they stay in the image.
COPY . .
RUN npm run build

# A container's loopback is its own, so it listens on all of its interfaces. Plaintext without
# tokens there is refused (protected mode) unless whoever runs the image says MNEMO_INSECURE=true,
# as docker-compose.yml does for its private network: the image does not decide that for them.
ENV NODE_ENV=production \
    MNEMO_GRPC_ADDRESS=0.0.0.0:50051

# gRPC (health and reflection included), Prometheus metrics (MNEMO_METRICS_ADDRESS, GET /metrics).
EXPOSE 50051 9464

# Nothing is written under /app at run time (Redis is external), so an unprivileged user suffices.
USER node

CMD ["node", "dist/src/main.js"]
