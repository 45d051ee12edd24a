// Package commerce holds the shop's business rules shared by more than one function: pricing
// (subtotal, coupon discount, shipping, total) and coupon validation. Checkout charges with them and
// POST /api/coupons/validate previews with them, so the preview and the charge cannot disagree.
//
// All amounts are integer cents (money.Cents); nothing here uses floating point. The rules, from the
// existing shop (see the anchors reference):
//
//   - subtotal = sum of current unit price x quantity;
//   - discount = min(subtotal, round(subtotal x percent / 100) + fixed amount): a coupon's percent and
//     fixed parts stack and the sum is capped at the subtotal; the percent part is rounded half up to
//     the cent (percent has two decimals, so it is held in hundredths of a percent);
//   - shipping is free when the subtotal before discount is at least FreeShippingFrom, else
//     FlatShipping, and 0 for an empty order;
//   - total = max(subtotal - discount, 0) + shipping.
package commerce

import "github.com/octo-drone-shop/serverless/shared/money"

// Pricing constants of the shop.
const (
	// FreeShippingFrom is the subtotal (before discount) from which shipping is free: $5,000.00.
	FreeShippingFrom money.Cents = 500000
	// FlatShipping is the shipping cost below FreeShippingFrom: $149.00.
	FlatShipping money.Cents = 14900
	// Currency is the one currency the shop sells in.
	Currency = "USD"
)

// Quantity limits of one cart or order line.
const (
	MinQuantity = 1
	MaxQuantity = 20
)

// LowStock is the stock level at or under which a product counts as low on stock.
const LowStock = 10

// Line is one priced line: a unit price and a quantity.
type Line struct {
	UnitPrice money.Cents
	Quantity  int64
}

// Total returns the line total.
func (l Line) Total() money.Cents { return l.UnitPrice * money.Cents(l.Quantity) }

// Subtotal returns the sum of the line totals.
func Subtotal(lines []Line) money.Cents {
	var s money.Cents
	for _, l := range lines {
		s += l.Total()
	}
	return s
}

// Totals is a priced order.
type Totals struct {
	Subtotal money.Cents `json:"subtotal"`
	Discount money.Cents `json:"discount"`
	Shipping money.Cents `json:"shipping_cost"`
	Total    money.Cents `json:"total"`
}

// Discount is what a coupon takes off: a percent of the subtotal in hundredths of a percent (1250 is
// 12.5 %) and a fixed amount. The zero value discounts nothing.
type Discount struct {
	PercentHundredths int64
	Amount            money.Cents
}

// Of returns the discount on subtotal: the percent part rounded half up to the cent plus the fixed
// amount, capped at the subtotal and never negative.
func (d Discount) Of(subtotal money.Cents) money.Cents {
	if subtotal <= 0 {
		return 0
	}
	pct := (subtotal*money.Cents(d.PercentHundredths) + 5000) / 10000
	return max(min(pct+d.Amount, subtotal), 0)
}

// Shipping returns the shipping cost of an order with this subtotal.
func Shipping(subtotal money.Cents) money.Cents {
	if subtotal <= 0 || subtotal >= FreeShippingFrom {
		return 0
	}
	return FlatShipping
}

// Price applies the shop's pricing rules to a subtotal and a discount.
func Price(subtotal money.Cents, d Discount) Totals {
	t := Totals{Subtotal: subtotal, Discount: d.Of(subtotal), Shipping: Shipping(subtotal)}
	t.Total = max(t.Subtotal-t.Discount, 0) + t.Shipping
	return t
}
