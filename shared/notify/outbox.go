package notify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/octo-drone-shop/serverless/shared/db"
)

// Notification is one message to write to the outbox: a template, its recipient and the template's
// data (see templates.go for each template's keys; links carry their token as a token= parameter).
type Notification struct {
	Template string
	To       string
	Data     map[string]string
}

// Outbox writes notifications. The zero value is unusable; Config.Outbox builds one.
type Outbox struct {
	Domain string           // the Message-ID's domain: the sender address's
	Now    func() time.Time // time.Now when nil
}

// maxPayloadBytes is the payload column's size.
const maxPayloadBytes = 4000

const insertOutboxSQL = `INSERT INTO notification_outbox (message_id, template, recipient, payload, next_attempt_at)
VALUES (:1, :2, :3, :4, :5) RETURNING id INTO :6`

// Enqueue writes n in tx and returns its outbox id, for a Kicker. The template is rendered once here
// so a mistake fails the caller's transaction instead of parking the message later.
func (o Outbox) Enqueue(ctx context.Context, tx db.DBTX, n Notification) (int64, error) {
	if _, err := render(n.Template, n.Data); err != nil {
		return 0, err
	}
	payload, err := json.Marshal(n.Data)
	if err != nil {
		return 0, fmt.Errorf("notify: payload: %w", err)
	}
	if len(payload) > maxPayloadBytes {
		return 0, fmt.Errorf("notify: payload of %d bytes exceeds %d", len(payload), maxPayloadBytes)
	}
	if n.To == "" || len(n.To) > 254 {
		return 0, errors.New("notify: recipient must be 1 to 254 bytes")
	}
	id, err := newMessageID(o.Domain)
	if err != nil {
		return 0, fmt.Errorf("notify: message id: %w", err)
	}
	now := time.Now
	if o.Now != nil {
		now = o.Now
	}
	rowID, err := db.InsertReturningID(ctx, tx, insertOutboxSQL, id, n.Template, n.To, string(payload), now())
	if err != nil {
		return 0, fmt.Errorf("notify: enqueue: %w", err)
	}
	return rowID, nil
}

// Kicker starts delivering just-committed outbox rows without making the caller wait.
type Kicker interface {
	Kick(ids ...int64)
}

// KickFunc adapts a function to Kicker.
type KickFunc func(ids ...int64)

// Kick calls f.
func (f KickFunc) Kick(ids ...int64) { f(ids...) }

// InProcess is the Kicker functions use: it sends the given messages through the Drainer in a
// goroutine, bounded by timeout. Whatever it does not finish (a frozen or killed container, a
// failing relay) the notifier's scheduled drain picks up once the claim's lease ends.
func InProcess(d *Drainer, timeout time.Duration) Kicker {
	return KickFunc(func(ids ...int64) {
		if len(ids) == 0 {
			return
		}
		go func() {
			ctx, cancel := context.WithTimeout(context.Background(), timeout)
			defer cancel()
			_, _ = d.Send(ctx, ids...)
		}()
	})
}

var _ Kicker = KickFunc(nil)
