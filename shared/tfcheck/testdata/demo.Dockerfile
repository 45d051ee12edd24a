# syntax=docker/dockerfile:1
# The demo function's image. Build from the repository root so go.work, shared/ and schema/ are in
# the context:
#   docker build -f functions/demo/Dockerfile -t <ocir_repo>/demo:<tag> .
# (make image FN=demo). The structure is checked by shared/tfcheck (no Docker engine in CI).

# Go 1.26 from the official image; Oracle Linux's go-toolset lags behind.
ARG GO_IMAGE=docker.io/library/golang:1.26.8
FROM ${GO_IMAGE} AS go

# Build on Oracle Linux 9 with cgo (godror), so the binary's glibc matches the run image.
FROM container-registry.oracle.com/os/oraclelinux:9 AS build
RUN dnf install -y gcc && dnf clean all
COPY --from=go /usr/local/go /usr/local/go
ENV PATH=/usr/local/go/bin:$PATH \
    CGO_ENABLED=1 \
    GOFLAGS="-trimpath -tags=lambda.norpc,grpcnotrace"
WORKDIR /src
COPY go.work go.work.sum ./
COPY shared/ shared/
COPY schema/ schema/
COPY functions/demo/ functions/demo/
# go.work lists every function; drop the ones not in this context, then build this one.
RUN go work use -r . && \
    go build -ldflags="-s -w" -o /out/demo ./functions/demo/cmd/demo

# Run on Oracle Linux 9 slim with Oracle Instant Client (godror loads libclntsh at run time).
FROM container-registry.oracle.com/os/oraclelinux:9-slim
RUN microdnf install -y oracle-instantclient-release-23ai-el9 && \
    microdnf install -y oracle-instantclient-basiclite && \
    microdnf clean all
COPY --from=build /out/demo /function/demo
USER 1000
ENTRYPOINT ["/function/demo"]
