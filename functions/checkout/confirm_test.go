package checkout

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/octo-drone-shop/serverless/shared/dbtest"
	"github.com/octo-drone-shop/serverless/shared/notify"
	"github.com/octo-drone-shop/serverless/shared/notify/notifytest"
)

// mailingFixture is the checkout with order confirmations on, delivering into a mail directory at
// once (the kick runs in the request, so a test reads the file right after the answer).
func mailingFixture(t *testing.T) (fixture, string) {
	t.Helper()
	d := dbtest.Open(t, dbtest.Options{Seed: true})
	dir := t.TempDir()
	cfg := notifytest.Config(t, dir)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	drainer, err := cfg.NewDrainer(d.DB, log)
	if err != nil {
		t.Fatal(err)
	}
	kick := notify.KickFunc(func(ids ...int64) {
		if _, err := drainer.Send(context.Background(), ids...); err != nil {
			t.Error(err)
		}
	})
	h, err := New(d.DB, log, WithNotifications(cfg, kick), WithVerifier(dbtest.NewTokens(t).Verifier))
	if err != nil {
		t.Fatal(err)
	}
	return fixture{db: d, h: h}, dir
}

func TestCheckoutMailsTheOrderLinkOnce(t *testing.T) {
	f, dir := mailingFixture(t)
	p := f.product(t, "MAIL-1", 7900, 5)
	a := f.checkout(t, "mail-key-0001", body(f.cart(t, map[int64]int64{p: 1}), "Mail.Buyer@Example.com", ""))
	if a.status != http.StatusCreated {
		t.Fatalf("%d %s", a.status, a.raw)
	}
	if r := f.checkout(t, "mail-key-0001", body(f.cart(t, map[int64]int64{p: 1}), "Mail.Buyer@Example.com", "")); r.status == http.StatusCreated {
		t.Fatalf("replay created an order")
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.eml"))
	if len(files) != 1 {
		t.Fatalf("%d messages, want one confirmation", len(files))
	}
	raw, _ := os.ReadFile(files[0])
	link := "http://localhost:8080/orders/" + strconv.FormatInt(a.result.Order.ID, 10) + "?token=" + a.result.OrderToken
	if !strings.Contains(string(raw), link) || !strings.Contains(string(raw), "To: <Mail.Buyer@Example.com>") {
		t.Fatalf("confirmation lacks %s:\n%s", link, raw)
	}
}

func TestFailedCheckoutMailsNothing(t *testing.T) {
	f, dir := mailingFixture(t)
	p := f.product(t, "MAIL-2", 7900, 1)
	if a := f.checkout(t, "mail-key-0002", body(f.cart(t, map[int64]int64{p: 2}), "short@example.com", "")); a.status != http.StatusConflict {
		t.Fatalf("%d %s, want 409 out_of_stock", a.status, a.raw)
	}
	if n := f.db.Int(t, `SELECT COUNT(*) FROM notification_outbox`); n != 0 {
		t.Fatalf("%d outbox rows after a rolled-back checkout", n)
	}
	if files, _ := filepath.Glob(filepath.Join(dir, "*.eml")); len(files) != 0 {
		t.Fatalf("mailed %v", files)
	}
}
