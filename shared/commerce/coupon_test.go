package commerce

import (
	"context"
	"database/sql"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/octo-drone-shop/serverless/shared/apperr"
	"github.com/octo-drone-shop/serverless/shared/db"
	"github.com/octo-drone-shop/serverless/shared/dbtest"
)

func codeOf(err error) string {
	var e *apperr.Error
	if errors.As(err, &e) {
		return apperr.PublicOf(err).Code
	}
	return ""
}

func TestNormalizeCode(t *testing.T) {
	for in, want := range map[string]string{" welcome10 ": "WELCOME10", "Save-250_x": "SAVE-250_X"} {
		if got, err := NormalizeCode(in); err != nil || got != want {
			t.Errorf("NormalizeCode(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"", "  ", "-LEADING", "WITH SPACE", "DROP';--", string(make([]byte, 65))} {
		if _, err := NormalizeCode(in); apperr.KindOf(err) != apperr.Invalid {
			t.Errorf("NormalizeCode(%q) error kind = %v, want invalid", in, apperr.KindOf(err))
		}
	}
}

func TestLookupAndCheckSeededCoupons(t *testing.T) {
	d := dbtest.Open(t, dbtest.Options{Seed: true})
	ctx := context.Background()
	now := time.Now()
	for _, tc := range []struct {
		code, wantErr string
		want          Discount
	}{
		{"WELCOME10", "", Discount{PercentHundredths: 1000}},
		{"SAVE250", "", Discount{Amount: 25000}},
		{"LAUNCH50", CodeCouponExhausted, Discount{PercentHundredths: 5000}},
		{"SPRING15", CodeCouponInactive, Discount{PercentHundredths: 1500}},
		{"NOPE", CodeCouponUnknown, Discount{}},
	} {
		t.Run(tc.code, func(t *testing.T) {
			c, err := LookupCoupon(ctx, d, tc.code)
			if err == nil {
				if c.Discount != tc.want {
					t.Errorf("discount = %+v, want %+v", c.Discount, tc.want)
				}
				err = c.Check(now)
			}
			if got := codeOf(err); got != tc.wantErr {
				t.Fatalf("error code = %q (%v), want %q", got, err, tc.wantErr)
			}
			if err != nil && apperr.KindOf(err) != apperr.Unprocessable {
				t.Fatalf("kind = %v, want unprocessable", apperr.KindOf(err))
			}
		})
	}
}

func TestCheckValidityWindow(t *testing.T) {
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	c := Coupon{Code: "WINDOW", Active: true}
	at := func(t time.Time) *time.Time { return &t }
	c.ValidFrom = at(now.Add(time.Hour))
	if got := codeOf(c.Check(now)); got != CodeCouponNotYet {
		t.Fatalf("before valid_from: %q, want %q", got, CodeCouponNotYet)
	}
	c.ValidFrom = at(now.Add(-time.Hour))
	c.ValidUntil = at(now)
	if got := codeOf(c.Check(now)); got != CodeCouponExpired {
		t.Fatalf("at valid_until: %q, want %q", got, CodeCouponExpired)
	}
	c.ValidUntil = at(now.Add(time.Second))
	if err := c.Check(now); err != nil {
		t.Fatalf("inside the window: %v", err)
	}
}

// TestUseCouponNeverExceedsMaxUses races more uses than a coupon has left on a pool of several
// connections: exactly the uses left succeed.
func TestUseCouponNeverExceedsMaxUses(t *testing.T) {
	d := dbtest.Open(t, dbtest.Options{})
	d.SetMaxOpenConns(8)
	ctx := context.Background()
	if _, err := d.ExecContext(ctx, `INSERT INTO coupons (code, discount_percent, discount_amount, max_uses, used_count)
VALUES ('RACE3', 10, 5, 5, 2)`); err != nil {
		t.Fatal(err)
	}
	var (
		wg         sync.WaitGroup
		mu         sync.Mutex
		ok, denied int
		start      = make(chan struct{})
	)
	for range 12 {
		wg.Go(func() {
			<-start
			err := db.InTx(ctx, d.DB, func(ctx context.Context, tx *sql.Tx) error {
				return UseCoupon(ctx, tx, "RACE3", time.Now())
			})
			mu.Lock()
			defer mu.Unlock()
			switch codeOf(err) {
			case "":
				ok++
			case CodeCouponExhausted:
				denied++
			default:
				t.Errorf("UseCoupon: %v", err)
			}
		})
	}
	close(start)
	wg.Wait()
	var used int
	if err := d.QueryRowContext(ctx, `SELECT used_count FROM coupons WHERE code = 'RACE3'`).Scan(&used); err != nil {
		t.Fatal(err)
	}
	if ok != 3 || denied != 9 || used != 5 {
		t.Fatalf("ok=%d denied=%d used_count=%d, want 3, 9, 5", ok, denied, used)
	}
}

// TestCouponRuleColumnsAreConstrained: migration 0011's CHECKs hold on the embedded twin as on ATP.
func TestCouponRuleColumnsAreConstrained(t *testing.T) {
	d := dbtest.Open(t, dbtest.Options{})
	for _, stmt := range []string{
		`INSERT INTO coupons (code, min_subtotal) VALUES ('BAD1', -1)`,
		`INSERT INTO coupons (code, first_order_only) VALUES ('BAD2', 2)`,
		`INSERT INTO coupons (code, per_customer_limit) VALUES ('BAD3', -1)`,
	} {
		if _, err := d.ExecContext(context.Background(), stmt); err == nil {
			t.Errorf("%s: accepted", stmt)
		}
	}
	if _, err := d.ExecContext(context.Background(), `INSERT INTO coupons (code, min_subtotal, first_order_only, per_customer_limit)
VALUES ('GOOD', 10, 1, 2)`); err != nil {
		t.Fatalf("valid rules refused: %v", err)
	}
}
