package security_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	"github.com/octo-drone-shop/serverless/shared/security"
	"github.com/octo-drone-shop/serverless/shared/telemetry"
)

func TestAttacksAreRejectedAndRecorded(t *testing.T) {
	s := newStack(t, security.Config{}, true)
	body := func(field, value string) string {
		w := map[string]any{"name": "Pilot", "address": "1 Main St", "product_id": 3, "session_id": "sess-0001"}
		switch field {
		case "tags":
			w["tags"] = []string{"ok", value}
		case "meta":
			w["meta"] = map[string]string{value: "x"}
		default:
			w[field] = value
		}
		b, _ := json.Marshal(w)
		return string(b)
	}
	tests := []struct {
		name, method, target, body  string
		attackType, location, field string
		payload                     string
	}{
		{"sql_injection_in_a_body_field", "POST", "/api/widgets", body("name", `' OR '1'='1`), "sql_injection", "body", "name", `' OR '1'='1`},
		{"xss_in_an_array_element", "POST", "/api/widgets", body("tags", `<img src=x onerror=alert(1)>`), "xss", "body", "tags[1]", `<img src=x onerror=alert(1)>`},
		{"traversal_in_an_object_key", "POST", "/api/widgets", body("meta", `../../etc/passwd`), "path_traversal", "body", "meta.../../etc/passwd", `../../etc/passwd`},
		{"command_injection_in_a_body_field", "POST", "/api/widgets", body("address", "x; rm -rf /"), "command_injection", "body", "address", "x; rm -rf /"},
		{"sql_injection_in_the_query", "GET", "/api/widgets/1?sort=" + url.QueryEscape("1 UNION SELECT password FROM users"), "", "sql_injection", "query", "sort", "1 UNION SELECT password FROM users"},
		{"encoded_traversal_in_the_path", "GET", "/api/widgets/..%2F..%2Fetc%2Fpasswd", "", "path_traversal", "path", "", "/api/widgets/../../etc/passwd"},
		{"control_characters_escaped_in_the_payload", "POST", "/api/widgets", body("name", "x'; DROP TABLE orders; --\n\x1b[2J"), "sql_injection", "body", "name", `x'; DROP TABLE orders; --\n\u001b[2J`},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ip := "203.0.113." + string(rune('1'+i))
			res := s.call(t, tt.method, tt.target, ip, tt.body, nil)
			if res.status != http.StatusBadRequest || res.code() != "invalid_request" {
				t.Fatalf("%d %s, want 400 invalid_request", res.status, res.body)
			}
			rows := s.rows(t, ip)
			if len(rows) != 1 {
				t.Fatalf("%d rows for %s, want 1", len(rows), ip)
			}
			r := rows[0]
			if r.attackType != tt.attackType || r.payload != tt.payload || r.method != tt.method || r.count != 1 ||
				r.userAgent != "corpus-test/1.0" || len(r.traceID) != 32 {
				t.Fatalf("row %+v", r)
			}
			d := r.detail(t)
			if d["category"] != tt.attackType || d["location"] != tt.location || d["rule"] == "" ||
				!strings.HasPrefix(d["owasp_category"].(string), "A0") || !strings.HasPrefix(d["mitre_technique"].(string), "T1") {
				t.Fatalf("details %s", r.details)
			}
			if tt.field != "" && d["field"] != tt.field {
				t.Fatalf("field %v, want %q", d["field"], tt.field)
			}
			if tt.location == "body" && (r.productID == nil || *r.productID != 3 || r.session != "sess-0001") {
				t.Fatalf("product %v session %q, want 3 and sess-0001 from the body", r.productID, r.session)
			}
			ev := spanEvent(t, s, r.traceID)
			if got := attr(ev, "octo.security.attack_type"); got != tt.attackType {
				t.Fatalf("span event attack_type %q", got)
			}
			if attr(ev, "client.address") != ip || attr(ev, "octo.security.payload") != tt.payload {
				t.Fatalf("span event attributes %v", ev.Attributes)
			}
		})
	}
}

