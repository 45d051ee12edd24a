package crmorders

import "slices"

// The order statuses (orders.status).
const (
	Pending        = "pending"
	PaymentPending = "payment_pending"
	Paid           = "paid"
	Processing     = "processing"
	Shipped        = "shipped"
	Delivered      = "delivered"
	Cancelled      = "cancelled"
	Refunded       = "refunded"
)

// orderNext is the order state machine, the one place it is written down: the statuses staff may
// move an order to from each status. processing -> shipped -> delivered; pending, payment_pending,
// paid and processing -> cancelled; paid, processing, shipped and delivered -> refunded. cancelled
// and refunded are final, which is what makes returning stock and coupon use happen once.
var orderNext = map[string][]string{
	Pending:        {Cancelled},
	PaymentPending: {Cancelled},
	Paid:           {Cancelled, Refunded},
	Processing:     {Shipped, Cancelled, Refunded},
	Shipped:        {Delivered, Refunded},
	Delivered:      {Refunded},
}

// allowedOrder returns the statuses an order in status from may move to (never nil, for JSON).
func allowedOrder(from string) []string {
	return append([]string{}, orderNext[from]...)
}

// canMoveOrder reports whether an order may move from one status to another.
func canMoveOrder(from, to string) bool { return slices.Contains(orderNext[from], to) }

// isOrderStatus reports whether s is one of the order statuses.
func isOrderStatus(s string) bool {
	switch s {
	case Pending, PaymentPending, Paid, Processing, Shipped, Delivered, Cancelled, Refunded:
		return true
	}
	return false
}

// returnsGoods reports whether moving to status puts the order's stock and coupon use back.
func returnsGoods(to string) bool { return to == Cancelled || to == Refunded }

// paymentAfter is the payment status an order's transition leaves: a cancelled order's unpaid
// payment is cancelled and a paid one refunded; a refund refunds a paid payment. Other transitions
// keep it.
func paymentAfter(payment, to string) string {
	switch {
	case to == Cancelled && (payment == "pending" || payment == "payment_pending"):
		return "cancelled"
	case (to == Cancelled || to == Refunded) && payment == "paid":
		return "refunded"
	}
	return payment
}

// The shipment statuses (shipments.status).
const (
	ShipProcessing = "processing"
	ShipShipped    = "shipped"
	ShipInTransit  = "in_transit"
	ShipDelivered  = "delivered"
	ShipReturned   = "returned"
	ShipCancelled  = "cancelled"
)

// shipmentNext is the shipment state machine: processing -> shipped -> in_transit -> delivered |
// returned (a shipped parcel may also be delivered or returned without an in-transit scan).
// cancelled is reached only by cancelling the order.
var shipmentNext = map[string][]string{
	ShipProcessing: {ShipShipped},
	ShipShipped:    {ShipInTransit, ShipDelivered, ShipReturned},
	ShipInTransit:  {ShipDelivered, ShipReturned},
}

func allowedShipment(from string) []string { return append([]string{}, shipmentNext[from]...) }

func canMoveShipment(from, to string) bool { return slices.Contains(shipmentNext[from], to) }

// orderFollowing is the order status a shipment status change moves the order to, and whether it
// does: shipping moves a processing order to shipped, delivery a shipped order to delivered.
func orderFollowing(ship string) (string, bool) {
	switch ship {
	case ShipShipped:
		return Shipped, true
	case ShipDelivered:
		return Delivered, true
	}
	return "", false
}

// shipmentFollowing is the shipment status an order transition moves its shipment to, from the
// statuses it may leave: shipping an order ships its parcel, delivering it delivers the parcel, and
// cancelling it cancels a parcel not yet shipped.
func shipmentFollowing(to string) (status string, from []string) {
	switch to {
	case Shipped:
		return ShipShipped, []string{ShipProcessing}
	case Delivered:
		return ShipDelivered, []string{ShipShipped, ShipInTransit}
	case Cancelled:
		return ShipCancelled, []string{ShipProcessing}
	}
	return "", nil
}

// mailed reports whether the customer is emailed when the order reaches status.
func mailed(status string) bool { return status == Shipped || status == Delivered }
