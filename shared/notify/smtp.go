package notify

import (
	"bytes"
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// SMTPSender submits messages to a relay over SMTP, always upgraded with STARTTLS (a relay that does
// not offer it is an error, never a plain-text fallback), authenticating with PLAIN when Username is
// set.
type SMTPSender struct {
	Addr     string      // host:port, usually port 587
	Username string      // optional
	Password string      // with Username
	TLS      *tls.Config // nil: verify the relay's certificate against the system roots for Addr's host
	Timeout  time.Duration
}

// Send submits m in one SMTP session.
func (s SMTPSender) Send(ctx context.Context, m Message) error {
	timeout := s.Timeout
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	if dl, ok := ctx.Deadline(); ok && time.Until(dl) < timeout {
		timeout = time.Until(dl)
	}
	host, _, err := net.SplitHostPort(s.Addr)
	if err != nil {
		return fmt.Errorf("notify: smtp address %q: %w", s.Addr, err)
	}
	cfg := s.TLS
	if cfg == nil {
		cfg = &tls.Config{ServerName: host, MinVersion: tls.VersionTLS12}
	}
	conn, err := (&net.Dialer{Timeout: timeout}).DialContext(ctx, "tcp", s.Addr)
	if err != nil {
		return fmt.Errorf("notify: smtp dial: %w", err)
	}
	_ = conn.SetDeadline(time.Now().Add(timeout))
	// NewClientStartTLS refuses a relay that does not offer STARTTLS.
	c, err := smtp.NewClientStartTLS(conn, cfg)
	if err != nil {
		conn.Close()
		return fmt.Errorf("notify: smtp starttls with %s: %w", s.Addr, err)
	}
	defer c.Close()
	if s.Username != "" {
		if err := c.Auth(sasl.NewPlainClient("", s.Username, s.Password)); err != nil {
			return fmt.Errorf("notify: smtp auth: %w", err)
		}
	}
	if err := c.SendMail(m.From, []string{m.To}, bytes.NewReader(m.Raw)); err != nil {
		return fmt.Errorf("notify: smtp send: %w", err)
	}
	return c.Quit()
}
