# One image for every service and the worker; the command picks which runs:
#   docker run IMAGE services/inventory/main.ts     (docker-compose.yml sets it per container)
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production HOST=0.0.0.0
COPY package.json package-lock.json ./
# Production dependencies only (tsx runs the TypeScript, as in development: no build step to drift).
# Install scripts are off, then run for the packages the worker's bundler needs; the embedded
# PostgreSQL's binaries stay unused here (containers use the compose PostgreSQL).
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
 && npm rebuild @swc/core protobufjs esbuild \
 && npm cache clean --force
COPY . .
USER node
ENTRYPOINT ["node", "--import", "tsx"]
CMD ["worker/main.ts"]
