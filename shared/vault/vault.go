// Package vault is the seam between the code that reads secrets at cold start (boot: the APM data
// key; identity: the token signing key; the Oracle driver: the wallet and password) and the OCI Vault
// client that reads them (package oracle/ocivault, over the OCI SDK). It imports no SDK: the client registers
// itself when its package is linked, as a database/sql driver does, and package dbdriver links it into
// every function with a database. The authorizer links no Vault client and so no OCI SDK (its
// package inits and code are a few tenths of a millisecond of every cold start, on the path of every
// protected request); the deployment gives it no secret to read (it verifies with
// OCTO_TOKEN_PUBLIC_KEYS and exports no telemetry to APM).
package vault

import (
	"context"
	"errors"
	"sync"
)

// Source reads the current version of a secret, decoded.
type Source interface {
	SecretContent(ctx context.Context, secretOCID string) ([]byte, error)
}

// Config tunes the Vault client; the zero value is right on OCI Functions.
type Config struct {
	// Region overrides the resource principal's region.
	Region string
	// Endpoint overrides the service endpoint (a private endpoint or a test server), e.g.
	// "https://secrets.vaults.us-ashburn-1.oci.oraclecloud.com".
	Endpoint string
	// MaxAttempts bounds the attempts per call; 0 means the client's default, 1 disables retries.
	MaxAttempts uint
}

// ErrSecretUnreadable reports a Vault secret that could not be read or decoded. The error names the
// secret OCID and the HTTP status; it never contains secret content.
var ErrSecretUnreadable = errors.New("secret unreadable")

// ErrNotLinked is returned by Open in a binary that links no Vault client.
var ErrNotLinked = errors.New("this binary links no OCI Vault client (package oracle/ocivault): it reads no secret")

var (
	mu     sync.RWMutex
	opener func(Config) (Source, error)
)

// Register installs the Vault client's constructor; package ocivault calls it from its init.
func Register(open func(Config) (Source, error)) {
	mu.Lock()
	defer mu.Unlock()
	opener = open
}

// Open builds a Vault client with cfg, or fails with ErrNotLinked.
func Open(cfg Config) (Source, error) {
	mu.RLock()
	open := opener
	mu.RUnlock()
	if open == nil {
		return nil, ErrNotLinked
	}
	return open(cfg)
}
