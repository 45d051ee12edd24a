package oracle

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"

	"github.com/oracle/oci-go-sdk/v65/common"
	"github.com/oracle/oci-go-sdk/v65/common/auth"
	"github.com/oracle/oci-go-sdk/v65/secrets"
)

// ErrSecretUnreadable reports a Vault secret that could not be read or decoded. The error names the
// secret OCID and the HTTP status; it never contains secret content.
var ErrSecretUnreadable = errors.New("secret unreadable")

// SecretSource reads the current version of a secret, decoded. Open uses it for the wallet and the
// password; VaultSecrets is the OCI Vault implementation.
type SecretSource interface {
	SecretContent(ctx context.Context, secretOCID string) ([]byte, error)
}

// DefaultVaultAttempts is how many times VaultSecrets tries a call the SDK deems retryable (429, 5xx,
// network errors) at cold start, so a Vault hiccup costs a second or two, not the SDK's default eight
// attempts.
const DefaultVaultAttempts = 3

// VaultConfig tunes the Vault client; the zero value is right on OCI Functions.
type VaultConfig struct {
	// Region overrides the resource principal's region.
	Region string
	// Endpoint overrides the service endpoint (a private endpoint or a test server), e.g.
	// "https://secrets.vaults.us-ashburn-1.oci.oraclecloud.com".
	Endpoint string
	// MaxAttempts bounds the attempts per call; 0 means DefaultVaultAttempts, 1 disables retries.
	MaxAttempts uint
}

// VaultSecrets reads OCI Vault secret bundles with the function's resource principal. Build it once per
// container: it holds the signed SDK client.
type VaultSecrets struct {
	client secrets.SecretsClient
}

// NewVaultSecrets builds the Vault secrets client from the resource principal the OCI Functions
// platform provides (OCI_RESOURCE_PRINCIPAL_VERSION, _RPST, _PRIVATE_PEM, _REGION). The policy must
// allow the function's dynamic group to "read secret-bundles".
func NewVaultSecrets(cfg VaultConfig) (*VaultSecrets, error) {
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
		attempts = DefaultVaultAttempts
	}
	if attempts > 1 {
		policy = common.NewRetryPolicyWithOptions(
			common.ReplaceWithValuesFromRetryPolicy(common.DefaultRetryPolicyWithoutEventualConsistency()),
			common.WithMaximumNumberAttempts(attempts))
	}
	// Replacing the whole client configuration also drops the SDK's circuit breaker, which only
	// matters for long-lived clients making many calls; this one makes two at cold start.
	client.SetCustomClientConfiguration(common.CustomClientConfiguration{RetryPolicy: &policy})
	return &VaultSecrets{client: client}, nil
}

// SecretContent returns the decoded content of the secret's current version.
func (v *VaultSecrets) SecretContent(ctx context.Context, secretOCID string) ([]byte, error) {
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
