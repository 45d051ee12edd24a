package notify_test

import (
	"context"
	"database/sql"
	"errors"
	"io"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	gomail "github.com/emersion/go-message/mail"

	"github.com/octo-drone-shop/serverless/shared/db"
	"github.com/octo-drone-shop/serverless/shared/dbtest"
	"github.com/octo-drone-shop/serverless/shared/notify"
)

// recorder is a Sender that keeps every message it accepted; fail makes it refuse.
type recorder struct {
	mu   sync.Mutex
	sent []notify.Message
	fail error
}

func (r *recorder) Send(_ context.Context, m notify.Message) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.fail != nil {
		return r.fail
	}
	r.sent = append(r.sent, m)
	return nil
}

type fixture struct {
	db     *dbtest.DB
	outbox notify.Outbox
	drain  *notify.Drainer
	now    time.Time
}

func newFixture(t *testing.T, s notify.Sender) *fixture {
	t.Helper()
	f := &fixture{db: dbtest.Open(t, dbtest.Options{}), now: time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)}
	clock := func() time.Time { return f.now }
	f.outbox = notify.Outbox{Domain: "octo.test", Now: clock}
	from, _ := gomail.ParseAddress("OCTO <no-reply@octo.test>")
	f.drain = &notify.Drainer{DB: f.db.DB, Sender: s, From: from, Now: clock, MaxAttempts: 3}
	return f
}