func TestBenignTextPassesByteForByte(t *testing.T) {
	s := newStack(t, security.Config{}, true)
	in := map[string]any{
		"name":    "Séamus O'Brien-D'Arcy",
		"address": "Apt #3, 221B Baker St -- back door; leave with neighbour",
		"tags":    []string{"drop-in replacement, select the 5 inch props", "<3 it, 3 < 5"},
		"meta":    map[string]string{"note": `He is 6' 2" -- "the one"`},
	}
	b, _ := json.Marshal(in)
	res := s.call(t, "POST", "/api/widgets?q="+url.QueryEscape("drop-in replacement; select the 5\" props"), "198.51.100.7", string(b), nil)
	if res.status != http.StatusCreated {
		t.Fatalf("%d %s, want 201", res.status, res.body)
	}
	var out map[string]any
	if err := json.Unmarshal([]byte(res.body), &out); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"name", "address"} {
		if out[k] != in[k] {
			t.Errorf("%s came back as %q, sent %q", k, out[k], in[k])
		}
	}
	if rows := s.rows(t, "198.51.100.7"); len(rows) != 0 {
		t.Fatalf("benign request recorded %+v", rows)
	}
}

func TestDecoderRefusalsAreRecorded(t *testing.T) {
	s := newStack(t, security.Config{}, true)
	tests := []struct {
		name, body string
		status     int
		category   string
	}{
		{"unknown_field_is_mass_assignment", `{"name":"a","role":"admin"}`, 400, "mass_assignment"},
		{"wrongly_typed_field_is_mass_assignment", `{"name":"a","product_id":"3 or 1"}`, 400, "mass_assignment"},
		{"malformed_json", `{"name":"a"`, 400, "malformed_body"},
		{"oversized_body", `{"name":"` + strings.Repeat("a", 3000) + `"}`, 413, "oversized_body"},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ip := "192.0.2." + string(rune('1'+i))
			if res := s.call(t, "POST", "/api/widgets", ip, tt.body, nil); res.status != tt.status {
				t.Fatalf("%d %s, want %d", res.status, res.body, tt.status)
			}
			rows := s.rows(t, ip)
			if len(rows) != 1 || rows[0].attackType != tt.category || rows[0].detail(t)["category"] != tt.category {
				t.Fatalf("rows %+v, want one %[2]s/%[2]s", rows, tt.category)
			}
		})
	}
}

func TestFloodIsAggregatedPerSourceTypeAndMinute(t *testing.T) {
	s := newStack(t, security.Config{}, true)
	attack := `{"name":"' OR '1'='1"}`
	for range 100 {
		if res := s.call(t, "POST", "/api/widgets", "203.0.113.50", attack, nil); res.status != http.StatusBadRequest {
			t.Fatalf("%d, want 400", res.status)
		}
	}
	rows := s.rows(t, "203.0.113.50")
	if len(rows) != 1 || rows[0].count != 100 {
		t.Fatalf("rows %+v, want one row with event_count 100", rows)
	}
	s.call(t, "POST", "/api/widgets", "203.0.113.51", attack, nil)
	s.call(t, "POST", "/api/widgets", "203.0.113.50", `{"name":"<script>x</script>"}`, nil)
	s.clock.advance(time.Minute)
	s.call(t, "POST", "/api/widgets", "203.0.113.50", attack, nil)
	got := map[string]int{}
	for _, r := range s.rows(t, "203.0.113.50") {
		got[r.attackType] += 1
	}
	if got["sql_injection"] != 2 || got["xss"] != 1 || len(s.rows(t, "203.0.113.51")) != 1 {
		t.Fatalf("rows by type %v: want a new row per minute, per type and per source", got)
	}
}

