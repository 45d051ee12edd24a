// Package ocivault is the OCI Vault client: it reads secret bundles with the function's resource
// principal through the OCI SDK, and registers itself with package vault when linked. Package
// dbdriver links it into every function with a database (the wallet and password on Oracle, the APM
// data key, the token signing key); the authorizer does not, and so links no OCI SDK.
package ocivault

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/http"

	"github.com/oracle/oci-go-sdk/v65/common"
	"github.com/oracle/oci-go-sdk/v65/common/auth"
	"github.com/oracle/oci-go-sdk/v65/secrets"

	"github.com/octo-drone-shop/serverless/shared/vault"
)

// ErrSecretUnreadable reports a Vault secret that could not be read or decoded (vault's).
var ErrSecretUnreadable = vault.ErrSecretUnreadable

func init() {
	vault.Register(func(cfg vault.Config) (vault.Source, error) { return New(cfg) })
}

// DefaultAttempts is how many times Secrets tries a call the SDK deems retryable (429, 5xx,
// network errors) at cold start, so a Vault hiccup costs a second or two, not the SDK's default eight
// attempts.
const DefaultAttempts = 3

// Secrets reads OCI Vault secret bundles with the function's resource principal. Build it once per
// container: it holds the signed SDK client.
type Secrets struct {
	client secrets.SecretsClient
}

// New builds the Vault secrets client from the resource principal the OCI Functions
// platform provides (OCI_RESOURCE_PRINCIPAL_VERSION, _RPST, _PRIVATE_PEM, _REGION). The policy must
// allow the function's dynamic group to "read secret-bundles". cfg.MaxAttempts 0 means DefaultAttempts.
func New(cfg vault.Config) (*Secrets, error) {
	provider, err := auth.ResourcePrincipalConfigurationProvider()
	if err != nil {
		return nil, fmt.Errorf("vault secrets: resource principal: %w", err)
	}
	client, err := secrets.NewSecretsClientWithConfigurationProvider(provider)
	if err != nil {
		return nil, fmt.Errorf("vault secrets: new client: %w", err)
	}
	if cfg.Region != "" {
		client.SetRegion(cfg.Region)
	}
	if cfg.Endpoint != "" {
		client.Host = cfg.Endpoint
	}
	policy := common.NoRetryPolicy()
	attempts := cfg.MaxAttempts
	if attempts == 0 {
		attempts = DefaultAttempts
	}
	if attempts > 1 {
		policy = common.NewRetryPolicyWithOptions(
			common.ReplaceWithValuesFromRetryPolicy(common.DefaultRetryPolicyWithoutEventualConsistency()),
			common.WithMaximumNumberAttempts(attempts))
	}
	// Replacing the whole client configuration also drops the SDK's circuit breaker, which only
	// matters for long-lived clients making many calls; this one makes two at cold start.
	client.SetCustomClientConfiguration(common.CustomClientConfiguration{RetryPolicy: &policy})
	return &Secrets{client: client}, nil
}

// SecretContent returns the decoded content of the secret's current version.
func (v *Secrets) SecretContent(ctx context.Context, secretOCID string) ([]byte, error) {
	resp, err := v.client.GetSecretBundle(ctx, secrets.GetSecretBundleRequest{SecretId: &secretOCID})
	if err != nil {
		status := "no HTTP response"
		if se, ok := common.IsServiceError(err); ok {
			status = fmt.Sprintf("HTTP %d %s", se.GetHTTPStatusCode(), se.GetCode())
		} else if resp.RawResponse != nil {
			status = "HTTP " + resp.RawResponse.Status
		}
		return nil, fmt.Errorf("get secret bundle %s: %w (%s): %s", secretOCID, ErrSecretUnreadable, status, readRemedy(err))
	}
	content, ok := resp.SecretBundleContent.(secrets.Base64SecretBundleContentDetails)
	if !ok || content.Content == nil {
		return nil, fmt.Errorf("get secret bundle %s: %w: content is not base64 (%T)", secretOCID, ErrSecretUnreadable, resp.SecretBundleContent)
	}
	data, err := base64.StdEncoding.DecodeString(*content.Content)
	if err != nil {
		// The decoder's error carries an offset, not content.
		return nil, fmt.Errorf("get secret bundle %s: %w: decode base64: %w", secretOCID, ErrSecretUnreadable, err)
	}
	return data, nil
}

// readRemedy turns the usual failures into what to check.
func readRemedy(err error) string {
	se, ok := common.IsServiceError(err)
	if !ok {
		return "check the Vault endpoint is reachable from the function's subnet (service gateway or NAT): " + err.Error()
	}
	switch se.GetHTTPStatusCode() {
	case http.StatusNotFound, http.StatusUnauthorized, http.StatusForbidden:
		return `check the OCID and a policy "allow dynamic-group <functions> to read secret-bundles in compartment <c>"`
	default:
		return se.GetMessage()
	}
}
