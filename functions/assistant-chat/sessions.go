package assistantchat

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/octo-drone-shop/serverless/shared/apperr"
	"github.com/octo-drone-shop/serverless/shared/web"
)

// Message page bounds of GET /api/assistant/sessions/{id}.
const (
	defaultMessages = 100
	maxMessages     = 200
)

// Message is one stored message of a session.
type Message struct {
	ID        int64     `json:"id"`
	Role      string    `json:"role"`
	Content   string    `json:"content"`
	Provider  *string   `json:"provider"`
	ModelID   *string   `json:"model_id"`
	Refused   bool      `json:"refused"`
	CreatedAt time.Time `json:"created_at"`
}

// Session is a conversation as GET /api/assistant/sessions/{id} answers it: its messages oldest
// first, at most limit (default 100, at most 200) after message ?after, and next_after to read on.
type Session struct {
	SessionID string    `json:"session_id"`
	Messages  []Message `json:"messages"`
	NextAfter *int64    `json:"next_after"`
}

// messagesSQL is a page of the session's messages after id :2, oldest first, :3 rows.
const messagesSQL = `SELECT id, role, content, provider, model_id, refused, created_at
FROM assistant_messages
WHERE session_id = :1 AND id > :2
ORDER BY id
FETCH FIRST :3 ROWS ONLY`

func (s *Service) session(w http.ResponseWriter, r *http.Request) error {
	const op = "assistant.Session"
	id := r.PathValue("id")
	if !validSessionID(id) {
		return errNoSession(op)
	}
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return apperr.E(op, apperr.Invalid, "malformed query string")
	}
	limit, err := web.Limit(op, q, defaultMessages, maxMessages)
	if err != nil {
		return err
	}
	var after int64
	if v := q.Get("after"); v != "" {
		if after, err = strconv.ParseInt(v, 10, 64); err != nil || after < 0 {
			return apperr.E(op, apperr.Invalid, "after must be a message id from next_after")
		}
	}
	ctx := r.Context()
	if _, err := s.openSession(ctx, s.db, op, id, callerUserID(r)); err != nil {
		return err
	}
	rows, err := s.db.QueryContext(ctx, messagesSQL, id, after, limit+1)
	if err != nil {
		return apperr.Wrap(op, apperr.Internal, err)
	}
	defer rows.Close()
	out := Session{SessionID: id, Messages: []Message{}}
	for rows.Next() {
		var m Message
		var provider, model string
		var refused int
		if err := rows.Scan(&m.ID, &m.Role, &m.Content, &provider, &model, &refused, &m.CreatedAt); err != nil {
			return apperr.Wrap(op, apperr.Internal, err)
		}
		if provider != "" {
			m.Provider = &provider
		}
		if model != "" {
			m.ModelID = &model
		}
		m.Refused = refused == 1
		out.Messages = append(out.Messages, m)
	}
	if err := rows.Err(); err != nil {
		return apperr.Wrap(op, apperr.Internal, err)
	}
	if len(out.Messages) > limit {
		out.Messages = out.Messages[:limit]
		next := out.Messages[limit-1].ID
		out.NextAfter = &next
	}
	w.Header().Set("Cache-Control", "no-store")
	web.JSON(w, http.StatusOK, out)
	return nil
}
