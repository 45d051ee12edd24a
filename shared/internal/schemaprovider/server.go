package schemaprovider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-go/tfprotov5"
)

// Server is a tfprotov5.ProviderServer that serves Schemas for validation and nothing else.
type Server struct {
	name    string
	schemas *Schemas
}

// NewServer returns a server for schemas; name (the provider's source address) appears in the error
// every non-validating RPC answers.
func NewServer(name string, schemas *Schemas) *Server {
	return &Server{name: name, schemas: schemas}
}

var _ tfprotov5.ProviderServer = (*Server)(nil)

// onlyValidates is the answer of every RPC that would need the real provider.
func (s *Server) onlyValidates(rpc string) []*tfprotov5.Diagnostic {
	return []*tfprotov5.Diagnostic{{
		Severity: tfprotov5.DiagnosticSeverityError,
		Summary:  "This " + s.name + " plugin only validates",
		Detail: rpc + " is not served: this plugin serves the provider's published schema so that " +
			"`tofu validate` can run offline. Install the real provider to plan, apply, read or import.",
	}}
}

// GetMetadata lists the resource and data source types.
func (s *Server) GetMetadata(context.Context, *tfprotov5.GetMetadataRequest) (*tfprotov5.GetMetadataResponse, error) {
	resp := &tfprotov5.GetMetadataResponse{ServerCapabilities: &tfprotov5.ServerCapabilities{}}
	for _, name := range sortedKeys(s.schemas.Resources) {
		resp.Resources = append(resp.Resources, tfprotov5.ResourceMetadata{TypeName: name})
	}
	for _, name := range sortedKeys(s.schemas.DataSources) {
		resp.DataSources = append(resp.DataSources, tfprotov5.DataSourceMetadata{TypeName: name})
	}
	return resp, nil
}

// GetProviderSchema answers the whole schema.
func (s *Server) GetProviderSchema(context.Context, *tfprotov5.GetProviderSchemaRequest) (*tfprotov5.GetProviderSchemaResponse, error) {
	return &tfprotov5.GetProviderSchemaResponse{
		ServerCapabilities: &tfprotov5.ServerCapabilities{},
		Provider:           s.schemas.Provider,
		ResourceSchemas:    s.schemas.Resources,
		DataSourceSchemas:  s.schemas.DataSources,
	}, nil
}

// GetResourceIdentitySchemas answers none: the published schema has no resource identities.
func (s *Server) GetResourceIdentitySchemas(context.Context, *tfprotov5.GetResourceIdentitySchemasRequest) (*tfprotov5.GetResourceIdentitySchemasResponse, error) {
	return &tfprotov5.GetResourceIdentitySchemasResponse{}, nil
}

// The Validate RPCs come after OpenTofu has checked the configuration against the schema itself. They
// answer what the provider's SDK derives from the schema alone (a read-only argument set is an error,
// a deprecated argument or type a warning; see schemaChecks) and nothing else: the provider's own validators (ValidateFunc, ConflictsWith,
// ExactlyOneOf, AtLeastOneOf, RequiredWith, CustomizeDiff) are code, not schema, and do not run here.

// PrepareProviderConfig (protocol 5's ValidateProviderConfig) returns the configuration unchanged.
func (s *Server) PrepareProviderConfig(_ context.Context, req *tfprotov5.PrepareProviderConfigRequest) (*tfprotov5.PrepareProviderConfigResponse, error) {
	return &tfprotov5.PrepareProviderConfigResponse{PreparedConfig: req.Config,
		Diagnostics: schemaChecks(s.schemas.Provider, req.Config)}, nil
}

// ValidateResourceTypeConfig answers schemaChecks for the resource type.
func (s *Server) ValidateResourceTypeConfig(_ context.Context, req *tfprotov5.ValidateResourceTypeConfigRequest) (*tfprotov5.ValidateResourceTypeConfigResponse, error) {
	return &tfprotov5.ValidateResourceTypeConfigResponse{
		Diagnostics: s.validate("resource", s.schemas.Resources, req.TypeName, req.Config)}, nil
}

// ValidateDataSourceConfig answers schemaChecks for the data source type.
func (s *Server) ValidateDataSourceConfig(_ context.Context, req *tfprotov5.ValidateDataSourceConfigRequest) (*tfprotov5.ValidateDataSourceConfigResponse, error) {
	return &tfprotov5.ValidateDataSourceConfigResponse{
		Diagnostics: s.validate("data source", s.schemas.DataSources, req.TypeName, req.Config)}, nil
}

func (s *Server) validate(kind string, schemas map[string]*tfprotov5.Schema, typeName string, config *tfprotov5.DynamicValue) []*tfprotov5.Diagnostic {
	schema, ok := schemas[typeName]
	if !ok {
		return []*tfprotov5.Diagnostic{{Severity: tfprotov5.DiagnosticSeverityError,
			Summary: "Unknown " + kind + " type", Detail: s.name + " has no " + kind + " type " + typeName + "."}}
	}
	return schemaChecks(schema, config)
}

// ValidateEphemeralResourceConfig answers no diagnostics (the schema has no ephemeral resources, so
// OpenTofu refuses any before asking).
func (s *Server) ValidateEphemeralResourceConfig(context.Context, *tfprotov5.ValidateEphemeralResourceConfigRequest) (*tfprotov5.ValidateEphemeralResourceConfigResponse, error) {
	return &tfprotov5.ValidateEphemeralResourceConfigResponse{}, nil
}

