package schemaprovider

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov5"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

func TestParseType(t *testing.T) {
	for _, c := range []struct {
		json string
		want tftypes.Type
	}{
		{`"string"`, tftypes.String},
		{`"number"`, tftypes.Number},
		{`"bool"`, tftypes.Bool},
		{`"dynamic"`, tftypes.DynamicPseudoType},
		{`["list","string"]`, tftypes.List{ElementType: tftypes.String}},
		{`["set",["map","number"]]`, tftypes.Set{ElementType: tftypes.Map{ElementType: tftypes.Number}}},
		{`["object",{"a":"string","b":["list","bool"]}]`, tftypes.Object{AttributeTypes: map[string]tftypes.Type{
			"a": tftypes.String, "b": tftypes.List{ElementType: tftypes.Bool}}}},
		{`["object",{"a":"string","b":"number"},["b"]]`, tftypes.Object{
			AttributeTypes:     map[string]tftypes.Type{"a": tftypes.String, "b": tftypes.Number},
			OptionalAttributes: map[string]struct{}{"b": {}}}},
		{`["tuple",["string","number"]]`, tftypes.Tuple{ElementTypes: []tftypes.Type{tftypes.String, tftypes.Number}}},
	} {
		got, err := ParseType(json.RawMessage(c.json))
		if err != nil {
			t.Errorf("%s: %v", c.json, err)
			continue
		}
		if !got.Equal(c.want) {
			t.Errorf("%s: got %s, want %s", c.json, got, c.want)
		}
	}
	for _, bad := range []string{`"text"`, `["list"]`, `["list","string","x"]`, `["vector","string"]`,
		`["object",["a"]]`, `["object",{"a":"string"},["b"]]`, `["tuple","string"]`, `42`} {
		if got, err := ParseType(json.RawMessage(bad)); err == nil {
			t.Errorf("%s: got %s, want an error", bad, got)
		}
	}
}

const tinyDoc = `{"format_version":"1.0","provider_schemas":{"registry.opentofu.org/oracle/oci":{
 "provider":{"version":0,"block":{"attributes":{"region":{"type":"string","optional":true}}}},
 "resource_schemas":{"oci_thing":{"version":2,"block":{
  "attributes":{
   "name":{"type":"string","required":true,"description":"Its name.","description_kind":"markdown"},
   "size":{"type":"number","optional":true,"computed":true},
   "state":{"type":"string","computed":true},
   "secret":{"type":"string","optional":true,"sensitive":true,"deprecated":true}},
  "block_types":{
   "rule":{"nesting_mode":"list","min_items":1,"max_items":3,"block":{"attributes":{
    "port":{"type":"number","required":true},"id":{"type":"string","computed":true}}}},
   "tag":{"nesting_mode":"set","block":{"attributes":{"k":{"type":"string","optional":true}}}},
   "timeouts":{"nesting_mode":"single","block":{"attributes":{"create":{"type":"string","optional":true}}}}}}}},
 "data_source_schemas":{"oci_things":{"version":0,"block":{"attributes":{
  "items":{"type":["list",["object",{"name":"string"}]],"computed":true},
  "compartment_id":{"type":"string","required":true}}}}}}}}`

