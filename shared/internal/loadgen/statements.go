package loadgen

import (
	"bufio"
	"bytes"
	"encoding/json"
	"sync"
)

// StatementLog is the function processes' output: it keeps the db_statements of every access log
// line by request id and discards everything else, so a benchmark can report the statements each
// request ran.
type StatementLog struct {
	mu      sync.Mutex
	partial []byte
	byID    map[string]int
}

// NewStatementLog returns an empty log, to be given to the function processes as their output.
func NewStatementLog() *StatementLog { return &StatementLog{byID: map[string]int{}} }

// Write takes whole lines; a line split across writes is kept until its end arrives.
func (l *StatementLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	data := append(l.partial, p...)
	last := bytes.LastIndexByte(data, '\n')
	if last < 0 {
		l.partial = data
		return len(p), nil
	}
	sc := bufio.NewScanner(bytes.NewReader(data[:last+1]))
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for sc.Scan() {
		var line struct {
			Msg        string `json:"msg"`
			RequestID  string `json:"request_id"`
			Statements *int   `json:"db_statements"`
		}
		if json.Unmarshal(sc.Bytes(), &line) == nil && line.Msg == "request" && line.RequestID != "" && line.Statements != nil {
			l.byID[line.RequestID] = *line.Statements
		}
	}
	l.partial = append([]byte(nil), data[last+1:]...)
	return len(p), nil
}

// Statements returns the statement count logged for the request id.
func (l *StatementLog) Statements(requestID string) (int, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	n, ok := l.byID[requestID]
	return n, ok
}