// ConfigureProvider fails: a configured provider is one about to read or change infrastructure.
func (s *Server) ConfigureProvider(context.Context, *tfprotov5.ConfigureProviderRequest) (*tfprotov5.ConfigureProviderResponse, error) {
	return &tfprotov5.ConfigureProviderResponse{Diagnostics: s.onlyValidates("ConfigureProvider")}, nil
}

// StopProvider has nothing to stop.
func (s *Server) StopProvider(context.Context, *tfprotov5.StopProviderRequest) (*tfprotov5.StopProviderResponse, error) {
	return &tfprotov5.StopProviderResponse{}, nil
}

// UpgradeResourceState fails: it reads state.
func (s *Server) UpgradeResourceState(context.Context, *tfprotov5.UpgradeResourceStateRequest) (*tfprotov5.UpgradeResourceStateResponse, error) {
	return &tfprotov5.UpgradeResourceStateResponse{Diagnostics: s.onlyValidates("UpgradeResourceState")}, nil
}

// ReadResource fails.
func (s *Server) ReadResource(context.Context, *tfprotov5.ReadResourceRequest) (*tfprotov5.ReadResourceResponse, error) {
	return &tfprotov5.ReadResourceResponse{Diagnostics: s.onlyValidates("ReadResource")}, nil
}

// PlanResourceChange fails.
func (s *Server) PlanResourceChange(context.Context, *tfprotov5.PlanResourceChangeRequest) (*tfprotov5.PlanResourceChangeResponse, error) {
	return &tfprotov5.PlanResourceChangeResponse{Diagnostics: s.onlyValidates("PlanResourceChange")}, nil
}

// ApplyResourceChange fails.
func (s *Server) ApplyResourceChange(context.Context, *tfprotov5.ApplyResourceChangeRequest) (*tfprotov5.ApplyResourceChangeResponse, error) {
	return &tfprotov5.ApplyResourceChangeResponse{Diagnostics: s.onlyValidates("ApplyResourceChange")}, nil
}

// ImportResourceState fails.
func (s *Server) ImportResourceState(context.Context, *tfprotov5.ImportResourceStateRequest) (*tfprotov5.ImportResourceStateResponse, error) {
	return &tfprotov5.ImportResourceStateResponse{Diagnostics: s.onlyValidates("ImportResourceState")}, nil
}

// MoveResourceState fails.
func (s *Server) MoveResourceState(context.Context, *tfprotov5.MoveResourceStateRequest) (*tfprotov5.MoveResourceStateResponse, error) {
	return &tfprotov5.MoveResourceStateResponse{Diagnostics: s.onlyValidates("MoveResourceState")}, nil
}

// UpgradeResourceIdentity fails.
func (s *Server) UpgradeResourceIdentity(context.Context, *tfprotov5.UpgradeResourceIdentityRequest) (*tfprotov5.UpgradeResourceIdentityResponse, error) {
	return &tfprotov5.UpgradeResourceIdentityResponse{Diagnostics: s.onlyValidates("UpgradeResourceIdentity")}, nil
}

// GenerateResourceConfig fails.
func (s *Server) GenerateResourceConfig(context.Context, *tfprotov5.GenerateResourceConfigRequest) (*tfprotov5.GenerateResourceConfigResponse, error) {
	return &tfprotov5.GenerateResourceConfigResponse{Diagnostics: s.onlyValidates("GenerateResourceConfig")}, nil
}

// ReadDataSource fails.
func (s *Server) ReadDataSource(context.Context, *tfprotov5.ReadDataSourceRequest) (*tfprotov5.ReadDataSourceResponse, error) {
	return &tfprotov5.ReadDataSourceResponse{Diagnostics: s.onlyValidates("ReadDataSource")}, nil
}

// OpenEphemeralResource fails.
func (s *Server) OpenEphemeralResource(context.Context, *tfprotov5.OpenEphemeralResourceRequest) (*tfprotov5.OpenEphemeralResourceResponse, error) {
	return &tfprotov5.OpenEphemeralResourceResponse{Diagnostics: s.onlyValidates("OpenEphemeralResource")}, nil
}

// RenewEphemeralResource fails.
func (s *Server) RenewEphemeralResource(context.Context, *tfprotov5.RenewEphemeralResourceRequest) (*tfprotov5.RenewEphemeralResourceResponse, error) {
	return &tfprotov5.RenewEphemeralResourceResponse{Diagnostics: s.onlyValidates("RenewEphemeralResource")}, nil
}

// CloseEphemeralResource fails.
func (s *Server) CloseEphemeralResource(context.Context, *tfprotov5.CloseEphemeralResourceRequest) (*tfprotov5.CloseEphemeralResourceResponse, error) {
	return &tfprotov5.CloseEphemeralResourceResponse{Diagnostics: s.onlyValidates("CloseEphemeralResource")}, nil
}

// GetFunctions answers none: the published schema has no provider functions.
func (s *Server) GetFunctions(context.Context, *tfprotov5.GetFunctionsRequest) (*tfprotov5.GetFunctionsResponse, error) {
	return &tfprotov5.GetFunctionsResponse{}, nil
}

// CallFunction fails (no function exists to call).
func (s *Server) CallFunction(context.Context, *tfprotov5.CallFunctionRequest) (*tfprotov5.CallFunctionResponse, error) {
	return &tfprotov5.CallFunctionResponse{Error: &tfprotov5.FunctionError{Text: s.onlyValidates("CallFunction")[0].Detail}}, nil
}
