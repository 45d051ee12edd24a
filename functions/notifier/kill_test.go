package notifier_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/mail"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/octo-drone-shop/serverless/shared/dbtest"
	"github.com/octo-drone-shop/serverless/shared/notify"
	"github.com/octo-drone-shop/serverless/shared/serve"
)

// relay is an in-process SMTP server (go-smtp) behind STARTTLS that, while hold is set, reads a
// message and then hangs before answering it, as a relay does while the sender is killed.
type relay struct {
	mu       sync.Mutex
	hold     bool
	inData   chan string // the Message-ID of each message read while holding
	accepted []string    // Message-IDs accepted with 250
}

type session struct{ r *relay }

func (s session) AuthMechanisms() []string { return []string{sasl.Plain} }
func (s session) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user != "octo" || pass != "relay-secret" {
			return errors.New("bad credentials")
		}
		return nil
	}), nil
}
func (s session) Mail(string, *smtp.MailOptions) error { return nil }
func (s session) Rcpt(string, *smtp.RcptOptions) error { return nil }
func (s session) Reset()                               {}
func (s session) Logout() error                        { return nil }
func (s session) Data(r io.Reader) error {
	m, err := mail.ReadMessage(r)
	if err != nil {
		return err
	}
	_, _ = io.Copy(io.Discard, m.Body)
	id := m.Header.Get("Message-Id")
	s.r.mu.Lock()
	hold := s.r.hold
	s.r.mu.Unlock()
	if hold {
		s.r.inData <- id
		time.Sleep(time.Minute) // the sender dies waiting for the answer
		return errors.New("sender gone")
	}
	s.r.mu.Lock()
	s.r.accepted = append(s.r.accepted, id)
	s.r.mu.Unlock()
	return nil
}

// startRelay serves the relay on loopback and writes its certificate to a PEM file for
// OCTO_SMTP_CA_FILE.
func startRelay(t *testing.T) (*relay, string, string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "127.0.0.1"},
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	caFile := filepath.Join(t.TempDir(), "relay-ca.pem")
	if err := os.WriteFile(caFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	r := &relay{inData: make(chan string, 4)}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return session{r: r}, nil }))
	srv.Domain = "relay.test"
	srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() { _ = srv.Close() })
	return r, l.Addr().String(), caFile
}

// startNotifier runs the notifier binary on plain HTTP and waits until it answers.
func startNotifier(t *testing.T, env []string) (*exec.Cmd, string) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	cmd := exec.Command(notifierBin)
	cmd.Env = append(env, fmt.Sprintf("PORT=%d", port), "OCTO_HTTP_HOST=127.0.0.1")
	cmd.Stderr = io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	url := fmt.Sprintf("http://127.0.0.1:%d", port)
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", port)); err == nil {
			c.Close()
			return cmd, url
		}
	}
	t.Fatal("notifier did not start")
	return nil, ""
}

func invoke(url string) (*http.Response, error) {
	req, _ := http.NewRequest(http.MethodPost, url+serve.InvokePath, strings.NewReader(`{"drain":"outbox"}`))
	req.Header.Set(serve.InvocationHeader, serve.InvocationScheduled)
	return (&http.Client{Timeout: 30 * time.Second}).Do(req)
}

// TestKillingTheNotifierMidSendLosesNothingAndKeepsTheID kills the real notifier process (SIGKILL)
// while the relay holds its message, then lets the claim's lease end and runs a new process: the
// message is delivered once, with the Message-ID of the first attempt.
func TestKillingTheNotifierMidSendLosesNothingAndKeepsTheID(t *testing.T) {
	tdb := dbtest.Open(t, dbtest.Options{})
	r, addr, caFile := startRelay(t)
	env := append(os.Environ(), "OCTO_DB_DRIVER=sqlite", "OCTO_DB_DSN="+tdb.Path, "OCTO_MAIL_SENDER=smtp",
		"OCTO_SMTP_ADDR="+addr, "OCTO_SMTP_USERNAME=octo", "OCTO_SMTP_PASSWORD=relay-secret", "OCTO_SMTP_CA_FILE="+caFile)
	cfg, err := notify.ConfigFromEnv(func(k string) string {
		return map[string]string{"OCTO_DB_DRIVER": "sqlite", "OCTO_DB_DSN": tdb.Path}[k]
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cfg.Outbox(nil).Enqueue(t.Context(), tdb.DB, notify.Notification{Template: notify.PasswordReset,
		To: "pat@example.com", Data: map[string]string{"link": cfg.Link("/account/reset-password", "tok")}}); err != nil {
		t.Fatal(err)
	}

	r.hold = true
	first, url := startNotifier(t, env)
	go func() {
		if res, err := invoke(url); err == nil {
			res.Body.Close()
		}
	}()
	var heldID string
	select {
	case heldID = <-r.inData:
	case <-time.After(20 * time.Second):
		t.Fatal("the notifier never reached DATA")
	}
	if err := first.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = first.Wait()
	if got := tdb.Int(t, `SELECT COUNT(*) FROM notification_outbox WHERE status = 'pending' AND attempts = 1`); got != 1 {
		t.Fatalf("after the kill: %d pending claimed messages, want 1", got)
	}

	r.mu.Lock()
	r.hold = false
	r.mu.Unlock()
	tdb.Exec(t, `UPDATE notification_outbox SET next_attempt_at = :1`, time.Now().Add(-time.Second)) // the lease ends
	_, url = startNotifier(t, env)
	res, err := invoke(url)
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("second run: %v %v", res, err)
	}
	res.Body.Close()
	if len(r.accepted) != 1 || r.accepted[0] != heldID {
		t.Fatalf("accepted %v, want exactly the held message %s", r.accepted, heldID)
	}
	if got := tdb.Int(t, `SELECT COUNT(*) FROM notification_outbox WHERE status = 'sent'`); got != 1 {
		t.Fatalf("%d sent rows, want 1", got)
	}
	res, err = invoke(url)
	if err == nil {
		res.Body.Close()
	}
	if len(r.accepted) != 1 {
		t.Fatalf("sent again: %v", r.accepted)
	}
}
