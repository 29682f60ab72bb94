# syntax=docker/dockerfile:1
# The shop's image: one for every process of the shop; the command picks which runs
# (docker-compose.yml and deploy/kubernetes/ set it per container):
#   docker build -t temporal-shop .
#   docker run temporal-shop dist/services/inventory/main.js
# The `simulators` target adds the simulators of outside parties (payment provider, mail server), for compose only:
#   docker build --target simulators -t temporal-shop-simulators .
ARG NODE_IMAGE=node:24-bookworm-slim

# 1. Build: every dependency, the type check, then `npm run build` (scripts/build.ts):
#    dist/ with the compiled code, the OpenAPI specs, the prebuilt workflow bundle and the storefront.
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run typecheck && npm run build -- --force

# 2. Production dependencies only. No install scripts run: none of these needs one (their native
#    parts, argon2 and Temporal's core, come prebuilt in their packages).
FROM ${NODE_IMAGE} AS dependencies
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

# 3. What runs: the built code the shop's processes need, and nothing of dev/ (the embedded
#    PostgreSQL, the dev server, the supervisor), bench/, tests, or the TypeScript sources.
FROM ${NODE_IMAGE} AS base
ENV NODE_ENV=production HOST=0.0.0.0
WORKDIR /app
COPY --from=dependencies /app/node_modules ./node_modules
COPY package.json ./
COPY --from=build /app/dist/activities ./dist/activities
COPY --from=build /app/dist/codec-server ./dist/codec-server
COPY --from=build /app/dist/gateway ./dist/gateway
COPY --from=build /app/dist/platform ./dist/platform
COPY --from=build /app/dist/services ./dist/services
COPY --from=build /app/dist/worker ./dist/worker
COPY --from=build /app/dist/workflows ./dist/workflows
COPY --from=build /app/dist/openapi ./dist/openapi
COPY --from=build /app/dist/web ./dist/web
COPY --from=build /app/dist/temporal.config.js /app/dist/workflow-bundle.js ./dist/
COPY --from=build /app/dist/scripts/seed.js /app/dist/scripts/accounts.js /app/dist/scripts/demo-data.js ./dist/scripts/
# Payments calls the card provider through the provider's client, as it would through its SDK.
COPY --from=build /app/dist/simulators/payment-provider/client.js ./dist/simulators/payment-provider/
# The image's own `node` user, by number: Kubernetes' runAsNonRoot can only verify a numeric user.
USER 1000:1000
# Each process's own port and /health (platform/healthcheck.ts); compose and Kubernetes probe /ready as well.
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 CMD ["node", "dist/platform/healthcheck.js"]
# The V8 settings npm start gives every part (dev/start.ts LEAN_NODE_ARGS: a small young generation, GC on the
# main thread): about a quarter less memory at the same CPU per checkout. NODE_OPTIONS refuses the second.
ENTRYPOINT ["node", "--max-semi-space-size=2", "--single-threaded-gc"]
CMD ["dist/worker/main.js"]

# The simulators of outside parties: never part of the shop's image, only of compose's.
FROM base AS simulators
COPY --from=build /app/dist/simulators ./dist/simulators
# Each simulator is picked by the command, as the shop's parts are: dist/simulators/<name>/main.js.
CMD ["dist/simulators/payment-provider/main.js"]

# The default target: the shop.
FROM base AS shop
