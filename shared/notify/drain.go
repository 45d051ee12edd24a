package notify

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/emersion/go-message/mail"

	"github.com/octo-drone-shop/serverless/shared/db"
)

// Drain defaults.
const (
	DefaultMaxAttempts = 8
	DefaultLease       = 2 * time.Minute
	DefaultBatch       = 50
	// DefaultBackoff is the wait after the first failure; it doubles with each attempt up to MaxBackoff.
	DefaultBackoff = 30 * time.Second
	MaxBackoff     = time.Hour
)

// Drainer sends outbox messages through a Sender.
type Drainer struct {
	DB          *sql.DB
	Sender      Sender
	From        *mail.Address
	Log         *slog.Logger
	Now         func() time.Time // time.Now when nil
	MaxAttempts int              // parked after this many failed attempts; DefaultMaxAttempts when 0
	Lease       time.Duration    // how long a claim keeps other drains away; DefaultLease when 0
	Batch       int              // messages per Drain; DefaultBatch when 0
}

// Result counts what one drain did.
type Result struct {
	Sent   int `json:"sent"`
	Failed int `json:"failed"` // will be retried
	Parked int `json:"parked"` // failed MaxAttempts times: left for an operator
}

const (
	dueOutboxSQL = `SELECT id FROM notification_outbox WHERE status = 'pending' AND next_attempt_at <= :1
ORDER BY next_attempt_at, id
FETCH FIRST :2 ROWS ONLY`
	// claimOutboxSQL is the one statement that decides who sends a message: it counts the attempt and
	// moves the next attempt a lease ahead, only if the message is still due.
	claimOutboxSQL = `UPDATE notification_outbox SET attempts = attempts + 1, next_attempt_at = :1
WHERE id = :2 AND status = 'pending' AND next_attempt_at <= :3`
	claimedOutboxSQL = `SELECT message_id, template, recipient, payload, attempts, created_at FROM notification_outbox WHERE id = :1`
	sentOutboxSQL    = `UPDATE notification_outbox SET status = 'sent', sent_at = :1, payload = '{}', last_error = NULL WHERE id = :2`
	retryOutboxSQL   = `UPDATE notification_outbox SET next_attempt_at = :1, last_error = :2 WHERE id = :3`
	parkOutboxSQL    = `UPDATE notification_outbox SET status = 'parked', last_error = :1 WHERE id = :2`
)

func (d *Drainer) now() time.Time {
	if d.Now != nil {
		return d.Now()
	}
	return time.Now()
}

// Drain sends the messages that are due, oldest first, at most Batch of them.
func (d *Drainer) Drain(ctx context.Context) (Result, error) {
	batch := d.Batch
	if batch <= 0 {
		batch = DefaultBatch
	}
	rows, err := d.DB.QueryContext(ctx, dueOutboxSQL, d.now(), batch)
	if err != nil {
		return Result{}, fmt.Errorf("notify.Drain: %w", err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return Result{}, fmt.Errorf("notify.Drain: %w", err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return Result{}, fmt.Errorf("notify.Drain: %w", err)
	}
	rows.Close()
	return d.Send(ctx, ids...)
}

// Send claims and sends the given messages; one already claimed by another drain, sent or parked is
// skipped. A message's failure is recorded on it, never returned: the error is for the database.
func (d *Drainer) Send(ctx context.Context, ids ...int64) (Result, error) {
	var res Result
	for _, id := range ids {
		outcome, err := d.sendOne(ctx, id)
		if err != nil {
			return res, err
		}
		switch outcome {
		case "sent":
			res.Sent++
		case "failed":
			res.Failed++
		case "parked":
			res.Parked++
		}
	}
	return res, nil
}

func (d *Drainer) sendOne(ctx context.Context, id int64) (string, error) {
	const op = "notify.Send"
	lease := d.Lease
	if lease <= 0 {
		lease = DefaultLease
	}
	now := d.now()
	claim, err := d.DB.ExecContext(ctx, claimOutboxSQL, now.Add(lease), id, now)
	if err != nil {
		return "", fmt.Errorf("%s: claim: %w", op, err)
	}
	if n, err := claim.RowsAffected(); err != nil || n != 1 {
		return "", err // not due: another drain has it, or it is done
	}
	var msgID, tmpl, to, payload string
	var attempts int
	var created time.Time
	if err := d.DB.QueryRowContext(ctx, claimedOutboxSQL, id).Scan(&msgID, &tmpl, &to, &payload, &attempts, &created); err != nil {
		return "", fmt.Errorf("%s: read: %w", op, err)
	}
	var data map[string]string
	sendErr := json.Unmarshal([]byte(payload), &data)
	var msg Message
	if sendErr == nil {
		msg, sendErr = build(d.From, to, msgID, tmpl, data, created)
	}
	if sendErr == nil {
		sendErr = d.Sender.Send(ctx, msg)
	}
	if sendErr == nil {
		if _, err := d.DB.ExecContext(ctx, sentOutboxSQL, d.now(), id); err != nil {
			// Sent but not recorded: the lease ends and it is sent again, with the same Message-ID.
			return "", fmt.Errorf("%s: record sent: %w", op, err)
		}
		return "sent", nil
	}
	reason := db.CutBytes(sendErr.Error(), 1000)
	maxAttempts := d.MaxAttempts
	if maxAttempts <= 0 {
		maxAttempts = DefaultMaxAttempts
	}
	if d.Log != nil {
		d.Log.WarnContext(ctx, "notification not sent", "outbox_id", id, "message_id", msgID, "attempt", attempts, "error", reason)
	}
	if attempts >= maxAttempts {
		if _, err := d.DB.ExecContext(ctx, parkOutboxSQL, reason, id); err != nil {
			return "", fmt.Errorf("%s: park: %w", op, err)
		}
		return "parked", nil
	}
	if _, err := d.DB.ExecContext(ctx, retryOutboxSQL, d.now().Add(Backoff(attempts)), reason, id); err != nil {
		return "", fmt.Errorf("%s: retry: %w", op, err)
	}
	return "failed", nil
}

// Backoff is the wait after the attempt-th failed attempt: DefaultBackoff doubled per attempt,
// capped at MaxBackoff.
func Backoff(attempt int) time.Duration {
	d := DefaultBackoff
	for i := 1; i < attempt && d < MaxBackoff; i++ {
		d *= 2
	}
	return min(d, MaxBackoff)
}

var errNoSender = errors.New("notify: no sender configured")
