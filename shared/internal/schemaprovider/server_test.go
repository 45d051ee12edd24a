package schemaprovider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov5"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

func tinyServer(t *testing.T) *Server {
	t.Helper()
	s, err := Parse([]byte(tinyDoc), "oracle/oci")
	if err != nil {
		t.Fatal(err)
	}
	return NewServer("registry.opentofu.org/oracle/oci", s)
}

// config builds an oci_thing configuration: name set, state and the rule's id as given (nil = unset).
func config(t *testing.T, srv *Server, state, ruleID any) *tfprotov5.DynamicValue {
	t.Helper()
	return configWith(t, srv, state, ruleID, nil)
}

// configWith is config with the deprecated argument secret as given too.
func configWith(t *testing.T, srv *Server, state, ruleID, secret any) *tfprotov5.DynamicValue {
	t.Helper()
	ty := srv.schemas.Resources["oci_thing"].ValueType().(tftypes.Object)
	ruleTy := ty.AttributeTypes["rule"].(tftypes.List).ElementType.(tftypes.Object)
	vals := map[string]tftypes.Value{}
	for name, at := range ty.AttributeTypes {
		vals[name] = tftypes.NewValue(at, nil)
	}
	vals["name"] = tftypes.NewValue(tftypes.String, "x")
	vals["state"] = tftypes.NewValue(tftypes.String, state)
	vals["secret"] = tftypes.NewValue(tftypes.String, secret)
	vals["rule"] = tftypes.NewValue(ty.AttributeTypes["rule"], []tftypes.Value{tftypes.NewValue(ruleTy,
		map[string]tftypes.Value{"port": tftypes.NewValue(tftypes.Number, 443), "id": tftypes.NewValue(tftypes.String, ruleID)})})
	dv, err := tfprotov5.NewDynamicValue(ty, tftypes.NewValue(ty, vals))
	if err != nil {
		t.Fatal(err)
	}
	return &dv
}

func TestValidateAnswersSchemaChecks(t *testing.T) {
	srv := tinyServer(t)
	ctx := context.Background()
	validate := func(cfg *tfprotov5.DynamicValue) []*tfprotov5.Diagnostic {
		resp, err := srv.ValidateResourceTypeConfig(ctx, &tfprotov5.ValidateResourceTypeConfigRequest{TypeName: "oci_thing", Config: cfg})
		if err != nil {
			t.Fatal(err)
		}
		return resp.Diagnostics
	}
	if d := validate(config(t, srv, nil, nil)); len(d) != 0 {
		t.Errorf("valid configuration: %+v", d[0])
	}
	d := validate(config(t, srv, "ACTIVE", "r1"))
	if len(d) != 2 {
		t.Fatalf("got %d diagnostics, want state and rule[0].id", len(d))
	}
	for i, want := range []string{`"state"`, `"id"`} {
		if d[i].Severity != tfprotov5.DiagnosticSeverityError || d[i].Summary != "Value for unconfigurable attribute" ||
			!strings.Contains(d[i].Detail, want) {
			t.Errorf("diagnostic %d: %+v, want %s", i, d[i], want)
		}
	}
	if want := tftypes.NewAttributePath().WithAttributeName("rule").WithElementKeyInt(0).WithAttributeName("id"); !d[1].Attribute.Equal(want) {
		t.Errorf("path %s, want %s", d[1].Attribute, want)
	}
	// An unknown value (a reference to something not yet created) is set too.
	if d := validate(config(t, srv, tftypes.UnknownValue, nil)); len(d) != 1 {
		t.Errorf("unknown state: %d diagnostics, want 1", len(d))
	}
	d = validate(configWith(t, srv, nil, nil, "s"))
	if len(d) != 1 || d[0].Severity != tfprotov5.DiagnosticSeverityWarning || d[0].Summary != "Argument is deprecated" ||
		!d[0].Attribute.Equal(tftypes.NewAttributePath().WithAttributeName("secret")) {
		t.Errorf("deprecated argument: %+v, want one warning", d)
	}
	srv.schemas.Resources["oci_thing"].Block.Deprecated = true
	d = validate(config(t, srv, nil, nil))
	if len(d) != 1 || d[0].Severity != tfprotov5.DiagnosticSeverityWarning || d[0].Summary != "Deprecated Resource" {
		t.Errorf("deprecated type: %+v, want one warning", d)
	}
	resp, _ := srv.ValidateDataSourceConfig(ctx, &tfprotov5.ValidateDataSourceConfigRequest{TypeName: "oci_nothing"})
	if len(resp.Diagnostics) != 1 || resp.Diagnostics[0].Severity != tfprotov5.DiagnosticSeverityError {
		t.Errorf("unknown data source: %+v", resp.Diagnostics)
	}
}

func TestServerOnlyValidates(t *testing.T) {
	srv := tinyServer(t)
	ctx := context.Background()
	schema, err := srv.GetProviderSchema(ctx, &tfprotov5.GetProviderSchemaRequest{})
	if err != nil || schema.ResourceSchemas["oci_thing"] == nil || schema.DataSourceSchemas["oci_things"] == nil || schema.Provider == nil {
		t.Fatalf("schema: %+v %v", schema, err)
	}
	meta, _ := srv.GetMetadata(ctx, &tfprotov5.GetMetadataRequest{})
	if len(meta.Resources) != 1 || meta.Resources[0].TypeName != "oci_thing" || len(meta.DataSources) != 1 {
		t.Errorf("metadata: %+v", meta)
	}
	pty := srv.schemas.Provider.ValueType()
	pcfg, err := tfprotov5.NewDynamicValue(pty, tftypes.NewValue(pty, map[string]tftypes.Value{"region": tftypes.NewValue(tftypes.String, "eu-frankfurt-1")}))
	if err != nil {
		t.Fatal(err)
	}
	cfg := &pcfg
	prep, _ := srv.PrepareProviderConfig(ctx, &tfprotov5.PrepareProviderConfigRequest{Config: cfg})
	if prep.PreparedConfig != cfg || len(prep.Diagnostics) != 0 {
		t.Errorf("prepare: %+v", prep)
	}
	plan, _ := srv.PlanResourceChange(ctx, &tfprotov5.PlanResourceChangeRequest{TypeName: "oci_thing"})
	apply, _ := srv.ApplyResourceChange(ctx, &tfprotov5.ApplyResourceChangeRequest{TypeName: "oci_thing"})
	read, _ := srv.ReadResource(ctx, &tfprotov5.ReadResourceRequest{TypeName: "oci_thing"})
	data, _ := srv.ReadDataSource(ctx, &tfprotov5.ReadDataSourceRequest{TypeName: "oci_things"})
	conf, _ := srv.ConfigureProvider(ctx, &tfprotov5.ConfigureProviderRequest{})
	imp, _ := srv.ImportResourceState(ctx, &tfprotov5.ImportResourceStateRequest{TypeName: "oci_thing"})
	for name, d := range map[string][]*tfprotov5.Diagnostic{"plan": plan.Diagnostics, "apply": apply.Diagnostics,
		"read": read.Diagnostics, "read data source": data.Diagnostics, "configure": conf.Diagnostics, "import": imp.Diagnostics} {
		if len(d) != 1 || d[0].Severity != tfprotov5.DiagnosticSeverityError || !strings.Contains(d[0].Summary, "only validates") {
			t.Errorf("%s: %+v, want an only-validates error", name, d)
		}
	}
}
