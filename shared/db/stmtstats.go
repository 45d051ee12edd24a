package db

import (
	"database/sql"
	"sort"
	"sync/atomic"
	"time"
)

// stmtCounts is what this process ran of one statement: executions, failures, summed elapsed time and
// rows (returned by a query, changed by DML).
type stmtCounts struct {
	execs, failures, elapsed, rows atomic.Int64
}

func (c *stmtCounts) add(d time.Duration, n int64, err error) {
	c.execs.Add(1)
	c.elapsed.Add(int64(d))
	if n > 0 {
		c.rows.Add(n)
	}
	if err != nil {
		c.failures.Add(1)
	}
}

// StatementStat is one statement's totals in this process since it opened the DB: the embedded
// database's stand-in for V$SQLAREA (which ATP keeps per SQL_ID for the whole instance).
type StatementStat struct {
	SQLID      string        // SQL_ID of the Oracle text
	Text       string        // the statement as written (Oracle syntax)
	Operation  string        // SELECT, INSERT, ...
	Executions int64         // executions, a batch counting once
	Failures   int64         // executions that returned an error
	Elapsed    time.Duration // summed execution time (to the last row for a query)
	Rows       int64         // rows returned or changed
}

// Statements returns the totals of every statement the pool d (made by Open) has cached (at most
// Options.StatementCacheSize distinct texts; past that, new texts are not counted), most elapsed time
// first. Statements never executed are left out; nil for a pool Open did not make.
func Statements(d *sql.DB) []StatementStat {
	c, err := connectorOf(d)
	if err != nil {
		return nil
	}
	var out []StatementStat
	c.stmts.m.Range(func(_, v any) bool {
		st := v.(*stmt)
		n := st.counts.execs.Load()
		if n == 0 {
			return true
		}
		out = append(out, StatementStat{SQLID: st.sqlID, Text: st.oracle, Operation: st.op, Executions: n,
			Failures: st.counts.failures.Load(), Elapsed: time.Duration(st.counts.elapsed.Load()), Rows: st.counts.rows.Load()})
		return true
	})
	sort.Slice(out, func(i, j int) bool {
		if out[i].Elapsed != out[j].Elapsed {
			return out[i].Elapsed > out[j].Elapsed
		}
		return out[i].SQLID < out[j].SQLID
	})
	return out
}
