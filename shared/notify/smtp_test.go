package notify_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"io"
	"math/big"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/octo-drone-shop/serverless/shared/notify"
)

// relay is an in-process SMTP server (github.com/emersion/go-smtp) that accepts mail for one
// user/password after STARTTLS, or refuses every message while refuse is set.
type relay struct {
	mu       sync.Mutex
	refuse   bool
	received []relayed
}

type relayed struct {
	from, to string
	data     string
	tls      bool
}

type relaySession struct {
	r    *relay
	conn *smtp.Conn
	from string
	to   string
	auth bool
}

func (s *relaySession) AuthMechanisms() []string { return []string{sasl.Plain} }
func (s *relaySession) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user != "octo" || pass != "relay-secret" {
			return errors.New("bad credentials")
		}
		s.auth = true
		return nil
	}), nil
}
func (s *relaySession) Mail(from string, _ *smtp.MailOptions) error {
	if !s.auth {
		return smtp.ErrAuthRequired
	}
	s.from = from
	return nil
}
func (s *relaySession) Rcpt(to string, _ *smtp.RcptOptions) error { s.to = to; return nil }
func (s *relaySession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.r.mu.Lock()
	defer s.r.mu.Unlock()
	if s.r.refuse {
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try again later"}
	}
	_, isTLS := s.conn.TLSConnectionState()
	s.r.received = append(s.r.received, relayed{from: s.from, to: s.to, data: string(b), tls: isTLS})
	return nil
}
func (s *relaySession) Reset()        {}
func (s *relaySession) Logout() error { return nil }

// startRelay serves the relay on a loopback port with a fresh self-signed certificate, and returns
// the sender configured to trust it. withTLS false serves no STARTTLS at all.
func startRelay(t *testing.T, withTLS bool) (*relay, notify.SMTPSender) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "relay.test"},
		DNSNames: []string{"relay.test"}, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	roots := x509.NewCertPool()
	roots.AddCert(cert)
	r := &relay{}
	srv := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) { return &relaySession{r: r, conn: c}, nil }))
	srv.Domain = "relay.test"
	if withTLS {
		srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}}
	} else {
		srv.AllowInsecureAuth = true
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() { _ = srv.Close() })
	return r, notify.SMTPSender{Addr: l.Addr().String(), Username: "octo", Password: "relay-secret", Timeout: 5 * time.Second,
		TLS: &tls.Config{RootCAs: roots, ServerName: "relay.test", MinVersion: tls.VersionTLS12}}
}

func TestSMTPSenderDeliversOverSTARTTLS(t *testing.T) {
	r, sender := startRelay(t, true)
	f := newFixture(t, sender)
	f.enqueue(t, "pat@example.com")
	if res, err := f.drain.Drain(t.Context()); err != nil || res.Sent != 1 {
		t.Fatalf("%+v %v", res, err)
	}
	if len(r.received) != 1 || !r.received[0].tls || r.received[0].to != "pat@example.com" || r.received[0].from != "no-reply@octo.test" ||
		!strings.Contains(r.received[0].data, "Message-Id: <") {
		t.Fatalf("received %+v", r.received)
	}
}

func TestSMTPSenderRefusesARelayWithoutSTARTTLS(t *testing.T) {
	r, sender := startRelay(t, false)
	f := newFixture(t, sender)
	f.enqueue(t, "pat@example.com")
	if res, err := f.drain.Drain(t.Context()); err != nil || res.Failed != 1 || len(r.received) != 0 {
		t.Fatalf("%+v %v, received %d (credentials and mail in clear text)", res, err, len(r.received))
	}
}

func TestRefusingRelayLosesNothingAndKeepsTheMessageID(t *testing.T) {
	r, sender := startRelay(t, true)
	r.refuse = true
	f := newFixture(t, sender)
	f.enqueue(t, "pat@example.com")
	if res, _ := f.drain.Drain(t.Context()); res.Failed != 1 {
		t.Fatalf("refused: %+v", res)
	}
	var firstID string
	if err := f.db.QueryRowContext(t.Context(), `SELECT message_id FROM notification_outbox`).Scan(&firstID); err != nil {
		t.Fatal(err)
	}
	r.mu.Lock()
	r.refuse = false
	r.mu.Unlock()
	f.now = f.now.Add(notify.Backoff(1))
	if res, _ := f.drain.Drain(t.Context()); res.Sent != 1 {
		t.Fatalf("after the relay recovers: %+v", res)
	}
	if len(r.received) != 1 || !strings.Contains(r.received[0].data, "Message-Id: <"+firstID+">") {
		t.Fatalf("delivered %d, want one with Message-Id %s", len(r.received), firstID)
	}
}
