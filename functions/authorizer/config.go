package authorizer

import (
	"context"
	"log/slog"
	"net/http"

	"github.com/octo-drone-shop/serverless/shared/identity"
)

// Config is the authorizer's configuration, read once at cold start: identity.VerifierConfig (our
// own tokens' keys and an optional external OpenID Connect issuer; see there for the variables).
type Config = identity.VerifierConfig

// ConfigFromEnv reads Config, reporting every problem at once.
func ConfigFromEnv(getenv func(string) string) (Config, error) {
	return identity.VerifierConfigFromEnv(getenv)
}

// NewVerifier builds the token verifier from the configuration, once per container.
func NewVerifier(ctx context.Context, c Config, client *http.Client) (*identity.Verifier, error) {
	return c.NewVerifier(ctx, client)
}

// Build is the authorizer's composition: configuration from getenv, the verifier, the handler.
func Build(ctx context.Context, getenv func(string) string, log *slog.Logger) (http.Handler, error) {
	c, err := ConfigFromEnv(getenv)
	if err != nil {
		return nil, err
	}
	v, err := NewVerifier(ctx, c, nil)
	if err != nil {
		return nil, err
	}
	return New(v, log)
}
