package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"sync"
)

// statementLog is the function processes' output: it keeps the db_statements of every access log
// line by request id and discards everything else.
type statementLog struct {
	mu      sync.Mutex
	partial []byte
	byID    map[string]int
}

func newStatementLog() *statementLog { return &statementLog{byID: map[string]int{}} }

// Write takes whole lines; a line split across writes is kept until its end arrives.
func (l *statementLog) Write(p []byte) (int, error) {
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

// statements returns the statement count logged for the request id.
func (l *statementLog) statements(requestID string) (int, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	n, ok := l.byID[requestID]
	return n, ok
}
