package assistantchat

import (
	"context"
	"database/sql"
	"unicode/utf8"

	"go.opentelemetry.io/otel/trace"

	"github.com/octo-drone-shop/serverless/shared/apperr"
	"github.com/octo-drone-shop/serverless/shared/db"
)

// historyMessages bounds the earlier messages read for a turn; the token budget then trims them.
const historyMessages = 20

const (
	// historySQL is the session's newest :2 answered messages (refusals are never replayed to a model).
	historySQL = `SELECT role, content
FROM assistant_messages
WHERE session_id = :1 AND refused = 0
ORDER BY id DESC
FETCH FIRST :2 ROWS ONLY`

	insertSessionSQL = `INSERT INTO assistant_sessions (session_id, customer_id, title, created_at, updated_at)
VALUES (:1, :2, :3, :4, :5)`

	// touchSessionSQL moves the session's activity, only while the caller may still use it.
	touchSessionSQL = `UPDATE assistant_sessions SET updated_at = :1
WHERE session_id = :2 AND (customer_id IS NULL OR customer_id = :3)`

	insertMessageSQL = `INSERT INTO assistant_messages (session_id, role, content, provider, model_id, prompt_tokens,
    completion_tokens, latency_ms, prompt_sha256, response_sha256, refused, trace_id, created_at)
VALUES (:1, :2, :3, :4, :5, :6, :7, :8, :9, :10, :11, :12, :13)`
)

// history returns the session's earlier answered turns, oldest first.
func (s *Service) history(ctx context.Context, op, sessionID string) ([]Turn, error) {
	rows, err := s.db.QueryContext(ctx, historySQL, sessionID, historyMessages)
	if err != nil {
		return nil, apperr.Wrap(op, apperr.Internal, err)
	}
	defer rows.Close()
	var turns []Turn
	for rows.Next() {
		var t Turn
		if err := rows.Scan(&t.Role, &t.Content); err != nil {
			return nil, apperr.Wrap(op, apperr.Internal, err)
		}
		turns = append(turns, t)
	}
	if err := rows.Err(); err != nil {
		return nil, apperr.Wrap(op, apperr.Internal, err)
	}
	for i, j := 0, len(turns)-1; i < j; i, j = i+1, j-1 {
		turns[i], turns[j] = turns[j], turns[i]
	}
	return turns, nil
}

// store writes the turn in one transaction: the session (new, or its activity moved), the customer's
// message and the reply. A session that stopped being the caller's in between is 404 and nothing is
// written.
func (s *Service) store(ctx context.Context, op, sessionID string, isNew bool, customer int64, message string, a answer) error {
	now := s.clock()
	traceID := ""
	if sc := trace.SpanContextFromContext(ctx); sc.HasTraceID() {
		traceID = sc.TraceID().String()
	}
	var owner any
	if customer != 0 {
		owner = customer
	}
	err := db.InTx(ctx, s.db, func(ctx context.Context, tx *sql.Tx) error {
		if isNew {
			if _, err := tx.ExecContext(ctx, insertSessionSQL, sessionID, owner, title(message), now, now); err != nil {
				return err
			}
		} else {
			res, err := tx.ExecContext(ctx, touchSessionSQL, now, sessionID, customer)
			if err != nil {
				return err
			}
			if n, err := res.RowsAffected(); err != nil || n != 1 {
				return errNoSession(op)
			}
		}
		if _, err := tx.ExecContext(ctx, insertMessageSQL, sessionID, "user", message, nil, nil, nil, nil, nil,
			sha256Hex([]byte(message)), nil, boolInt(a.refused), nullString(traceID), now); err != nil {
			return err
		}
		var provider, model any = a.provider, nullString(a.modelID)
		var prompt any
		if a.prompt != nil {
			prompt = sha256Hex(a.prompt)
		}
		_, err := tx.ExecContext(ctx, insertMessageSQL, sessionID, "assistant", a.reply, provider, model,
			nullInt(a.promptTokens), nullInt(a.completionTokens), a.latency.Milliseconds(), prompt,
			sha256Hex([]byte(a.reply)), boolInt(a.refused), nullString(traceID), now)
		return err
	})
	if err != nil {
		if apperr.KindOf(err) == apperr.NotFound {
			return err
		}
		return apperr.Wrap(op, apperr.Internal, err)
	}
	return nil
}

// title is the session's title: the start of its first message, within the column's 200 bytes.
func title(message string) string {
	const maxBytes = 200
	if len(message) <= maxBytes {
		return message
	}
	cut := maxBytes
	for cut > 0 && !utf8.RuneStart(message[cut]) {
		cut--
	}
	return message[:cut]
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func nullInt(p *int) any {
	if p == nil {
		return nil
	}
	return *p
}
