package telemetry

import (
	"context"
	"fmt"
	"strconv"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/sdk/resource"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
)

// DefaultServiceName is service.name, and the database session MODULE, when nothing else names it.
const DefaultServiceName = "octo-drone-shop"

// cloudProvider is cloud.provider as the issue asks for it. OTel semantic conventions' well-known
// value for Oracle Cloud is "oracle_cloud" (semconv.CloudProviderOracleCloud).
const cloudProvider = "oci"

// first returns the first non-empty value.
func first(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}

// newResource describes the function. Precedence, lowest first: what the platform's environment says
// (FN_*, AWS_LAMBDA_*), OTEL_RESOURCE_ATTRIBUTES, then OTEL_SERVICE_NAME and the explicit Config.
func newResource(ctx context.Context, cfg Config, getenv func(string) string) (*resource.Resource, string, error) {
	fromEnv, err := resourceAttributesFromEnv(getenv)
	if err != nil {
		return nil, "", err
	}
	envService := ""
	for _, kv := range fromEnv {
		if kv.Key == semconv.ServiceNameKey {
			envService = kv.Value.AsString()
		}
	}
	service := first(cfg.ServiceName, getenv("OTEL_SERVICE_NAME"), envService, DefaultServiceName)

	platform := []attribute.KeyValue{semconv.CloudProviderKey.String(cloudProvider)}
	add := func(key attribute.Key, value string) {
		if value != "" {
			platform = append(platform, key.String(value))
		}
	}
	// OCI Functions: FN_FN_ID is the function OCID, FN_APP_NAME the application, FN_MEMORY in MB.
	add(semconv.FaaSNameKey, first(getenv("FN_FN_NAME"), getenv("AWS_LAMBDA_FUNCTION_NAME")))
	add(semconv.FaaSVersionKey, getenv("AWS_LAMBDA_FUNCTION_VERSION"))
	add(semconv.FaaSInstanceKey, first(getenv("AWS_LAMBDA_LOG_STREAM_NAME"), getenv("HOSTNAME")))
	add(semconv.CloudResourceIDKey, getenv("FN_FN_ID"))
	add(semconv.ServiceNamespaceKey, getenv("FN_APP_NAME"))
	add(semconv.CloudRegionKey, first(getenv("OCI_RESOURCE_PRINCIPAL_REGION"), getenv("AWS_REGION")))
	if mb, err := strconv.Atoi(first(getenv("FN_MEMORY"), getenv("AWS_LAMBDA_FUNCTION_MEMORY_SIZE"))); err == nil && mb > 0 {
		platform = append(platform, semconv.FaaSMaxMemory(mb*1024*1024))
	}

	explicit := []attribute.KeyValue{semconv.ServiceName(service)}
	if cfg.FunctionName != "" {
		explicit = append(explicit, semconv.FaaSName(cfg.FunctionName))
	}
	if cfg.FunctionVersion != "" {
		explicit = append(explicit, semconv.FaaSVersion(cfg.FunctionVersion), semconv.ServiceVersion(cfg.FunctionVersion))
	}
	if cfg.Region != "" {
		explicit = append(explicit, semconv.CloudRegion(cfg.Region))
	}

	// Later attributes with the same key win inside resource.New.
	attrs := append(append(platform, fromEnv...), explicit...)
	res, err := resource.New(ctx,
		resource.WithSchemaURL(semconv.SchemaURL),
		resource.WithTelemetrySDK(),
		resource.WithAttributes(attrs...),
	)
	if err != nil {
		return nil, "", fmt.Errorf("resource: %w", err)
	}
	return res, service, nil
}
