# CodeRace worker image: one eventlet worker per container (the load balancer is sticky).
FROM node:20-bookworm-slim AS browser
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app
RUN useradd --create-home --uid 10001 coderace
COPY pyproject.toml README.md ./
COPY race ./race
COPY templates ./templates
COPY static ./static
# Editable install: templates/, static/ and node_modules/ are served from /app, beside the package.
RUN pip install --no-compile -e .
COPY --from=browser /app/node_modules ./node_modules
USER coderace
ENV CODERACE_INSTANCE=/tmp/instance
EXPOSE 5000
HEALTHCHECK --interval=10s --timeout=3s --retries=3 \
  CMD python -c "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:5000/healthz').status != 200)"
CMD ["race", "run", "--host", "0.0.0.0", "--port", "5000"]
