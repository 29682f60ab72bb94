# One image for every service and the worker; the command picks which runs.
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production HOST=0.0.0.0
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts && npm rebuild @swc/core protobufjs esbuild
COPY . .
USER node
# e.g. docker run IMAGE services/inventory/main.ts
ENTRYPOINT ["node", "--import", "tsx"]
CMD ["worker/main.ts"]
