package notify_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/octo-drone-shop/serverless/shared/notify"
	"github.com/octo-drone-shop/serverless/shared/ocitest"
)

// fakeEmailDelivery serves Email Delivery's SubmitRawEmail for requests signed by the principal.
type fakeEmailDelivery struct {
	principal ocitest.Principal
	status    int // answered instead of 200 when set

	mu       sync.Mutex
	received []submitted
}

type submitted struct {
	compartment, sender, recipients, contentType string
	body                                         string
}

func (f *fakeEmailDelivery) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if err := f.principal.Verify(r); err != nil {
		w.WriteHeader(http.StatusUnauthorized)
		fmt.Fprintf(w, `{"code":"NotAuthenticated","message":%q}`, err.Error())
		return
	}
	if r.Method != http.MethodPost || r.URL.Path != "/20220926/actions/submitRawEmail" {
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprint(w, `{"code":"NotFound","message":"no such operation"}`)
		return
	}
	if f.status != 0 {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(f.status)
		fmt.Fprint(w, `{"code":"TooManyRequests","message":"slow down"}`)
		return
	}
	body, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	f.received = append(f.received, submitted{compartment: r.Header.Get("compartment-id"), sender: r.Header.Get("sender"),
		recipients: r.Header.Get("recipients"), contentType: r.Header.Get("Content-Type"), body: string(body)})
	f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	fmt.Fprint(w, `{"messageId":"oci-1","envelopeId":"env-1"}`)
}

func TestOCISenderSubmitsTheRawMessageWithTheResourcePrincipal(t *testing.T) {
	fake := &fakeEmailDelivery{principal: ocitest.NewPrincipal(t, "us-ashburn-1", nil)}
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	sender, err := notify.NewOCISender(notify.OCIConfig{CompartmentID: "ocid1.compartment.oc1..shop", Endpoint: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	f := newFixture(t, sender)
	f.enqueue(t, "pat@example.com")

	fake.status = http.StatusTooManyRequests
	if res, err := f.drain.Drain(t.Context()); err != nil || res.Failed != 1 {
		t.Fatalf("throttled: %+v %v", res, err)
	}
	fake.status = 0
	f.now = f.now.Add(notify.Backoff(1))
	if res, err := f.drain.Drain(t.Context()); err != nil || res.Sent != 1 {
		t.Fatalf("%+v %v", res, err)
	}
	if len(fake.received) != 1 {
		t.Fatalf("received %d", len(fake.received))
	}
	got := fake.received[0]
	if got.compartment != "ocid1.compartment.oc1..shop" || got.sender != "no-reply@octo.test" || got.recipients != "pat@example.com" ||
		got.contentType != "message/rfc822" || !strings.Contains(got.body, "Message-Id: <") || !strings.Contains(got.body, "Subject: Confirm your email") {
		t.Fatalf("submitted %+v", got)
	}
}
