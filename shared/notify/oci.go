package notify

import (
	"bytes"
	"context"
	"fmt"
	"io"

	"github.com/oracle/oci-go-sdk/v65/common"
	"github.com/oracle/oci-go-sdk/v65/common/auth"
	"github.com/oracle/oci-go-sdk/v65/emaildataplane"
)

// OCISender submits messages to OCI Email Delivery's HTTPS submission API (SubmitRawEmail, so the
// service sends the exact RFC 5322 bytes, Message-ID included) with the function's resource
// principal: no SMTP credential exists. The policy must allow the function's dynamic group to
// "use email-family" in the compartment, and From must be an approved sender there.
type OCISender struct {
	client      emaildataplane.EmailDPClient
	compartment string
}

// OCIConfig configures NewOCISender.
type OCIConfig struct {
	CompartmentID string // the approved sender's compartment
	Region        string // overrides the resource principal's region
	Endpoint      string // overrides the service endpoint (tests, private endpoints)
}

// NewOCISender builds the client once per container from the resource principal the platform
// provides. Retries are the outbox's job, so the SDK's are off.
func NewOCISender(cfg OCIConfig) (*OCISender, error) {
	provider, err := auth.ResourcePrincipalConfigurationProvider()
	if err != nil {
		return nil, fmt.Errorf("notify: oci email: resource principal: %w", err)
	}
	client, err := emaildataplane.NewEmailDPClientWithConfigurationProvider(provider)
	if err != nil {
		return nil, fmt.Errorf("notify: oci email: new client: %w", err)
	}
	if cfg.Region != "" {
		client.SetRegion(cfg.Region)
	}
	if cfg.Endpoint != "" {
		client.Host = cfg.Endpoint
	}
	policy := common.NoRetryPolicy()
	client.SetCustomClientConfiguration(common.CustomClientConfiguration{RetryPolicy: &policy})
	return &OCISender{client: client, compartment: cfg.CompartmentID}, nil
}

// Send submits m.
func (o *OCISender) Send(ctx context.Context, m Message) error {
	size := int64(len(m.Raw))
	_, err := o.client.SubmitRawEmail(ctx, emaildataplane.SubmitRawEmailRequest{
		ContentType:   emaildataplane.SubmitRawEmailContentTypeRfc822,
		CompartmentId: &o.compartment,
		Sender:        &m.From,
		Recipients:    []string{m.To},
		RawMessage:    io.NopCloser(bytes.NewReader(m.Raw)),
		ContentLength: &size,
	})
	if err != nil {
		if se, ok := common.IsServiceError(err); ok {
			return fmt.Errorf("notify: oci email: HTTP %d %s", se.GetHTTPStatusCode(), se.GetCode())
		}
		return fmt.Errorf("notify: oci email: %w", err)
	}
	return nil
}
