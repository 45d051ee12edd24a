package adminaudit

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"

	"github.com/octo-drone-shop/serverless/shared/apperr"
	"github.com/octo-drone-shop/serverless/shared/serve"
)

// Bounds of a CSV export.
const (
	// ExportRows is the most rows one export holds, newest first; the next export of a longer range
	// starts with before_id = the last row's id.
	ExportRows = 100_000
	// FlushRows is how many rows are written between flushes to the client.
	FlushRows = 500
)

// exporter writes the CSV rows as they are read. Where the runtime streams (plain HTTP) it sends
// them at once: encoding/csv over a 32 KiB buffer, flushed every FlushRows rows (and when the buffer
// fills), so the export's memory is the buffer and one row whatever its length. Where the runtime
// holds the whole answer and refuses one over its limit (OCI Functions, Lambda: a
// serve.ResponseBudget), it keeps the rows until the export ends and stops before the row that
// would exceed the budget; the answer then says how many rows it holds in X-Export-Limit, so the
// client's rule is the same everywhere: an export of X-Export-Limit rows continues with before_id.
type exporter struct {
	w    *csv.Writer
	rc   *http.ResponseController
	rows int // data rows written (the header row not counted)

	rw     http.ResponseWriter
	budget serve.ResponseBudget // Limit 0: streaming
	held   bytes.Buffer         // the rows kept under a budget
	one    bytes.Buffer         // one row, encoded to be costed
	oneW   *csv.Writer
	spent  int
	full   bool // a row did not fit the budget: the export ends before it
}

// errFull ends an export whose next row does not fit the runtime's response budget.
var errFull = errors.New("adminaudit: the export reached the runtime's response budget")

func newExporter(w http.ResponseWriter, r *http.Request, filename string, header []string) (*exporter, error) {
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+filename+`"`)
	w.Header().Set("Cache-Control", "no-store")
	e := &exporter{rw: w}
	if b, ok := serve.ResponseBudgetFrom(r.Context()); ok {
		e.budget = b
		e.oneW = csv.NewWriter(&e.one)
	} else {
		w.Header().Set("X-Export-Limit", strconv.Itoa(ExportRows))
		w.WriteHeader(http.StatusOK)
		e.w = csv.NewWriter(bufio.NewWriterSize(flusherTo{w}, 32<<10))
		e.rc = http.NewResponseController(w)
	}
	if err := e.write(header); err != nil {
		return nil, err
	}
	return e, nil
}

// flusherTo is the response as an io.Writer; it exists so the bufio.Writer's own buffer is the only one.
type flusherTo struct{ w http.ResponseWriter }

func (f flusherTo) Write(p []byte) (int, error) { return f.w.Write(p) }

// row writes one record, its cells made safe for spreadsheets; errFull when it does not fit the
// budget (the export ends there).
func (e *exporter) row(cells ...string) error {
	for i, c := range cells {
		cells[i] = defuse(c)
	}
	if err := e.write(cells); err != nil {
		return err
	}
	e.rows++
	if e.rc != nil && e.rows%FlushRows == 0 {
		return e.flush()
	}
	return nil
}

func (e *exporter) write(cells []string) error {
	if e.budget.Limit == 0 {
		return e.w.Write(cells)
	}
	e.one.Reset()
	if err := e.oneW.Write(cells); err != nil {
		return err
	}
	e.oneW.Flush()
	if err := e.oneW.Error(); err != nil {
		return err
	}
	cost := e.budget.Cost(e.one.Bytes())
	if e.spent+cost > e.budget.Limit {
		e.full = true
		return errFull
	}
	e.spent += cost
	_, err := e.held.Write(e.one.Bytes())
	return err
}

func (e *exporter) flush() error {
	e.w.Flush()
	if err := e.w.Error(); err != nil {
		return err
	}
	// csv.Writer.Flush flushed its bufio.Writer into the response; now the response itself.
	if err := e.rc.Flush(); err != nil && !errors.Is(err, http.ErrNotSupported) {
		return err
	}
	return nil
}

// finish ends the export. Under a budget nothing was sent yet: a failure is returned (an ordinary
// error answer), and otherwise the kept rows go out with X-Export-Limit set to their number when the
// budget ended the export. When streaming, a failure after the header was sent cannot change the
// status: the response is aborted (net/http drops the connection) so the client sees a failed
// download, never a complete looking, truncated file.
func (e *exporter) finish(r *http.Request, log *slog.Logger, err error) error {
	if e.budget.Limit > 0 {
		if err != nil && !errors.Is(err, errFull) {
			return err
		}
		if e.full && e.rows == 0 {
			// Not even one row fits: an empty answer of X-Export-Limit 0 would be an endless export.
			return fmt.Errorf("adminaudit: one row exceeds the runtime's response budget of %d bytes", e.budget.Limit)
		}
		limit := ExportRows
		if e.full {
			limit = e.rows
			log.InfoContext(r.Context(), "adminaudit: export ended at the runtime's response budget",
				slog.Int("rows", e.rows), slog.Int("budget_bytes", e.budget.Limit))
		}
		e.rw.Header().Set("X-Export-Limit", strconv.Itoa(limit))
		e.rw.WriteHeader(http.StatusOK)
		if _, err := e.rw.Write(e.held.Bytes()); err != nil { // into the runtime's buffer: not expected
			log.ErrorContext(r.Context(), "adminaudit: export not written", slog.Any("error", err))
		}
		return nil
	}
	if err == nil {
		err = e.flush()
	}
	if err != nil {
		log.ErrorContext(r.Context(), "adminaudit: export failed after it started", slog.Int("rows", e.rows), slog.Any("error", err))
		panic(http.ErrAbortHandler)
	}
	return nil
}

// defuse prefixes a cell a spreadsheet would evaluate as a formula with an apostrophe (OWASP's CSV
// injection advice): payloads and user agents of security events are attacker input.
func defuse(c string) string {
	if c != "" && strings.ContainsRune("=+-@\t\r", rune(c[0])) {
		return "'" + c
	}
	return c
}

// export runs the statement and writes its rows (see exporter): a failure to start the query, or
// any failure under a response budget, is an ordinary error answer (nothing was sent yet); once a
// streamed export's header is out, see finish.
func (s *Service) export(w http.ResponseWriter, r *http.Request, filename string, header []string, query string, binds []any,
	row func(scan func(...any) error, e *exporter) error) error {
	rows, err := s.db.QueryContext(r.Context(), query, binds...)
	if err != nil {
		return apperr.Wrap("adminaudit.Export", apperr.Internal, err)
	}
	defer rows.Close()
	e, err := newExporter(w, r, filename, header)
	if err != nil {
		return apperr.Wrap("adminaudit.Export", apperr.Internal, err)
	}
	for err == nil && rows.Next() {
		err = row(rows.Scan, e)
	}
	if err == nil {
		err = rows.Err()
	}
	if err := e.finish(r, s.log, err); err != nil {
		return apperr.Wrap("adminaudit.Export", apperr.Internal, err)
	}
	return nil
}
