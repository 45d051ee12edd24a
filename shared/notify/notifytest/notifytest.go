// Package notifytest holds what the tests of mail-sending functions share.
package notifytest

import (
	"testing"

	"github.com/octo-drone-shop/serverless/shared/notify"
)

// Config returns the embedded build's mail configuration with its outbox delivered as files into dir
// (OCTO_MAIL_DIR): what a function that sends mail is built with in its tests, which read the
// messages there.
func Config(t testing.TB, dir string) notify.Config {
	t.Helper()
	cfg, err := notify.ConfigFromEnv(func(k string) string {
		return map[string]string{"OCTO_DB_DRIVER": "sqlite", "OCTO_MAIL_DIR": dir}[k]
	})
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}
