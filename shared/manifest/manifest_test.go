package manifest

import "testing"

func TestMergeDefaults(t *testing.T) {
	d := Function{SchemaVersion: 20180708, Version: "1.2.3", Runtime: "docker", Memory: 128, Timeout: 10,
		Config: map[string]string{"A": "default", "B": "default"}}
	f := Merge(d, Function{Name: "x", Memory: 512, Config: map[string]string{"B": "own"}})
	if f.Version != "1.2.3" || f.Memory != 512 || f.Timeout != 10 || f.Runtime != "docker" {
		t.Errorf("merged = %+v", f)
	}
	if f.Config["A"] != "default" || f.Config["B"] != "own" {
		t.Errorf("config = %v, want A from defaults and B overridden", f.Config)
	}
	if d.Config["B"] != "default" {
		t.Error("Merge modified the defaults' config map")
	}
}
