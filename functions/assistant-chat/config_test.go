package assistantchat

import (
	"testing"
	"time"
)

func TestConfigFromEnv(t *testing.T) {
	env := func(kv map[string]string) func(string) string { return func(k string) string { return kv[k] } }
	c, err := ConfigFromEnv(env(nil))
	if err != nil || c.GenAI.Configured() || c.GenAI.APIFormat != FormatCohere || c.GenAI.Timeout != defaultTimeout || c.TraceContent {
		t.Fatalf("defaults %+v %v", c, err)
	}
	c, err = ConfigFromEnv(env(map[string]string{EnvModelID: "meta.llama-3.3-70b-instruct", EnvCompartment: "ocid1.compartment.oc1..x",
		EnvAPIFormat: "generic", EnvTimeout: "12", EnvTraceContent: "true", EnvCatalogTTL: "5"}))
	if err != nil || !c.GenAI.Configured() || c.GenAI.APIFormat != FormatGeneric || c.GenAI.Timeout != 12*time.Second ||
		!c.TraceContent || c.CatalogTTL != 5*time.Second {
		t.Fatalf("configured %+v %v", c, err)
	}
	for name, kv := range map[string]map[string]string{
		"model without compartment": {EnvModelID: "m"},
		"unknown format":            {EnvAPIFormat: "openai"},
		"timeout past the deadline": {EnvTimeout: "59"},
		"timeout not a number":      {EnvTimeout: "20s"},
		"trace content not a bool":  {EnvTraceContent: "yes"},
		"negative ttl":              {EnvCatalogTTL: "-1"},
	} {
		if _, err := ConfigFromEnv(env(kv)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestCatalogIsCachedForItsTTL(t *testing.T) {
	f := newFixture(t, nil, localConfig())
	now := time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)
	c := &catalog{db: f.db.DB, ttl: time.Minute, now: func() time.Time { return now }}
	first, err := c.get(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	f.db.Exec(t, `UPDATE products SET is_active = 0 WHERE sku = 'PLD-TH640-RAD'`)
	if again, _ := c.get(t.Context()); again != first {
		t.Fatal("reloaded within the TTL")
	}
	now = now.Add(time.Minute)
	reloaded, err := c.get(t.Context())
	if err != nil || reloaded == first {
		t.Fatalf("not reloaded after the TTL: %v", err)
	}
	for _, h := range retrieve(reloaded, "thermal camera", "", nil) {
		if h.Product.SKU == "PLD-TH640-RAD" {
			t.Fatal("a withdrawn product is still cited")
		}
	}
}
