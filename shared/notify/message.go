package notify

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/emersion/go-message/mail"
)

// Message is one email ready for a Sender: the RFC 5322 bytes and the envelope.
type Message struct {
	ID   string // the Message-ID without angle brackets, e.g. "3f2a...@octo.example"
	From string // envelope sender (bare address)
	To   string // the one recipient (bare address)
	Raw  []byte // the RFC 5322 message, CRLF line endings
}

// newMessageID returns a fresh Message-ID (without angle brackets) in the sender's domain.
func newMessageID(domain string) (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return hex.EncodeToString(b) + "@" + domain, nil
}

// build renders the template and writes the message: From, To, Subject, Date (the time the
// notification was enqueued, so a retry is the same message), Message-ID, and a multipart/alternative
// body with the plain-text part first.
func build(from *mail.Address, to, id, name string, data map[string]string, date time.Time) (Message, error) {
	r, err := render(name, data)
	if err != nil {
		return Message{}, err
	}
	var h mail.Header
	h.SetAddressList("From", []*mail.Address{from})
	h.SetAddressList("To", []*mail.Address{{Address: to}})
	h.SetSubject(r.subject)
	h.SetDate(date)
	h.SetMessageID(id)
	h.Set("Auto-Submitted", "auto-generated")
	var buf bytes.Buffer
	w, err := mail.CreateInlineWriter(&buf, h)
	if err != nil {
		return Message{}, fmt.Errorf("notify: message header: %w", err)
	}
	for _, part := range []struct{ typ, body string }{{"text/plain", r.text}, {"text/html", r.html}} {
		var ph mail.InlineHeader
		ph.SetContentType(part.typ, map[string]string{"charset": "utf-8"})
		// 8bit keeps the link readable in the file (quoted-printable would write "token=3D..."); every
		// line stays far below SMTP's 998-byte limit (a paragraph of a template, names of 200 bytes).
		ph.Set("Content-Transfer-Encoding", "8bit")
		pw, err := w.CreatePart(ph)
		if err != nil {
			return Message{}, fmt.Errorf("notify: message part: %w", err)
		}
		if _, err := io.WriteString(pw, strings.ReplaceAll(part.body, "\n", "\r\n")); err != nil {
			return Message{}, err
		}
		if err := pw.Close(); err != nil {
			return Message{}, err
		}
	}
	if err := w.Close(); err != nil {
		return Message{}, fmt.Errorf("notify: message: %w", err)
	}
	return Message{ID: id, From: from.Address, To: to, Raw: buf.Bytes()}, nil
}