func TestParseConvertsBlocks(t *testing.T) {
	s, err := Parse([]byte(tinyDoc), "oracle/oci")
	if err != nil {
		t.Fatal(err)
	}
	r := s.Resources["oci_thing"]
	if r == nil || r.Version != 2 || len(r.Block.Attributes) != 4 || len(r.Block.BlockTypes) != 3 {
		t.Fatalf("oci_thing: %+v", r)
	}
	attrs := map[string]*tfprotov5.SchemaAttribute{}
	for _, a := range r.Block.Attributes {
		attrs[a.Name] = a
	}
	if a := attrs["name"]; !a.Required || a.Optional || a.Computed || a.Description != "Its name." ||
		a.DescriptionKind != tfprotov5.StringKindMarkdown || !a.Type.Equal(tftypes.String) {
		t.Errorf("name: %+v", a)
	}
	if a := attrs["size"]; a.Required || !a.Optional || !a.Computed || !a.Type.Equal(tftypes.Number) {
		t.Errorf("size: %+v", a)
	}
	if a := attrs["state"]; a.Required || a.Optional || !a.Computed {
		t.Errorf("state: %+v", a)
	}
	if a := attrs["secret"]; !a.Sensitive || !a.Deprecated {
		t.Errorf("secret: %+v", a)
	}
	blocks := map[string]*tfprotov5.SchemaNestedBlock{}
	for _, b := range r.Block.BlockTypes {
		blocks[b.TypeName] = b
	}
	if b := blocks["rule"]; b.Nesting != tfprotov5.SchemaNestedBlockNestingModeList || b.MinItems != 1 ||
		b.MaxItems != 3 || len(b.Block.Attributes) != 2 {
		t.Errorf("rule: %+v", b)
	}
	if b := blocks["tag"]; b.Nesting != tfprotov5.SchemaNestedBlockNestingModeSet {
		t.Errorf("tag: %+v", b)
	}
	if b := blocks["timeouts"]; b.Nesting != tfprotov5.SchemaNestedBlockNestingModeSingle {
		t.Errorf("timeouts: %+v", b)
	}
	want := tftypes.List{ElementType: tftypes.Object{AttributeTypes: map[string]tftypes.Type{"name": tftypes.String}}}
	if d := s.DataSources["oci_things"]; d == nil || d.Block.Attributes[1].Name != "items" || !d.Block.Attributes[1].Type.Equal(want) {
		t.Errorf("oci_things: %+v", d)
	}
	if p := s.Provider; p == nil || len(p.Block.Attributes) != 1 || !p.Block.Attributes[0].Optional {
		t.Errorf("provider: %+v", p)
	}
}

func TestParseRefuses(t *testing.T) {
	for _, c := range []struct{ name, doc, want string }{
		{"no such provider", `{"provider_schemas":{"registry.opentofu.org/hashicorp/aws":{}}}`, "found 0"},
		{"functions", `{"provider_schemas":{"oracle/oci":{"functions":{"f":{}}}}}`, "functions"},
		{"nesting mode", `{"provider_schemas":{"oracle/oci":{"resource_schemas":{"r":{"block":{"block_types":{
			"b":{"nesting_mode":"tree","block":{}}}}}}}}}`, `nesting mode "tree"`},
		{"no flags", `{"provider_schemas":{"oracle/oci":{"resource_schemas":{"r":{"block":{"attributes":{
			"a":{"type":"string"}}}}}}}}`, "attribute a"},
		{"bad type", `{"provider_schemas":{"oracle/oci":{"data_source_schemas":{"d":{"block":{"attributes":{
			"a":{"type":"text","optional":true}}}}}}}}`, "data source d"},
	} {
		_, err := Parse([]byte(c.doc), "oracle/oci")
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want an error mentioning %q", c.name, err, c.want)
		}
	}
}

// TestRealSchema converts the whole oracle/oci 8.28.0 schema the bundle validates against.
func TestRealSchema(t *testing.T) {
	path := os.Getenv("OCTO_OCI_SCHEMA")
	if path == "" {
		path = filepath.Join("..", "..", "..", "..", "shared", "terraform", "oci-provider-schema.json")
	}
	s, err := LoadFile(path, "oracle/oci")
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Resources) < 1000 || len(s.DataSources) < 2000 {
		t.Errorf("%d resources, %d data sources: want the whole provider", len(s.Resources), len(s.DataSources))
	}
	log := s.Resources["oci_logging_log"]
	if log == nil {
		t.Fatal("no oci_logging_log")
	}
	found := false
	for _, a := range log.Block.Attributes {
		if a.Name == "log_type" {
			found = a.Required && a.Type.Equal(tftypes.String)
		}
	}
	if !found {
		t.Error("oci_logging_log.log_type is not a required string")
	}
}
