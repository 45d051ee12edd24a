package crmorders

import (
	"net/http"
	"strconv"
	"testing"

	"github.com/octo-drone-shop/serverless/shared/seed"
)

func shipmentPath(o order) string { return "/api/crm/shipments/" + strconv.FormatInt(o.shipment, 10) }

func TestShipmentPatchNeedsACurrentIfMatch(t *testing.T) {
	f := newFixture(t)
	support := f.db.As(t, seed.SupportUser)
	o := f.newOrder(t, Processing, false)
	detail := f.do(t, "GET", o.path(""), "", support)
	if detail.status != http.StatusOK || detail.etag == "" {
		t.Fatalf("detail %d etag %q", detail.status, detail.etag)
	}
	events := func() int64 {
		return f.db.Int(t, `SELECT COUNT(*) FROM shipment_events WHERE shipment_id = :1`, o.shipment)
	}
	audits := func() int64 { return f.db.Int(t, `SELECT COUNT(*) FROM audit_logs WHERE action = 'shipment.update'`) }
	body := `{"status":"shipped","carrier":"UPS","location":"Reno hub"}`
	if r := f.do(t, "PATCH", shipmentPath(o), body, support); r.status != http.StatusPreconditionRequired {
		t.Fatalf("without If-Match: %d %s, want 428", r.status, r.body)
	}
	// Another change lands between the read and the write: the read's ETag is stale.
	f.db.Exec(t, `UPDATE shipments SET carrier = 'FedEx' WHERE id = :1`, o.shipment)
	if r := f.do(t, "PATCH", shipmentPath(o), body, support, "If-Match", detail.etag); r.status != http.StatusPreconditionFailed {
		t.Fatalf("stale If-Match: %d %s, want 412", r.status, r.body)
	}
	if events() != 0 || audits() != 0 || f.db.Int(t, `SELECT COUNT(*) FROM shipments WHERE id = :1 AND status = 'processing' AND carrier = 'FedEx'`, o.shipment) != 1 {
		t.Fatal("a refused PATCH changed something")
	}
	fresh := f.do(t, "GET", o.path(""), "", support)
	if fresh.etag == detail.etag {
		t.Fatal("the ETag did not change with the shipment")
	}
	r := f.do(t, "PATCH", shipmentPath(o), body, support, "If-Match", fresh.etag)
	if r.status != http.StatusOK || r.etag == "" || r.etag == fresh.etag {
		t.Fatalf("current If-Match: %d %s (etag %q)", r.status, r.body, r.etag)
	}
	if f.db.Int(t, `SELECT COUNT(*) FROM orders WHERE id = :1 AND status = 'shipped'`, o.id) != 1 ||
		f.db.Int(t, `SELECT COUNT(*) FROM shipments WHERE id = :1 AND status = 'shipped' AND carrier = 'UPS' AND shipped_at IS NOT NULL`, o.shipment) != 1 {
		t.Fatal("shipping did not move the shipment and its order")
	}
	if events() != 1 || audits() != 1 || f.db.Int(t, `SELECT COUNT(*) FROM notification_outbox WHERE template = 'shipment_status'`) != 1 {
		t.Fatalf("events %d audits %d: want one of each and one email", events(), audits())
	}
	// The same ETag again is stale now.
	if r2 := f.do(t, "PATCH", shipmentPath(o), `{"status":"in_transit"}`, support, "If-Match", fresh.etag); r2.status != http.StatusPreconditionFailed {
		t.Fatalf("reused If-Match: %d, want 412", r2.status)
	}
	r = f.do(t, "PATCH", shipmentPath(o), `{"status":"in_transit"}`, support, "If-Match", r.etag)
	if r.status != http.StatusOK {
		t.Fatalf("in_transit: %d %s", r.status, r.body)
	}
	r = f.do(t, "PATCH", shipmentPath(o), `{"status":"delivered","note":"left at reception"}`, support, "If-Match", r.etag)
	if r.status != http.StatusOK {
		t.Fatalf("delivered: %d %s", r.status, r.body)
	}
	if f.db.Int(t, `SELECT COUNT(*) FROM shipments WHERE id = :1 AND delivered_at IS NOT NULL`, o.shipment) != 1 ||
		f.db.Int(t, `SELECT COUNT(*) FROM orders WHERE id = :1 AND status = 'delivered'`, o.id) != 1 ||
		f.db.Int(t, `SELECT COUNT(*) FROM notification_outbox WHERE template = 'shipment_status'`) != 2 || events() != 3 {
		t.Fatal("delivery did not set delivered_at, deliver the order, mail the customer and keep the event")
	}
	if r := f.do(t, "PATCH", shipmentPath(o), `{"status":"processing"}`, support, "If-Match", r.etag); r.status != http.StatusConflict {
		t.Fatalf("delivered -> processing: %d, want 409", r.status)
	}
}

func TestShippingAnUnpaidOrderIsRefused(t *testing.T) {
	f := newFixture(t)
	support := f.db.As(t, seed.SupportUser)
	o := f.newOrder(t, Pending, false)
	d := f.do(t, "GET", o.path(""), "", support)
	r := f.do(t, "PATCH", shipmentPath(o), `{"status":"shipped"}`, support, "If-Match", d.etag)
	if r.status != http.StatusConflict {
		t.Fatalf("%d %s, want 409: a pending order cannot ship", r.status, r.body)
	}
	if f.db.Int(t, `SELECT COUNT(*) FROM shipments WHERE id = :1 AND status = 'processing'`, o.shipment) != 1 {
		t.Fatal("the refused PATCH changed the shipment")
	}
}

func TestBadShipmentInputIs400(t *testing.T) {
	f := newFixture(t)
	support := f.db.As(t, seed.SupportUser)
	o := f.newOrder(t, Processing, false)
	d := f.do(t, "GET", o.path(""), "", support)
	for name, body := range map[string]string{
		"nothing_to_change": `{"note":"hello"}`,
		"unknown_status":    `{"status":"lost"}`,
		"empty_carrier":     `{"carrier":""}`,
		"long_tracking":     `{"tracking_number":"` + string(make([]byte, 65)) + `"}`,
	} {
		t.Run(name, func(t *testing.T) {
			if r := f.do(t, "PATCH", shipmentPath(o), body, support, "If-Match", d.etag); r.status != http.StatusBadRequest {
				t.Fatalf("%d %s, want 400", r.status, r.body)
			}
		})
	}
}
