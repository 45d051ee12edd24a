package commerce

import (
	"testing"

	"github.com/octo-drone-shop/serverless/shared/money"
)

func TestPrice(t *testing.T) {
	for _, tc := range []struct {
		name     string
		subtotal money.Cents
		discount Discount
		want     Totals
	}{
		{"empty_order_costs_nothing", 0, Discount{PercentHundredths: 1000, Amount: 500}, Totals{}},
		{"below_threshold_pays_flat_shipping", 499999, Discount{}, Totals{499999, 0, 14900, 514899}},
		{"at_threshold_ships_free", 500000, Discount{}, Totals{500000, 0, 0, 500000}},
		{"threshold_uses_subtotal_before_discount", 500000, Discount{PercentHundredths: 5000}, Totals{500000, 250000, 0, 250000}},
		{"percent_and_fixed_stack", 100000, Discount{PercentHundredths: 1000, Amount: 2500}, Totals{100000, 12500, 14900, 102400}},
		{"fractional_percent_rounds_half_up", 999, Discount{PercentHundredths: 1250}, Totals{999, 125, 14900, 15774}},
		{"percent_rounds_down_below_half", 997, Discount{PercentHundredths: 1250}, Totals{997, 125, 14900, 15772}},
		{"discount_above_subtotal_leaves_shipping", 10000, Discount{Amount: 25000}, Totals{10000, 10000, 14900, 14900}},
		{"full_percent_discount_leaves_shipping", 20000, Discount{PercentHundredths: 10000, Amount: 100}, Totals{20000, 20000, 14900, 14900}},
		{"no_coupon", 12345, Discount{}, Totals{12345, 0, 14900, 27245}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Price(tc.subtotal, tc.discount); got != tc.want {
				t.Fatalf("Price(%v, %+v) = %+v, want %+v", tc.subtotal, tc.discount, got, tc.want)
			}
		})
	}
}

func TestSubtotalSumsLineTotals(t *testing.T) {
	lines := []Line{{UnitPrice: 1899900, Quantity: 2}, {UnitPrice: 3900, Quantity: 20}, {UnitPrice: 1, Quantity: 1}}
	if got, want := Subtotal(lines), money.Cents(1899900*2+3900*20+1); got != want {
		t.Fatalf("Subtotal = %v, want %v", got, want)
	}
	if got := Subtotal(nil); got != 0 {
		t.Fatalf("Subtotal(nil) = %v, want 0", got)
	}
}