func (f *fixture) enqueue(t *testing.T, to string) int64 {
	t.Helper()
	var id int64
	err := db.InTx(t.Context(), f.db.DB, func(ctx context.Context, tx *sql.Tx) error {
		var err error
		id, err = f.outbox.Enqueue(ctx, tx, notify.Notification{Template: notify.VerifyEmail, To: to,
			Data: map[string]string{"name": "Pat <b>", "link": "http://localhost:8080/account/verify?token=abc&x=1"}})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func TestEnqueueRolledBackSendsNothing(t *testing.T) {
	rec := &recorder{}
	f := newFixture(t, rec)
	boom := errors.New("checkout failed after the outbox write")
	err := db.InTx(t.Context(), f.db.DB, func(ctx context.Context, tx *sql.Tx) error {
		if _, err := f.outbox.Enqueue(ctx, tx, notify.Notification{Template: notify.PasswordReset, To: "a@example.com",
			Data: map[string]string{"link": "x?token=1"}}); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatal(err)
	}
	if res, err := f.drain.Drain(t.Context()); err != nil || res.Sent != 0 || len(rec.sent) != 0 {
		t.Fatalf("drain after rollback: %+v %v, %d sent", res, err, len(rec.sent))
	}
}

func TestEnqueueRefusesUnknownTemplateAndMissingData(t *testing.T) {
	f := newFixture(t, &recorder{})
	for _, n := range []notify.Notification{
		{Template: "nope", To: "a@example.com"},
		{Template: notify.PasswordReset, To: "a@example.com"},
		{Template: notify.PasswordReset, To: "a@example.com", Data: map[string]string{"link": "l", "typo": "x"}},
	} {
		if _, err := f.outbox.Enqueue(t.Context(), f.db.DB, n); err == nil {
			t.Errorf("%+v enqueued", n)
		}
	}
}

func TestDrainWritesOneMIMEFilePerMessage(t *testing.T) {
	dir := t.TempDir()
	f := newFixture(t, notify.FileSender{Dir: dir})
	f.enqueue(t, "pat@example.com")
	res, err := f.drain.Drain(t.Context())
	if err != nil || res.Sent != 1 {
		t.Fatalf("%+v %v", res, err)
	}
	if res, _ := f.drain.Drain(t.Context()); res.Sent != 0 {
		t.Fatalf("second drain sent again: %+v", res)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.eml"))
	if len(files) != 1 {
		t.Fatalf("files %v", files)
	}
	raw, _ := os.ReadFile(files[0])
	m, err := mail.ReadMessage(strings.NewReader(string(raw)))
	if err != nil {
		t.Fatal(err)
	}
	id := m.Header.Get("Message-Id")
	if !strings.HasSuffix(id, "@octo.test>") || filepath.Base(files[0]) != strings.Trim(id, "<>")+".eml" {
		t.Errorf("Message-Id %q, file %s", id, files[0])
	}
	if m.Header.Get("To") != "<pat@example.com>" || !strings.Contains(m.Header.Get("Subject"), "Confirm your email") ||
		!strings.HasPrefix(m.Header.Get("Content-Type"), "multipart/alternative") {
		t.Errorf("headers %v", m.Header)
	}
	r, err := gomail.CreateReader(strings.NewReader(string(raw)))
	if err != nil {
		t.Fatal(err)
	}
	var types []string
	var html, text string
	for {
		p, err := r.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		ct, _, _ := p.Header.(*gomail.InlineHeader).ContentType()
		types = append(types, ct)
		b, _ := io.ReadAll(p.Body)
		if ct == "text/html" {
			html = string(b)
		} else {
			text = string(b)
		}
	}
	if strings.Join(types, ",") != "text/plain,text/html" {
		t.Errorf("parts %v", types)
	}
	if !strings.Contains(text, "Hello Pat <b>,") || !strings.Contains(text, "verify?token=abc&x=1") {
		t.Errorf("text part %q", text)
	}
	if !strings.Contains(html, "Hello Pat &lt;b&gt;,") || !strings.Contains(html, `href="http://localhost:8080/account/verify?token=abc&amp;x=1"`) {
		t.Errorf("html part %q", html)
	}
	if payload := f.db.Int(t, `SELECT COUNT(*) FROM notification_outbox WHERE payload = '{}' AND status = 'sent'`); payload != 1 {
		t.Errorf("sent message keeps its payload (the mailed token)")
	}
}

// panicSender is a sender whose process dies mid-send: it hands the message over, and the drain
// never learns the outcome.
type panicSender struct{ got *[]notify.Message }

func (p panicSender) Send(_ context.Context, m notify.Message) error {
	*p.got = append(*p.got, m)
	panic("killed")
}

func TestNotifierKilledMidSendResendsWithTheSameID(t *testing.T) {
	var delivered []notify.Message
	f := newFixture(t, panicSender{got: &delivered})
	f.enqueue(t, "pat@example.com")
	func() {
		defer func() { _ = recover() }()
		_, _ = f.drain.Drain(t.Context())
	}()
	if len(delivered) != 1 {
		t.Fatalf("first attempt: %d", len(delivered))
	}
	rec := &recorder{}
	f.drain.Sender = rec
	if res, _ := f.drain.Drain(t.Context()); res.Sent != 0 {
		t.Fatalf("resent while the killed drain's lease holds: %+v", res)
	}
	f.now = f.now.Add(notify.DefaultLease + time.Second)
	if res, err := f.drain.Drain(t.Context()); err != nil || res.Sent != 1 {
		t.Fatalf("after the lease: %+v %v", res, err)
	}
	if rec.sent[0].ID != delivered[0].ID {
		t.Fatalf("resent as %s, first as %s", rec.sent[0].ID, delivered[0].ID)
	}
	if res, _ := f.drain.Drain(t.Context()); res.Sent != 0 {
		t.Fatalf("sent a third time: %+v", res)
	}
}

func TestFailingSenderRetriesWithBackoffThenParks(t *testing.T) {
	rec := &recorder{fail: errors.New("554 relay refused")}
	f := newFixture(t, rec)
	f.enqueue(t, "pat@example.com")
	for attempt := 1; attempt <= 2; attempt++ {
		if res, err := f.drain.Drain(t.Context()); err != nil || res.Failed != 1 {
			t.Fatalf("attempt %d: %+v %v", attempt, res, err)
		}
		if res, _ := f.drain.Drain(t.Context()); res.Failed+res.Sent != 0 {
			t.Fatalf("retried before its backoff: %+v", res)
		}
		f.now = f.now.Add(notify.Backoff(attempt))
	}
	if res, _ := f.drain.Drain(t.Context()); res.Parked != 1 {
		t.Fatalf("third failure: %+v, want parked", res)
	}
	if got := f.db.Int(t, `SELECT COUNT(*) FROM notification_outbox WHERE status = 'parked' AND attempts = 3 AND last_error = '554 relay refused'`); got != 1 {
		t.Fatalf("parked rows %d", got)
	}
}

func TestBackoffDoublesAndIsCapped(t *testing.T) {
	if notify.Backoff(1) != notify.DefaultBackoff || notify.Backoff(2) != 2*notify.DefaultBackoff || notify.Backoff(40) != notify.MaxBackoff {
		t.Fatal(notify.Backoff(1), notify.Backoff(2), notify.Backoff(40))
	}
}

func TestConcurrentDrainsSendEachMessageOnce(t *testing.T) {
	rec := &recorder{}
	f := newFixture(t, rec)
	for range 10 {
		f.enqueue(t, "pat@example.com")
	}
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() { _, _ = f.drain.Drain(context.Background()) })
	}
	wg.Wait()
	seen := map[string]bool{}
	for _, m := range rec.sent {
		if seen[m.ID] {
			t.Fatalf("%s sent twice", m.ID)
		}
		seen[m.ID] = true
	}
	if len(seen) != 10 {
		t.Fatalf("%d of 10 sent", len(seen))
	}
}
