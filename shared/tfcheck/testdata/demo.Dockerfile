# syntax=docker/dockerfile:1
# Every function's image: one Dockerfile, the function chosen by a build argument. Build from the
# repository root so go.work, shared/ and schema/ are in the context:
#   docker build --build-arg FUNCTION=cart -t <ocir_repo>/cart:<tag> .
# (make image FN=cart). The structure is checked for every declared function by shared/tfcheck (no
# Docker engine in CI).

# Go 1.26 from the official image; Oracle Linux's go-toolset lags behind.
ARG GO_IMAGE=docker.io/library/golang:1.26.8
FROM ${GO_IMAGE} AS go

# Build on Oracle Linux 9 with cgo (godror), so the binary's glibc matches the run image.
FROM container-registry.oracle.com/os/oraclelinux:9 AS build
ARG FUNCTION
RUN test -n "${FUNCTION}" || { echo "build with --build-arg FUNCTION=<name of a directory under functions/>" >&2; exit 1; }
RUN dnf install -y gcc && dnf clean all
COPY --from=go /usr/local/go /usr/local/go
ENV PATH=/usr/local/go/bin:$PATH \
    CGO_ENABLED=1 \
    GOFLAGS="-trimpath -tags=lambda.norpc,grpcnotrace"
WORKDIR /src
COPY go.work go.work.sum ./
COPY shared/ shared/
COPY schema/ schema/
COPY functions/${FUNCTION}/ functions/${FUNCTION}/
# go.work lists every function; drop the ones not in this context, then build this one, with cgo only
# when a package it links has cgo files.
RUN go work use -r . && \
    cgo=$(go list -deps -f '{{if and (not .Standard) .CgoFiles}}{{.ImportPath}}{{end}}' ./functions/${FUNCTION}/cmd/${FUNCTION}) && \
    CGO_ENABLED=$([ -n "$cgo" ] && echo 1 || echo 0) go build -ldflags="-s -w" -o /out/${FUNCTION} ./functions/${FUNCTION}/cmd/${FUNCTION} && \
    printf '%s' "$cgo" > /out/cgo-packages

# Run on Oracle Linux 9 slim, with Oracle Instant Client only where the binary links cgo packages
# (godror loads libclntsh at run time). An exec-form ENTRYPOINT expands no build argument, so the
# binary has one fixed name in every image.
FROM container-registry.oracle.com/os/oraclelinux:9-slim
ARG FUNCTION
COPY --from=build /out/cgo-packages /tmp/cgo-packages
RUN if [ -s /tmp/cgo-packages ]; then \
      microdnf install -y oracle-instantclient-release-23ai-el9 && \
      microdnf install -y oracle-instantclient-basiclite && \
      microdnf clean all; \
    fi && \
    rm /tmp/cgo-packages
COPY --from=build /out/${FUNCTION} /function/handler
USER 1000
ENTRYPOINT ["/function/handler"]
