# syntax=docker/dockerfile:1
# The fake integration's image:
#   docker build -t fake-integration .
#   docker run -e OCEAN__PORT__CLIENT_ID=... -e OCEAN__PORT__CLIENT_SECRET=... fake-integration
# integrations/fake/image_test.go builds the binary with this file's build
# command and checks the paths below against the tree.

FROM golang:1.26 AS build
WORKDIR /src
# The module cache outlives the layer: a change of code downloads nothing.
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod go mod download
COPY . .
ARG VERSION=0.1.0
# A static binary (SQLite is pure Go): it runs on an image without a libc.
RUN --mount=type=cache,target=/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build \
    CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" \
    -o /out/fake-integration ./integrations/fake
# Without Port credentials the embedded local Port writes .ocean/ in the
# working directory: the runtime user must own it.
RUN mkdir -p /out/app/.ocean

# CA certificates, tzdata and a non-root user; no shell, no libc.
FROM gcr.io/distroless/static-debian13:nonroot
WORKDIR /app
COPY --from=build --chown=65532:65532 /out/app /app
COPY integrations/fake/.port /app/.port
COPY --from=build /out/fake-integration /usr/local/bin/fake-integration
USER 65532:65532
EXPOSE 8000
ENTRYPOINT ["/usr/local/bin/fake-integration", "sail"]
