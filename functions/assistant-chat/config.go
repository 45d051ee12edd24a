package assistantchat

import (
	"fmt"
	"strconv"
	"time"
)

// Configuration variables (function config on OCI, the environment locally).
const (
	EnvModelID       = "OCTO_GENAI_MODEL_ID"         // e.g. cohere.command-r-plus-08-2024; empty: local answers only
	EnvCompartment   = "OCTO_GENAI_COMPARTMENT_OCID" // the compartment the inference is billed to
	EnvEndpoint      = "OCTO_GENAI_ENDPOINT"         // optional: https://inference.generativeai.<region>.oci.oraclecloud.com
	EnvAPIFormat     = "OCTO_GENAI_API_FORMAT"       // cohere (default) | generic
	EnvTimeout       = "OCTO_GENAI_TIMEOUT_SECONDS"  // default 20, at most 50 (the function's timeout is 60)
	EnvTraceContent  = "OCTO_ASSISTANT_TRACE_CONTENT"
	EnvCatalogTTL    = "OCTO_ASSISTANT_CATALOG_TTL_SECONDS" // default 60
	defaultTimeout   = 20 * time.Second
	maxTimeout       = 50 * time.Second
	defaultCatalogTT = time.Minute
)

// API formats of OCI Generative AI chat.
const (
	FormatCohere  = "cohere"
	FormatGeneric = "generic"
)

// GenAIConfig configures the OCI Generative AI client.
type GenAIConfig struct {
	ModelID       string
	CompartmentID string
	Endpoint      string
	APIFormat     string
	Timeout       time.Duration
}

// Configured reports whether a model is configured; without one every reply is the local answer.
func (c GenAIConfig) Configured() bool { return c.ModelID != "" }

// Config is the function's configuration, read once at cold start.
type Config struct {
	GenAI GenAIConfig
	// TraceContent records messages and replies on spans (gen_ai.prompt / gen_ai.completion events);
	// off by default: content may be personal data.
	TraceContent bool
	// CatalogTTL is how long a container keeps the catalog's index.
	CatalogTTL time.Duration
}

// ConfigFromEnv reads and validates the configuration.
func ConfigFromEnv(getenv func(string) string) (Config, error) {
	c := Config{
		GenAI: GenAIConfig{
			ModelID: getenv(EnvModelID), CompartmentID: getenv(EnvCompartment), Endpoint: getenv(EnvEndpoint),
			APIFormat: getenv(EnvAPIFormat), Timeout: defaultTimeout,
		},
		CatalogTTL: defaultCatalogTT,
	}
	if c.GenAI.APIFormat == "" {
		c.GenAI.APIFormat = FormatCohere
	}
	if c.GenAI.APIFormat != FormatCohere && c.GenAI.APIFormat != FormatGeneric {
		return Config{}, fmt.Errorf("%s must be %s or %s", EnvAPIFormat, FormatCohere, FormatGeneric)
	}
	if c.GenAI.ModelID != "" && c.GenAI.CompartmentID == "" {
		return Config{}, fmt.Errorf("%s is set: %s is required too", EnvModelID, EnvCompartment)
	}
	if v := getenv(EnvTimeout); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || time.Duration(n)*time.Second > maxTimeout {
			return Config{}, fmt.Errorf("%s must be whole seconds from 1 to %d", EnvTimeout, int(maxTimeout/time.Second))
		}
		c.GenAI.Timeout = time.Duration(n) * time.Second
	}
	if v := getenv(EnvCatalogTTL); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > 3600 {
			return Config{}, fmt.Errorf("%s must be whole seconds from 0 to 3600", EnvCatalogTTL)
		}
		c.CatalogTTL = time.Duration(n) * time.Second
	}
	switch v := getenv(EnvTraceContent); v {
	case "", "false", "0":
	case "true", "1":
		c.TraceContent = true
	default:
		return Config{}, fmt.Errorf("%s must be true or false", EnvTraceContent)
	}
	return c, nil
}
