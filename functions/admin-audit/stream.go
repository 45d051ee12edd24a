package adminaudit

import (
	"bufio"
	"encoding/csv"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"strings"

	"github.com/octo-drone-shop/serverless/shared/apperr"
)

// Bounds of a CSV export.
const (
	// ExportRows is the most rows one export holds, newest first; the next export of a longer range
	// starts with before_id = the last row's id.
	ExportRows = 100_000
	// FlushRows is how many rows are written between flushes to the client.
	FlushRows = 500
)

// exporter streams CSV rows to the client as they are read: encoding/csv over a 32 KiB buffer,
// flushed every FlushRows rows (and when the buffer fills), so the export's memory is the buffer
// and one row whatever its length.
type exporter struct {
	w    *csv.Writer
	rc   *http.ResponseController
	rows int
}

func newExporter(w http.ResponseWriter, filename string, header []string) (*exporter, error) {
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+filename+`"`)
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Export-Limit", strconv.Itoa(ExportRows))
	w.WriteHeader(http.StatusOK)
	e := &exporter{w: csv.NewWriter(bufio.NewWriterSize(flusherTo{w}, 32<<10)), rc: http.NewResponseController(w)}
	return e, e.row(header...)
}

// flusherTo is the response as an io.Writer; it exists so the bufio.Writer's own buffer is the only one.
type flusherTo struct{ w http.ResponseWriter }

func (f flusherTo) Write(p []byte) (int, error) { return f.w.Write(p) }

// row writes one record, its cells made safe for spreadsheets.
func (e *exporter) row(cells ...string) error {
	for i, c := range cells {
		cells[i] = defuse(c)
	}
	if err := e.w.Write(cells); err != nil {
		return err
	}
	e.rows++
	if e.rows%FlushRows == 0 {
		return e.flush()
	}
	return nil
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

// finish ends the export. A failure after the header was sent cannot change the status: the response
// is aborted (net/http drops the connection) so the client sees a failed download, never a complete
// looking, truncated file.
func (e *exporter) finish(r *http.Request, log *slog.Logger, err error) {
	if err == nil {
		err = e.flush()
	}
	if err != nil {
		log.ErrorContext(r.Context(), "adminaudit: export failed after it started", slog.Int("rows", e.rows), slog.Any("error", err))
		panic(http.ErrAbortHandler)
	}
}

// defuse prefixes a cell a spreadsheet would evaluate as a formula with an apostrophe (OWASP's CSV
// injection advice): payloads and user agents of security events are attacker input.
func defuse(c string) string {
	if c != "" && strings.ContainsRune("=+-@\t\r", rune(c[0])) {
		return "'" + c
	}
	return c
}

// export runs the statement and streams its rows: a failure to start the query is an ordinary error
// answer (nothing was sent yet); once the header is out, see finish.
func (s *Service) export(w http.ResponseWriter, r *http.Request, filename string, header []string, query string, binds []any,
	row func(scan func(...any) error, e *exporter) error) error {
	rows, err := s.db.QueryContext(r.Context(), query, binds...)
	if err != nil {
		return apperr.Wrap("adminaudit.Export", apperr.Internal, err)
	}
	defer rows.Close()
	e, err := newExporter(w, filename, header)
	for err == nil && rows.Next() {
		err = row(rows.Scan, e)
	}
	if err == nil {
		err = rows.Err()
	}
	e.finish(r, s.log, err)
	return nil
}
