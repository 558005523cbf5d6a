# gclip sweep worker image: `docker run IMAGE sweep worker --store /store` (docs/sweep.md).
FROM node:20-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig*.json ./
COPY src ./src
RUN npm run build

FROM node:20-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN npm ci --omit=dev && npm cache clean --force
COPY bin ./bin
COPY configs ./configs
COPY --from=build /app/dist ./dist
USER node
ENTRYPOINT ["node", "/app/bin/gclip.js"]
