package stacktest

import (
	"slices"
	"testing"
)

func TestEnvironmentDropsTokenKeysAndAppliesOverrides(t *testing.T) {
	got := environment(
		[]string{"PATH=/bin", "OCTO_TOKEN_SIGNING_KEY=secret", "OCTO_CORS_ORIGINS=*", "HOME=/root"},
		[]string{"OCTO_CORS_ORIGINS=https://shop.example.com"})
	want := []string{"PATH=/bin", "HOME=/root", "OCTO_CORS_ORIGINS=https://shop.example.com"}
	if !slices.Equal(got, want) {
		t.Fatalf("environment = %v, want %v", got, want)
	}
}
