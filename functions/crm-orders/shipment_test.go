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
	support := f.DB.As(t, seed.SupportUser)
	o := f.newOrder(t, Processing, false)
	detail := f.do(t, "GET", o.path(""), "", support)
	if detail.Status != http.StatusOK || detail.ETag == "" {
		t.Fatalf("detail %d etag %q", detail.Status, detail.ETag)
	}
	events := func() int64 {
		return f.DB.Int(t, `SELECT COUNT(*) FROM shipment_events WHERE shipment_id = :1`, o.shipment)
	}
	audits := func() int64 { return f.DB.Int(t, `SELECT COUNT(*) FROM audit_logs WHERE action = 'shipment.update'`) }
	body := `{"status":"shipped","carrier":"UPS","location":"Reno hub"}`
	if r := f.do(t, "PATCH", shipmentPath(o), body, support); r.Status != http.StatusPreconditionRequired {
		t.Fatalf("without If-Match: %d %s, want 428", r.Status, r.Body)
	}
	// Another change lands between the read and the write: the read's ETag is stale.
	f.DB.Exec(t, `UPDATE shipments SET carrier = 'FedEx' WHERE id = :1`, o.shipment)
	if r := f.do(t, "PATCH", shipmentPath(o), body, support, "If-Match", detail.ETag); r.Status != http.StatusPreconditionFailed {
		t.Fatalf("stale If-Match: %d %s, want 412", r.Status, r.Body)
	}
	if events() != 0 || audits() != 0 || f.DB.Int(t, `SELECT COUNT(*) FROM shipments WHERE id = :1 AND status = 'processing' AND carrier = 'FedEx'`, o.shipment) != 1 {
		t.Fatal("a refused PATCH changed something")
	}
	fresh := f.do(t, "GET", o.path(""), "", support)
	if fresh.ETag == detail.ETag {
		t.Fatal("the ETag did not change with the shipment")
	}
	r := f.do(t, "PATCH", shipmentPath(o), body, support, "If-Match", fresh.ETag)
	if r.Status != http.StatusOK || r.ETag == "" || r.ETag == fresh.ETag {
		t.Fatalf("current If-Match: %d %s (etag %q)", r.Status, r.Body, r.ETag)
	}
	if f.DB.Int(t, `SELECT COUNT(*) FROM orders WHERE id = :1 AND status = 'shipped'`, o.id) != 1 ||
		f.DB.Int(t, `SELECT COUNT(*) FROM shipments WHERE id = :1 AND status = 'shipped' AND carrier = 'UPS' AND shipped_at IS NOT NULL`, o.shipment) != 1 {
		t.Fatal("shipping did not move the shipment and its order")
	}
	if events() != 1 || audits() != 1 || f.DB.Int(t, `SELECT COUNT(*) FROM notification_outbox WHERE template = 'shipment_status'`) != 1 {
		t.Fatalf("events %d audits %d: want one of each and one email", events(), audits())
	}
	// The same ETag again is stale now.
	if r2 := f.do(t, "PATCH", shipmentPath(o), `{"status":"in_transit"}`, support, "If-Match", fresh.ETag); r2.Status != http.StatusPreconditionFailed {
		t.Fatalf("reused If-Match: %d, want 412", r2.Status)
	}
	r = f.do(t, "PATCH", shipmentPath(o), `{"status":"in_transit"}`, support, "If-Match", r.ETag)
	if r.Status != http.StatusOK {
		t.Fatalf("in_transit: %d %s", r.Status, r.Body)
	}
	r = f.do(t, "PATCH", shipmentPath(o), `{"status":"delivered","note":"left at reception"}`, support, "If-Match", r.ETag)
	if r.Status != http.StatusOK {
		t.Fatalf("delivered: %d %s", r.Status, r.Body)
	}
	if f.DB.Int(t, `SELECT COUNT(*) FROM shipments WHERE id = :1 AND delivered_at IS NOT NULL`, o.shipment) != 1 ||
		f.DB.Int(t, `SELECT COUNT(*) FROM orders WHERE id = :1 AND status = 'delivered'`, o.id) != 1 ||
		f.DB.Int(t, `SELECT COUNT(*) FROM notification_outbox WHERE template = 'shipment_status'`) != 2 || events() != 3 {
		t.Fatal("delivery did not set delivered_at, deliver the order, mail the customer and keep the event")
	}
	if r := f.do(t, "PATCH", shipmentPath(o), `{"status":"processing"}`, support, "If-Match", r.ETag); r.Status != http.StatusConflict {
		t.Fatalf("delivered -> processing: %d, want 409", r.Status)
	}
}

func TestShippingAnUnpaidOrderIsRefused(t *testing.T) {
	f := newFixture(t)
	support := f.DB.As(t, seed.SupportUser)
	o := f.newOrder(t, Pending, false)
	d := f.do(t, "GET", o.path(""), "", support)
	r := f.do(t, "PATCH", shipmentPath(o), `{"status":"shipped"}`, support, "If-Match", d.ETag)
	if r.Status != http.StatusConflict {
		t.Fatalf("%d %s, want 409: a pending order cannot ship", r.Status, r.Body)
	}
	if f.DB.Int(t, `SELECT COUNT(*) FROM shipments WHERE id = :1 AND status = 'processing'`, o.shipment) != 1 {
		t.Fatal("the refused PATCH changed the shipment")
	}
}

func TestBadShipmentInputIs400(t *testing.T) {
	f := newFixture(t)
	support := f.DB.As(t, seed.SupportUser)
	o := f.newOrder(t, Processing, false)
	d := f.do(t, "GET", o.path(""), "", support)
	for name, body := range map[string]string{
		"nothing_to_change": `{"note":"hello"}`,
		"unknown_status":    `{"status":"lost"}`,
		"empty_carrier":     `{"carrier":""}`,
		"long_tracking":     `{"tracking_number":"` + string(make([]byte, 65)) + `"}`,
	} {
		t.Run(name, func(t *testing.T) {
			if r := f.do(t, "PATCH", shipmentPath(o), body, support, "If-Match", d.ETag); r.Status != http.StatusBadRequest {
				t.Fatalf("%d %s, want 400", r.Status, r.Body)
			}
		})
	}
}