func TestRecordingFailureDoesNotFailTheRequest(t *testing.T) {
	s := newStack(t, security.Config{}, true)
	if _, err := s.db.ExecContext(context.Background(), `DROP TABLE security_events`); err != nil {
		t.Fatal(err)
	}
	if res := s.call(t, "POST", "/api/widgets", "203.0.113.60", `{"name":"<script>alert(1)</script>"}`, nil); res.status != http.StatusBadRequest {
		t.Fatalf("attack: %d %s, want the 400 anyway", res.status, res.body)
	}
	if res := s.call(t, "GET", "/api/widgets/7", "203.0.113.60", "", nil); res.status != http.StatusNotFound {
		t.Fatalf("reported IDOR: %d %s, want the handler's 404", res.status, res.body)
	}
	if res := s.call(t, "POST", "/api/widgets", "203.0.113.60", `{"name":"O'Brien"}`, nil); res.status != http.StatusCreated {
		t.Fatalf("benign: %d %s", res.status, res.body)
	}
	if n := strings.Count(s.logs.String(), `"msg":"record security event"`); n != 2 {
		t.Fatalf("%d failed recordings logged, want 2: %s", n, s.logs)
	}
}

func TestReportRecordsIDOR(t *testing.T) {
	s := newStack(t, security.Config{}, true)
	if res := s.call(t, "GET", "/api/widgets/7", "203.0.113.70", "", nil); res.status != http.StatusNotFound {
		t.Fatalf("%d %s, want 404", res.status, res.body)
	}
	rows := s.rows(t, "203.0.113.70")
	if len(rows) != 1 || rows[0].attackType != "idor" || rows[0].payload != "widget 7" || rows[0].productID == nil ||
		*rows[0].productID != 3 || rows[0].endpoint != "/api/widgets/7" || rows[0].severity != "high" {
		t.Fatalf("rows %+v", rows)
	}
	if d := rows[0].detail(t); d["resource"] != "widget" || d["mitre_tactic"] != "TA0009 Collection" {
		t.Fatalf("details %s", rows[0].details)
	}
	if n := securityMetric(t, s, "idor"); n != 1 {
		t.Fatalf("octo.security.events{idor} = %d, want 1", n)
	}
}

func TestWithoutDatabaseEventsGoToSpanMetricAndLog(t *testing.T) {
	s := newStack(t, security.Config{}, false)
	res := s.call(t, "GET", "/api/widgets/1?file=../../etc/passwd", "203.0.113.80", "", nil)
	if res.status != http.StatusBadRequest {
		t.Fatalf("%d, want 400", res.status)
	}
	if !strings.Contains(s.logs.String(), `"msg":"security event","attack_type":"path_traversal"`) {
		t.Fatalf("log %s", s.logs)
	}
	if n := securityMetric(t, s, "path_traversal"); n != 1 {
		t.Fatalf("metric %d, want 1", n)
	}
	found := false
	for _, sp := range s.spans.Ended() {
		for _, ev := range sp.Events() {
			found = found || (ev.Name == "security_event" && attr(ev, "octo.security.attack_type") == "path_traversal")
		}
	}
	if !found {
		t.Fatal("no security_event on the request span")
	}
}

// spanEvent returns the security_event of the trace's server span.
func spanEvent(t *testing.T, s *stack, traceID string) sdktrace.Event {
	t.Helper()
	for _, sp := range s.spans.Ended() {
		if sp.SpanContext().TraceID().String() != traceID {
			continue
		}
		for _, ev := range sp.Events() {
			if ev.Name == "security_event" {
				return ev
			}
		}
	}
	t.Fatalf("no security_event in trace %s", traceID)
	return sdktrace.Event{}
}

func attr(ev sdktrace.Event, key string) string {
	for _, a := range ev.Attributes {
		if string(a.Key) == key {
			return a.Value.String()
		}
	}
	return ""
}

// securityMetric returns the octo.security.events count of a category.
func securityMetric(t *testing.T, s *stack, category string) int64 {
	t.Helper()
	var rm metricdata.ResourceMetrics
	if err := s.reader.Collect(context.Background(), &rm); err != nil {
		t.Fatal(err)
	}
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			sum, ok := m.Data.(metricdata.Sum[int64])
			if m.Name != telemetry.MetricSecurityEvents || !ok {
				continue
			}
			for _, dp := range sum.DataPoints {
				if v, ok := dp.Attributes.Value(telemetry.SecurityEventTypeKey); ok && v == attribute.StringValue(category) {
					return dp.Value
				}
			}
		}
	}
	return 0
}
