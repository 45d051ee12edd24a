package notify

import (
	"crypto/tls"
	"crypto/x509"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/emersion/go-message/mail"
)

// Sender kinds (OCTO_MAIL_SENDER).
const (
	SenderFile = "file"
	SenderSMTP = "smtp"
	SenderOCI  = "oci"
)

// DefaultFrom is the local sender address.
const DefaultFrom = "OCTO Drone Shop <no-reply@octo-drone-shop.example>"

// Config is the email configuration, read once at cold start by every function that enqueues or
// sends.
type Config struct {
	Sender      string        // OCTO_MAIL_SENDER: file | smtp | oci; file by default on SQLite, required on Oracle
	From        *mail.Address // OCTO_MAIL_FROM: the approved sender ("Name <addr>" or a bare address)
	Dir         string        // OCTO_MAIL_DIR (file): default <database directory>/mail, i.e. $OCTO_DATA_DIR/mail
	PublicURL   string        // OCTO_PUBLIC_URL: base of the links in messages; http://localhost:8080 by default
	MaxAttempts int           // OCTO_MAIL_MAX_ATTEMPTS: failed attempts before a message is parked
	SMTP        SMTPSender    // OCTO_SMTP_ADDR, OCTO_SMTP_USERNAME, OCTO_SMTP_PASSWORD, OCTO_SMTP_CA_FILE
	OCI         OCIConfig     // OCTO_EMAIL_COMPARTMENT_OCID, OCTO_EMAIL_ENDPOINT, OCTO_OCI_REGION
}

// ConfigFromEnv reads the email settings, reporting every problem at once.
func ConfigFromEnv(getenv func(string) string) (Config, error) {
	var errs []string
	c := Config{
		Sender:    strings.ToLower(getenv("OCTO_MAIL_SENDER")),
		Dir:       getenv("OCTO_MAIL_DIR"),
		PublicURL: strings.TrimRight(getenv("OCTO_PUBLIC_URL"), "/"),
		SMTP: SMTPSender{Addr: getenv("OCTO_SMTP_ADDR"), Username: getenv("OCTO_SMTP_USERNAME"),
			Password: getenv("OCTO_SMTP_PASSWORD")},
		OCI: OCIConfig{CompartmentID: getenv("OCTO_EMAIL_COMPARTMENT_OCID"), Endpoint: getenv("OCTO_EMAIL_ENDPOINT"),
			Region: getenv("OCTO_OCI_REGION")},
		MaxAttempts: DefaultMaxAttempts,
	}
	local := getenv("OCTO_DB_DRIVER") == "sqlite"
	if c.Sender == "" && local {
		c.Sender = SenderFile
	}
	if c.PublicURL == "" {
		c.PublicURL = "http://localhost:8080"
	}
	from := getenv("OCTO_MAIL_FROM")
	if from == "" && local {
		from = DefaultFrom
	}
	if a, err := mail.ParseAddress(from); err != nil || !strings.Contains(a.Address, "@") {
		errs = append(errs, fmt.Sprintf("OCTO_MAIL_FROM %q must be an email address", from))
	} else {
		c.From = a
	}
	if v := getenv("OCTO_MAIL_MAX_ATTEMPTS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 100 {
			errs = append(errs, fmt.Sprintf("OCTO_MAIL_MAX_ATTEMPTS %q must be 1 to 100", v))
		}
		c.MaxAttempts = n
	}
	switch c.Sender {
	case SenderFile:
		if c.Dir == "" {
			if dsn := getenv("OCTO_DB_DSN"); local && dsn != "" {
				c.Dir = filepath.Join(filepath.Dir(dsn), "mail")
			} else {
				errs = append(errs, "OCTO_MAIL_DIR is required with OCTO_MAIL_SENDER=file")
			}
		}
	case SenderSMTP:
		if c.SMTP.Addr == "" {
			errs = append(errs, "OCTO_SMTP_ADDR is required with OCTO_MAIL_SENDER=smtp")
		}
		if (c.SMTP.Username == "") != (c.SMTP.Password == "") {
			errs = append(errs, "OCTO_SMTP_USERNAME and OCTO_SMTP_PASSWORD go together")
		}
		if f := getenv("OCTO_SMTP_CA_FILE"); f != "" {
			// A private relay's certificate authority, instead of the system roots.
			host, _, _ := net.SplitHostPort(c.SMTP.Addr)
			pemData, err := os.ReadFile(f)
			roots := x509.NewCertPool()
			if err != nil || !roots.AppendCertsFromPEM(pemData) {
				errs = append(errs, fmt.Sprintf("OCTO_SMTP_CA_FILE %q must be a readable PEM file of certificates", f))
			}
			c.SMTP.TLS = &tls.Config{RootCAs: roots, ServerName: host, MinVersion: tls.VersionTLS12}
		}
	case SenderOCI:
		if c.OCI.CompartmentID == "" {
			errs = append(errs, "OCTO_EMAIL_COMPARTMENT_OCID is required with OCTO_MAIL_SENDER=oci")
		}
	default:
		errs = append(errs, fmt.Sprintf("OCTO_MAIL_SENDER %q must be file, smtp or oci", c.Sender))
	}
	if len(errs) > 0 {
		return Config{}, errors.New("notify: " + strings.Join(errs, "; "))
	}
	return c, nil
}

// Outbox returns the outbox that writes messages from this configuration's sender domain.
func (c Config) Outbox(now func() time.Time) Outbox {
	_, domain, _ := strings.Cut(c.From.Address, "@")
	return Outbox{Domain: domain, Now: now}
}

// Link returns the public URL of path with the token as its token= query parameter.
func (c Config) Link(path, token string) string {
	return c.PublicURL + path + "?token=" + token
}

// NewSender builds the configured sender (once per container: the OCI one holds a signed client).
func (c Config) NewSender() (Sender, error) {
	switch c.Sender {
	case SenderFile:
		return FileSender{Dir: c.Dir}, nil
	case SenderSMTP:
		return c.SMTP, nil
	case SenderOCI:
		return NewOCISender(c.OCI)
	}
	return nil, errNoSender
}

// NewDrainer builds the drainer of this configuration over store.
func (c Config) NewDrainer(store *sql.DB, log *slog.Logger) (*Drainer, error) {
	s, err := c.NewSender()
	if err != nil {
		return nil, err
	}
	return &Drainer{DB: store, Sender: s, From: c.From, Log: log, MaxAttempts: c.MaxAttempts}, nil
}
